/** Mutants for the option extensions (RFC 7323, RFC 2018 with RFC 6675 and RFC 2883, RFC 6691) and for long urgent data (see mutants.ts). */
import { fault, type Mutant } from './mutant.js';

export const MUTANTS_H: readonly Mutant[] = [
  // SACK (RFC 2018) as a sender and a receiver.
  fault('sack-scoreboard-ignored', 'RFC 6675 §5', 'ignores the SACK scoreboard in loss recovery: after the hole it retransmits the segments the peer SACKed'),
  fault('dsack-wrong-range', 'RFC 2883 §4', 'reports a duplicate segment with a D-SACK block that runs on to RCV.NXT, past the duplicate'),
  // Timestamps and window scale (RFC 7323).
  fault('ts-recent-any-segment', 'RFC 7323 §4.3', 'updates TS.Recent from every acceptable segment: an out-of-order one\'s TSval is echoed'),
  fault('syn-window-scaled', 'RFC 7323 §2.2', "scales the window of the peer's SYN or SYN/ACK by the shift it carries"),
  // The MSS announced (RFC 6691).
  fault('mss-less-options', 'RFC 6691 §2', 'announces its MSS less the 12 bytes of the timestamp option (1448 on a 1500-byte link) when timestamps are offered'),
  // Urgent data longer than a segment (RFC 9293 §3.8.5).
  fault('urgent-only-final-segment', 'MUST-31', 'sets URG and the urgent pointer only on the segment in which the urgent data ends, not on the segments before it'),
];
