/** Mutants for SYN-SENT, simultaneous close, TIME-WAIT, text after a FIN and sequence number wrap (see mutants.ts). */
import { fault, type Mutant } from './mutant.js';

export const MUTANTS_E: readonly Mutant[] = [
  // SYN-SENT (RFC 9293 §3.10.7.3): no Appendix B row.
  fault('synsent-ack-unchecked', 'RFC 9293 §3.10.7.3', 'takes any SYN/ACK in SYN-SENT as the ACK of its SYN, even one acknowledging past SND.NXT, instead of resetting it with a RST at SEG.ACK'),
  fault('synsent-rst-without-ack-aborts', 'RFC 9293 §3.10.7.3', 'gives up a connection attempt (connection refused) on a RST without ACK in SYN-SENT, which is to be dropped'),
  // Closing (RFC 9293 §3.6, §3.10.7.4).
  fault('no-closing-state', 'RFC 9293 §3.10.7.4 CLOSING', 'drops a FIN that reaches FIN-WAIT-1 before its own FIN is acknowledged: crossing FINs go unacknowledged (no CLOSING state)'),
  fault('closing-skips-time-wait', 'MUST-13', 'closes at once when CLOSING gets the ACK of its FIN, as LAST-ACK does: no TIME-WAIT after a simultaneous close'),
  fault('time-wait-rst-unchecked', 'MUST-13', 'ends TIME-WAIT on any RST, even one far out of the window'),
  fault('text-after-fin-taken', 'RFC 9293 §3.10.7.4 (segment text after a FIN)', "takes and acknowledges text that arrives after the peer's FIN (CLOSE-WAIT), and hands it to the application"),
  // Sequence numbers (RFC 9293 §3.4): no Appendix B row.
  fault('seq-compare-unsigned', 'RFC 9293 §3.4', 'tests segment acceptability with plain unsigned comparisons, not modulo 2^32: once RCV.NXT + RCV.WND passes 2^32 every segment is refused'),
];
