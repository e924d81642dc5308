/** Mutants for RFC 5681's congestion control and RFC 3168's ECN sender (see mutants.ts). */
import { fault, setting, type Mutant } from './mutant.js';

export const MUTANTS_G: readonly Mutant[] = [
  // Slow start, congestion avoidance and the loss window (RFC 5681 §3.1; RFC 9293 §3.8.2).
  fault('slow-start-double-growth', 'MUST-19', 'grows cwnd by two segments per ACK of one in slow start: three new segments where two may go'),
  fault('slow-start-above-ssthresh', 'MUST-19', 'keeps slow-starting once cwnd reaches ssthresh after a loss: no congestion avoidance'),
  fault('timeout-keeps-cwnd', 'MUST-19', 'keeps its congestion window through a retransmission timeout instead of falling to the loss window (one segment)'),
  // Fast recovery (RFC 5681 §3.2).
  fault('fast-recovery-no-reduction', 'RFC 5681 §3.2', 'leaves ssthresh at cwnd on the third duplicate ACK: fast recovery sends as much as before the loss'),
  // Restart after idle (RFC 5681 §4.1).
  setting('no-idle-restart', 'RFC 5681 §4.1', 'keeps the congestion window it grew through an idle period longer than the RTO', { idleRestart: false }),
  // The ECN sender (RFC 3168 §6.1; RFC 9293 §3.8.2).
  fault('ecn-ect-on-acks', 'SHLD-8', 'sends its pure ACKs ECT(0) on an ECN connection'),
  fault('ecn-ect-on-retransmissions', 'SHLD-8', 'sends retransmitted data ECT(0), as new data'),
  fault('ecn-no-cwr', 'SHLD-8', 'reduces its window on an ECE but never sets CWR on the next new data'),
];
