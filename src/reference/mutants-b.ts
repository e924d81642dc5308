/** Mutants for RFC 9293 Appendix B's rows on ISN, opening and closing connections, retransmission, ACKs and sending data (see mutants.ts). */
import { fault, setting, type Mutant } from './mutant.js';

export const MUTANTS_B: readonly Mutant[] = [
  // ISN selection (RFC 9293 §3.4.1).
  fault('isn-no-clock', 'MUST-8', 'takes the ISN from a keyed hash of the four-tuple alone, without the clock: the same four-tuple always starts at the same number'),
  fault('isn-clock-only', 'SHLD-1', 'takes the ISN from the 4 µs clock alone, without RFC 6528\'s keyed hash of the four-tuple'),
  // Opening connections.
  fault('no-simultaneous-open', 'MUST-10', 'ignores a SYN without ACK in SYN-SENT, so crossing SYNs never open a connection'),
  fault('synrecv-forgets-listen', 'MUST-11', 'forgets that SYN-RECEIVED came from LISTEN: a RST there refuses the connection and closes the listener with it'),
  fault('syn-from-unspecified', 'MUST-44', 'never asks IP for a source address on an active open: its SYN leaves from 0.0.0.0 (or ::)'),
  fault('synack-from-wildcard', 'MUST-45', "answers a wildcard listener's SYN from the listener's unspecified address, not the address the SYN was sent to"),
  // Closing connections.
  fault('drop-rst-with-data', 'SHLD-2', 'drops a RST that carries data'),
  fault('reset-unreported', 'MUST-12', 'does not tell the application of a reset: its read sees an end of stream, as after a FIN'),
  // MAY-1 has no mutant: it permits a "half-duplex" close (an application that called CLOSE
  // reads no more) and asks nothing of a stack that does or does not offer one; its one duty, a
  // RST when data is lost that way, is SHLD-3's row.
  fault('close-unread-fin', 'SHLD-3', 'closes with a FIN, not a RST, when the application closes with data it never read'),
  fault('time-wait-reopen-low-isn', 'MAY-2', 'reopens a connection from TIME-WAIT with its ordinary ISN, not one beyond the old connection\'s sequence numbers'),
  fault('time-wait-no-timestamps', 'SHLD-4', 'takes a SYN in TIME-WAIT by its sequence number only, never by a newer timestamp (RFC 6191)'),
  // Generating ACKs.
  fault('ack-data-then-fin', 'MUST-58', 'acknowledges the data and the FIN of one segment with two ACKs, not one'),
  fault('ack-before-ooo-queue', 'MUST-59', 'acknowledges the segment that fills a hole before taking the queued segments after it (ACK 101, then 201)'),
  fault('ooo-ack-past-hole', 'MAY-13', 'acknowledges an out-of-order segment up to its end, not RCV.NXT'),
  setting('no-ooo-queue', 'SHLD-31', 'drops out-of-order segments instead of holding them', { keepOutOfOrder: false }),
  // SHLD-18 (delayed ACKs) has no mutant: the one way to break it, never delaying (delayedAck:
  // false), shows on the wire only as ACKs that come early or apart, which the RFC gives no bound
  // to forbid and real stacks send too (Linux's quick-ACK mode at a connection's start, its ACK
  // when the application drains a pushed segment): no RFC-honest scenario could kill it.
  setting('ack-delay-600ms', 'MUST-40', 'delays ACKs by 600 ms, past the 0.5 s bound', { delayedAckMs: 600 }),
  fault('ack-third-full-segment', 'SHLD-19', 'acknowledges only every third full-sized segment at once (the others wait for the delayed-ACK timer)'),
  fault('receiver-sws-off', 'MUST-39', 'has no receiver SWS avoidance: the window reopens by the few bytes just read'),
  // Sending data.
  fault('sender-sws-off', 'MUST-38', 'has no sender SWS avoidance: a short segment goes whenever the window has room for one (Nagle off)'),
  setting('no-nagle', 'SHLD-7', 'has no Nagle algorithm: small segments go whatever is unacknowledged', { nagle: false }),
  fault('nodelay-ignored', 'MUST-17', 'ignores TCP_NODELAY: Nagle stays on'),
];
