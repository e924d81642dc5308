/** Faults for the mutants of RFC 9293 Appendix B's rows on PUSH and the window (see faults.ts). */
export const FAULTS_A = [
  /** RFC 9293 §3.9.1.2 (SHLD-27): each write's push ends a segment; successive pushes are not collapsed. */
  'split-at-pushes',
  /** RFC 9293 §3.9.1.2 (MUST-60): data shorter than a segment is held until more is written, with no bound. */
  'hold-short-data',
  /** RFC 9293 §3.9.1.2 (MUST-61): the PSH bit is never set, not even on the last buffered segment. */
  'never-push',
  /** RFC 9293 §3.9.1.2 (SHLD-28): new data goes in segments of half the MSS, never maximum-sized ones. */
  'half-mss-segments',
  /** RFC 9293 §3.1 (MUST-1): the window field is read as a signed 16-bit number (40000 is negative). */
  'signed-window',
  /** RFC 9293 §3.8.6 (REC-1): the peer's scaled window is kept in a 16-bit field (65536 becomes 0). */
  'window-16-bit',
  /** RFC 9293 §3.8.6 (SHLD-14): the announced right edge follows the free space less a quarter of the unread data, left too. */
  'shrink-window',
  /** RFC 9293 §3.8.6 (SHLD-15): the usable window is an unsigned number: a shrunk window wraps to a huge one. */
  'unsigned-usable-window',
  /** RFC 9293 §3.8.6 (SHLD-16): nothing is retransmitted while the window has shrunk left of SND.NXT. */
  'no-retransmit-into-shrunk-window',
  /** RFC 9293 §3.8.6 (SHLD-17): the connection is given up after two retransmissions with data past a shrunk window's right edge. */
  'time-out-past-right-edge',
  /** RFC 9293 §3.8.6 (MUST-34): a usable window gone negative (the peer shrank its window) resets the connection. */
  'reset-on-shrink',
  /** RFC 9293 §3.8.6 (MUST-35): a window shrunk to zero with data in flight is not probed: the retransmission timer stops. */
  'no-probe-after-shrink',
  /** RFC 9293 §3.8.6.1 (MUST-36): no persist timer: a zero window is never probed. */
  'no-zero-window-probe',
  /** RFC 9293 §3.8.6.1 (SHLD-29): the first zero-window probe waits the longest probe gap (60 s), not one RTO. */
  'late-first-probe',
  /** RFC 9293 §3.8.6.1 (SHLD-30): zero-window probes every RTO, with no backoff. */
  'constant-probe-interval',
  /** RFC 9293 §3.8.6.1 (MUST-37): the connection is given up after three zero-window probes, answered or not. */
  'give-up-on-zero-window',
  /** RFC 9293 §3.10.7.4 (MUST-66): a RST is dropped while the receive window is zero. */
  'zero-window-drops-rst',
  /** RFC 9293 §3.10.7.4 (MUST-66): with a zero receive window a segment with text is dropped whole, its URG unread. */
  'zero-window-drops-urg',
] as const;
