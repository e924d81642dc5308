/** Faults for the mutants of RFC 9293 Appendix B's rows on ISN, opening and closing connections, retransmission, ACKs and sending data (see faults.ts). */
export const FAULTS_B = [
  /** RFC 9293 §3.4.1 (MUST-8): the ISN has no clock component (the keyed hash of the four-tuple alone). */
  'isn-no-clock',
  /** RFC 9293 §3.4.1 (SHLD-1), RFC 6528 §3: the ISN is the 4 µs clock alone, with no keyed hash of the four-tuple. */
  'isn-clock-only',
  /** RFC 9293 §3.5 figure 8 (MUST-10): a SYN without ACK in SYN-SENT is ignored (no simultaneous open). */
  'no-simultaneous-open',
  /** RFC 9293 §3.10.7.4 (MUST-11): SYN-RECEIVED forgets it came from LISTEN: a RST there refuses the connection as an active open's, and the listening TCB goes with it. */
  'synrecv-forgets-listen',
  /** RFC 9293 §3.9.1.1 (MUST-44): an active open never asks IP for a source address: its segments leave from the unspecified address. */
  'syn-from-unspecified',
  /** RFC 9293 §3.9.1.1 (MUST-45): a connection of a wildcard listener keeps the listener's unspecified address, not the one its SYN came to. */
  'synack-from-wildcard',
  /** RFC 9293 §3.5.3 (SHLD-2): a RST that carries data is dropped. */
  'drop-rst-with-data',
  /** RFC 9293 §3.6 (MUST-12): a reset is not reported: the application's reads see an end of stream. */
  'reset-unreported',
  /** RFC 9293 §3.6.1 (SHLD-3): an application closing with unread data gets a FIN sent, not a RST. */
  'close-unread-fin',
  /** RFC 9293 §3.6.1 (MAY-2) condition (1): a connection reopened from TIME-WAIT takes its ISN as any other, not beyond the old one's sequence numbers. */
  'time-wait-reopen-low-isn',
  /** RFC 9293 §3.6.1 (SHLD-4), RFC 6191 §2: TIME-WAIT takes a new SYN by its sequence number only, never by its timestamp. */
  'time-wait-no-timestamps',
  /** RFC 9293 §3.10.7.4 (MUST-58): a segment's data and its FIN are acknowledged by two ACKs, not one. */
  'ack-data-then-fin',
  /** RFC 9293 §3.10.7.4 (MUST-59): the segment filling a hole is acknowledged before the queued segments it continues are processed. */
  'ack-before-ooo-queue',
  /** RFC 9293 §3.10.7.4 (MAY-13): the ACK of an out-of-order segment acknowledges its end, not RCV.NXT. */
  'ooo-ack-past-hole',
  /** RFC 9293 §3.8.6.3 (SHLD-19): an ACK only for every third full-sized segment (else the delayed-ACK timer). */
  'ack-third-full-segment',
  /** RFC 9293 §3.8.6.2.2 (MUST-39): no receiver SWS avoidance: the window's right edge moves by whatever was read. */
  'receiver-sws-off',
  /** RFC 9293 §3.8.6.2.1 (MUST-38): no sender SWS avoidance: a short segment goes whenever the window has room for one. */
  'sender-sws-off',
  /** RFC 9293 §3.7.4 (MUST-17): TCP_NODELAY is ignored: Nagle's algorithm stays on. */
  'nodelay-ignored',
] as const;
