/** Mutants for RFC 9293 Appendix B's rows on PUSH and the window (see mutants.ts). */
import { fault, type Mutant } from './mutant.js';

export const MUTANTS_A: readonly Mutant[] = [
  fault('split-at-pushes', 'SHLD-27', 'ends a segment at every pushed write: queued pushed writes leave one segment each, not collapsed into one'),
  fault('hold-short-data', 'MUST-60', 'holds data shorter than a segment until more is written, indefinitely'),
  fault('never-push', 'MUST-61', 'never sets PSH, not even on the last segment of what was written'),
  fault('half-mss-segments', 'SHLD-28', 'sends new data in segments of half the MSS where full-sized ones could go'),
  fault('signed-window', 'MUST-1', 'reads the window field as a signed 16-bit number: a window of 32768 or more is taken as negative'),
  fault('window-16-bit', 'REC-1', "keeps the peer's scaled window in 16 bits: a window of 65536 bytes becomes 0"),
  fault('shrink-window', 'SHLD-14', 'moves its right edge left as unread data piles up (announces the free space less a quarter of the unread data)'),
  fault('unsigned-usable-window', 'SHLD-15', 'computes the usable window SND.UNA + SND.WND - SND.NXT as an unsigned number: after a shrink it sends new data past the right edge'),
  fault('no-retransmit-into-shrunk-window', 'SHLD-16', 'retransmits nothing when its timer fires while the window has shrunk left of SND.NXT'),
  fault('time-out-past-right-edge', 'SHLD-17', 'gives the connection up (RST) after two retransmissions while data lies past a shrunk window\'s right edge'),
  fault('reset-on-shrink', 'MUST-34', 'resets the connection when a shrunk window leaves a negative usable window'),
  fault('no-probe-after-shrink', 'MUST-35', 'stops its retransmission timer when the window shrinks to zero with data in flight, and waits for a window update'),
  fault('no-zero-window-probe', 'MUST-36', 'never probes a zero window: waits for the peer to open it'),
  fault('late-first-probe', 'SHLD-29', 'sends the first zero-window probe after 60 s (its longest gap), not after one RTO'),
  fault('constant-probe-interval', 'SHLD-30', 'probes a zero window every RTO, without backing off'),
  fault('give-up-on-zero-window', 'MUST-37', 'gives the connection up after three zero-window probes even though each was answered'),
  fault('zero-window-drops-rst', 'MUST-66', 'drops a RST at RCV.NXT while its receive window is zero'),
  fault('zero-window-drops-urg', 'MUST-66', 'drops a segment with text whole while its receive window is zero: its URG is never seen'),
];
