/** Faults for the mutants of SYN-SENT, closing and TIME-WAIT processing and sequence number arithmetic (see faults.ts). */
export const FAULTS_E = [
  /** RFC 9293 §3.10.7.3: a SYN/ACK in SYN-SENT opens the connection whatever it acknowledges (SEG.ACK is not checked against ISS and SND.NXT). */
  'synsent-ack-unchecked',
  /** RFC 9293 §3.10.7.3: a RST without ACK in SYN-SENT ends the attempt (connection refused), where it is to be dropped. */
  'synsent-rst-without-ack-aborts',
  /** RFC 9293 §3.10.7.4 (CLOSING): a FIN that reaches FIN-WAIT-1 before our FIN is acknowledged is dropped: no CLOSING state, crossing FINs go unacknowledged. */
  'no-closing-state',
  /** RFC 9293 §3.6.1 (MUST-13): CLOSING goes straight to CLOSED on the ACK of its FIN, as LAST-ACK does: no TIME-WAIT after a simultaneous close. */
  'closing-skips-time-wait',
  /** RFC 9293 §3.10.7.4, §3.6.1 (MUST-13): in TIME-WAIT a RST ends the connection whatever its sequence number (the acceptability test is skipped). */
  'time-wait-rst-unchecked',
  /** RFC 9293 §3.10.7.4 (seventh check): text after the peer's FIN (CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT) is taken and acknowledged as in ESTABLISHED. */
  'text-after-fin-taken',
  /** RFC 9293 §3.4: the acceptability test compares sequence numbers as plain unsigned numbers, not modulo 2^32 (sums still wrap, as in 32-bit C). */
  'seq-compare-unsigned',
] as const;
