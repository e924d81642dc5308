/** Mutants for RFC 9293 Appendix B's rows on urgent data, TCP options and checksums (see mutants.ts). */
import { fault, setting, type Mutant } from './mutant.js';

export const MUTANTS_D: readonly Mutant[] = [
  // Urgent data (RFC 9293 §3.8.5).
  fault('urgent-never-sent', 'MUST-30', 'sends urgent data as plain data: never URG, never an urgent pointer'),
  fault('urgent-pointer-at-last-octet', 'MUST-62', 'points the urgent pointer at the last urgent octet (the old reading), not at the octet after it'),
  fault('urgent-beyond-segment-dropped', 'MUST-31', "drops a segment whose urgent pointer lies beyond its own data, as if urgent data could not outgrow a segment"),
  // TCP options (RFC 9293 §3.1, §3.2, §3.7.1).
  fault('nop-not-understood', 'MUST-4', 'reads NOP as an option with a length byte, so it misreads an option list with NOPs (and misses the MSS in it)'),
  // Without the drop of RFC 7323 §3.2 (a SHOULD) a segment whose TSopt goes unread still comes in: what is left is the unread option.
  setting('options-only-on-syn', 'MUST-5', 'reads the options of SYNs only: the timestamps of later segments go unread', { faults: ['options-only-on-syn'], dropWithoutTimestamp: false }),
  fault('unknown-option-drops-segment', 'MUST-6', 'drops a segment carrying an option of a kind it does not implement'),
  fault('illegal-option-length-hangs', 'MUST-7', 'hangs on an option of illegal length (zero, or past the option area): nothing is answered after it'),
  fault('options-aligned-only', 'MUST-64', 'reads only options that start on a 32-bit boundary'),
  fault('sackok-without-length', 'MUST-68', 'sends SACK-permitted as its kind octet alone, without a length field'),
  fault('padding-not-zeroed', 'MUST-69', 'packs its options, ends them with EOL and leaves the header padding after it unzeroed'),
  fault('mss-only-if-offered', 'SHLD-5', "leaves the MSS option out of its SYN/ACK when the peer's SYN had none (its MSS is 1460, not the default)"),
  setting('default-mss-1460', 'MUST-15', 'assumes a send MSS of 1460 (1440 over IPv6) when the SYN has no MSS option, not 536 (1220)', { defaultMss: { 4: 1460, 6: 1440 } }),
  fault('mss-ignores-option-room', 'MUST-16', 'fills data segments to the send MSS without leaving room for the TCP options they carry'),
  fault('mss-on-every-segment', 'MUST-65', 'sends the MSS option on every segment, not only on SYNs'),
  fault('mss-over-mms-r', 'MUST-67', 'announces the MTU less the TCP header only (1480 on a 1500-byte link): more than MMS_R - 20'),
  // Checksums (RFC 9293 §3.1).
  fault('checksum-not-computed', 'MUST-2', 'sends every segment with a zero checksum field (the sum is not computed)'),
  fault('checksum-not-checked', 'MUST-3', 'takes segments whose TCP checksum does not verify'),
];
