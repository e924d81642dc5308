/** Faults for the mutants of RFC 9293 Appendix B's rows on urgent data, TCP options and checksums (see faults.ts). */
export const FAULTS_D = [
  /** RFC 9293 §3.8.5 (MUST-30): urgent data is sent as plain data: no segment carries URG or an urgent pointer. */
  'urgent-never-sent',
  /** RFC 9293 §3.1, §3.8.5 (MUST-62): the urgent pointer sent points at the last urgent octet, not the octet after it. */
  'urgent-pointer-at-last-octet',
  /** RFC 9293 §3.8.5 (MUST-31): a segment whose urgent pointer lies beyond its own data is dropped (urgent data only within one segment). */
  'urgent-beyond-segment-dropped',
  /** RFC 9293 §3.1, §3.2 (MUST-4): NOP (kind 1) is read as an option with a length byte, so an option list with NOPs is misread. */
  'nop-not-understood',
  /** RFC 9293 §3.1 (MUST-5): the options of segments other than SYNs are not read. */
  'options-only-on-syn',
  /** RFC 9293 §3.1 (MUST-6): a segment carrying an option of a kind the stack does not implement is dropped. */
  'unknown-option-drops-segment',
  /** RFC 9293 §3.1 (MUST-7): an option with an illegal length (zero, or past the option area) hangs the stack: it answers nothing more. */
  'illegal-option-length-hangs',
  /** RFC 9293 §3.2 (MUST-64): an option that does not start on a 32-bit boundary is not read. */
  'options-aligned-only',
  /** RFC 9293 §3.1 (MUST-68): SACK-permitted is sent as its kind octet alone, without a length field. */
  'sackok-without-length',
  /** RFC 9293 §3.1 (MUST-69): options are packed without NOPs and the header padding after the EOL is not zeroed. */
  'padding-not-zeroed',
  /** RFC 9293 §3.1 (MUST-2): the TCP checksum is not computed (the field is sent as zero). */
  'checksum-not-computed',
  /** RFC 9293 §3.1 (MUST-3): the TCP checksum of arriving segments is not checked. */
  'checksum-not-checked',
  /** RFC 9293 §3.7.1 (SHLD-5): the SYN/ACK carries the MSS option only when the peer's SYN had one. */
  'mss-only-if-offered',
  /** RFC 9293 §3.7.1 (MUST-16): data segments are filled to the send MSS without leaving room for the TCP options they carry. */
  'mss-ignores-option-room',
  /** RFC 9293 §3.2 (MUST-65): the MSS option is sent on every segment, not only on SYNs. */
  'mss-on-every-segment',
  /** RFC 9293 §3.7.1 (MUST-67): the MSS announced is the MTU less the TCP header only (the IP header is not subtracted). */
  'mss-over-mms-r',
] as const;
