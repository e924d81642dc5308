/** Faults for the mutants of the option extensions (RFC 7323, RFC 2018 with RFC 6675 and RFC 2883, RFC 6691) and of long urgent data (see faults.ts). */
export const FAULTS_H = [
  /** RFC 6675 §5 (NextSeg): in SACK loss recovery the scoreboard is not consulted: everything up to the highest SACKed octet goes again, SACKed data too. */
  'sack-scoreboard-ignored',
  /** RFC 2883 §4: the D-SACK block reports the duplicate from its start to RCV.NXT, not the duplicate alone. */
  'dsack-wrong-range',
  /** RFC 7323 §4.3 (2): TS.Recent is taken from every acceptable segment, an out-of-order one (SEG.SEQ > Last.ACK.sent) too. */
  'ts-recent-any-segment',
  /** RFC 7323 §2.2: the window of a <SYN> or <SYN,ACK> is scaled by the shift it carries, like a later segment's. */
  'syn-window-scaled',
  /** RFC 6691 §2: the MSS announced is reduced by the timestamp option's 12 bytes when timestamps are offered. */
  'mss-less-options',
  /** RFC 9293 §3.8.5, §3.10.2 (MUST-31): URG and the urgent pointer go only on the segment in which the urgent data ends, not on those before it. */
  'urgent-only-final-segment',
] as const;
