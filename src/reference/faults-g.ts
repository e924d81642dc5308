/** Faults for the mutants of RFC 5681's congestion control and RFC 3168's ECN sender (see faults.ts). */
export const FAULTS_G = [
  /** RFC 5681 §3.1 (MUST-19): slow start grows cwnd by twice min(N, SMSS) per ACK, not by min(N, SMSS). */
  'slow-start-double-growth',
  /** RFC 5681 §3.1 (MUST-19): past ssthresh cwnd keeps growing by min(N, SMSS) per ACK: no congestion avoidance. */
  'slow-start-above-ssthresh',
  /** RFC 5681 §3.2: the third duplicate ACK leaves ssthresh at cwnd (no equation 4), so fast recovery reduces nothing. */
  'fast-recovery-no-reduction',
  /** RFC 5681 §3.1 (MUST-19): a retransmission timeout leaves cwnd as it was, not the loss window of one segment. */
  'timeout-keeps-cwnd',
  /** RFC 3168 §6.1.4 (SHLD-8): pure ACKs go out ECT(0) on an ECN connection. */
  'ecn-ect-on-acks',
  /** RFC 3168 §6.1.5 (SHLD-8): retransmitted data goes out ECT(0), as new data does. */
  'ecn-ect-on-retransmissions',
  /** RFC 3168 §6.1.2 (SHLD-8): an ECE reduces the window but the next new data carries no CWR. */
  'ecn-no-cwr',
] as const;
