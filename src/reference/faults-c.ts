/** Faults for the mutants of RFC 9293 Appendix B's rows on connection failures, keep-alives, IP options, ICMP, address validation, the application interface, RFC 5961, ECN and congestion control (see faults.ts). */
export const FAULTS_C = [
  /** RFC 9293 §3.8.3 (MUST-20): data retransmissions never reach R2: the connection is never closed for them. */
  'never-give-up',
  /** RFC 9293 §3.8.3 (MUST-21): the application's R2 (TCP_USER_TIMEOUT) is taken but never reaches the connection. */
  'ignore-user-timeout',
  /** RFC 9293 §3.8.3 (MUST-22): a SYN is not retransmitted like data: it is sent once (the connection still gives up at R2). */
  'syn-never-retransmitted',
  /** RFC 9293 §3.8.4 (MAY-5): a keep-alive probe is sent at SND.NXT, an ACK the peer need not answer, so it can show nothing. */
  'keepalive-probe-at-snd-nxt',
  /** RFC 9293 §3.8.4 (MUST-24): the application's request for keep-alives (SO_KEEPALIVE) is ignored. */
  'keepalive-ignores-app',
  /** RFC 9293 §3.8.4 (MUST-25): keep-alives are on unless the application turns them off (with the two-hour default idle time). */
  'keepalive-on-by-default',
  /** RFC 9293 §3.8.4 (MUST-26): a segment received does not restart the idle time (probes go on while the peer talks). */
  'keepalive-idle-from-probe',
  /** RFC 9293 §3.8.4 (MAY-6): the probe's garbage octet is sent at SND.NXT, where the peer takes it as new data. */
  'keepalive-garbage-in-stream',
  /** RFC 9293 §3.9.2.2 (MUST-50): a datagram with an IP option the stack does not know is dropped. */
  'drop-unknown-ip-options',
  /** RFC 9293 §3.9.2.1 (MUST-53): the source route a SYN came by is not reversed: the connection answers directly. */
  'no-return-route',
  /** RFC 9293 §3.9.2.2 (MUST-54): ICMP error messages are never acted on. */
  'ignore-icmp-errors',
  /** RFC 9293 §3.9.2.2 (MUST-56): a soft ICMP error (Destination Unreachable 0, 1, 5, Time Exceeded, Parameter Problem) aborts the connection. */
  'abort-on-soft-icmp',
  /** RFC 9293 §3.9.2.2 (MUST-55): Source Quench is obeyed as RFC 1122 once had it (cwnd back to one segment), not discarded. */
  'obey-source-quench',
  /** RFC 9293 §3.9.2.1 (MUST-63): a SYN from a multicast or broadcast source address is taken like any other. */
  'accept-multicast-source',
  /** RFC 9293 §3.9.1.1 (MUST-48): the application's IP_TOS / IPV6_TCLASS is accepted but never reaches the connection. */
  'ignore-ip-tos',
  /** RFC 9293 §3.9.1.1 (SHLD-22): the Diffserv field reaches IP only on segments with data; the SYN and pure ACKs carry 0. */
  'diffserv-data-only',
  /** RFC 9293 §3.9.1.1 (SHLD-21): a Diffserv field set on an open connection is ignored (the one at its start stays). */
  'diffserv-fixed-at-open',
  /** RFC 5961 §4 (MAY-12): a SYN in a synchronized state resets the connection (RFC 793), with no challenge ACK. */
  'syn-resets-established',
  /** RFC 5961 §5 (MAY-12): no ACK-range check: an ACK older than SND.UNA - MAX.SND.WND is taken. */
  'no-ack-range-check',
  /** RFC 3168 §6.1.3 (SHLD-8): a CE mark on received data is never echoed with ECE. */
  'ecn-no-echo',
] as const;
