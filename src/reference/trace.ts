/**
 * What the reference stack's loss recovery and timers decided, as events: so that a transfer
 * (the lab's interop test, a teacher's trace) can be checked against RFC 5681 and RFC 6298 from
 * outside, number by number.
 */

/** One decision of a connection's congestion control or retransmission timer. */
export type CongestionEvent =
  /** RFC 6298 §2.2 / §2.3: a round-trip sample and the RTO it gives. */
  | { readonly kind: 'rtt'; readonly sample: number; readonly srtt: number; readonly rttvar: number; readonly rto: number }
  /** RFC 5681 §3.2: the third duplicate ACK; ssthresh and cwnd as set, FlightSize before. */
  | { readonly kind: 'fast-retransmit'; readonly flight: number; readonly ssthresh: number; readonly cwnd: number; readonly smss: number }
  /** RFC 6298 §5.5 - §5.7, RFC 5681 §3.1: the timer fired; the RTO backed off, cwnd the loss window. */
  | { readonly kind: 'timeout'; readonly first: boolean; readonly flight: number; readonly ssthresh: number; readonly cwnd: number; readonly rto: number; readonly smss: number };
