/**
 * Faults for the mutants of issue 26 item 8, group F (see faults.ts): the RTO computed from RTT
 * samples and Karn's rule (RFC 6298, RFC 9293 §3.8.1), the send window's update rule (SND.WL1,
 * SND.WL2), the keep-alive idle time an application sets, and three rows of the application
 * interface (a second passive OPEN, a listener during a handshake, urgent data asked about).
 */
export const FAULTS_F = [
  /** RFC 6298 §2.2, §2.3 (RFC 9293 §3.8.1 MUST-18): an RTT sample leaves the RTO at its initial value (1 s), whatever SRTT and RTTVAR say. */
  'rto-ignores-rtt',
  /** RFC 6298 §3, Karn (MUST-18): a segment stays timed when it is retransmitted, so the ACK of the retransmission gives a sample measured from the first transmission. */
  'rtt-sample-from-retransmission',
  /** RFC 6298 §5.5 and the note after §5.7 (MUST-19): the ACK of retransmitted data, which gives no sample, recomputes the RTO from SRTT and RTTVAR, dropping the backed-off value. */
  'backoff-dropped-on-ack',
  /** RFC 9293 §3.10.7.4 (SND.WL1, SND.WL2): every acceptable ACK sets SND.WND, an older segment's too. */
  'window-update-any-ack',
  /** RFC 9293 §3.8.4 (MUST-27): the idle time the application sets (TCP_KEEPIDLE) is ignored; the two-hour default stays. */
  'keepalive-idle-ignored',
  /** RFC 1122 §4.2.2.18 (RFC 9293 MUST-41): a passive OPEN on a port that has a listener takes the port over: that listener is closed and the connections on the port reset. */
  'second-listen-takes-port',
  /** RFC 1122 §4.2.2.18 (RFC 9293 MUST-42): a listener with a connection in SYN-RECEIVED ignores further SYNs, as RFC 793's single LISTEN TCB busy with one handshake. */
  'listener-busy-in-handshake',
  /** RFC 9293 §3.8.5 (MUST-33): the application cannot learn that urgent data is waiting: recv(MSG_OOB) always says there is none. */
  'urgent-not-queryable',
] as const;
