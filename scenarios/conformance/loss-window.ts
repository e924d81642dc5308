/**
 * The loss window (RFC 5681 §3.1; RFC 9293 §3.8.2, MUST-19): "upon a timeout ... cwnd MUST be set
 * to no more than the loss window, LW, which equals 1 full-sized segment". After a timeout, one segment may be outstanding until an
 * ACK comes: the retransmission, and no new data beside it, even where the receive window would
 * allow it. Our window (1000 bytes, MSS 500) holds chargen to two segments, well inside any
 * initial window (RFC 5681: up to four segments here; RFC 6928: ten). We acknowledge nothing:
 * the first segment comes again when the timer fires. Then we open the window to 65535 without
 * acknowledging anything (not a duplicate ACK: the window changed, RFC 5681 §2): a sender still
 * at its old window would fill it with new data at once; with cwnd at one segment, the next
 * thing to come is the first segment again, at the backed-off timeout. Acknowledging it then
 * lets at most two segments out (slow start from LW: cwnd is at most two segments). A sender that
 * goes back to SND.UNA after a timeout, as BSD does, sends the same segments; Linux's F-RTO (RFC
 * 5682) sends new data instead: both fit. SACK and timestamps are not offered (no tail loss
 * probe, RFC 8985; no undo by timestamps); the silence at the end is shorter than any RTO.
 */
import { either, expect, mss, scenario, send, silence, type ExpectFields, type Step } from 'tcpcraft';

const MSS = 500;

/** A full-sized data segment, with or without PSH. */
const data = (f: ExpectFields): Step => either(expect('A', { ack: 1, len: MSS, ...f }), expect('PA', { ack: 1, len: MSS, ...f }));

export default scenario({
  name: 'loss-window',
  description: 'After a retransmission timeout only the retransmission is outstanding: an opened window lets no new data out until it is acknowledged',
  rfc: 'RFC 5681 §3.1; RFC 9293 §3.8.2 MUST-19',
  expectedFailures: {
    slirp: { step: 4, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): its segments are as long as our window or its own 1440 bytes, not our MSS." },
  },
  peer: { host: '10.77.0.2', port: 19 },
  window: 1000,
  timeout: 5000,
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    // Two segments fill our window of 1000 (an initial window of one segment sends one).
    data({ seq: 1 }),
    data({ seq: 501, optional: true, timeout: 100 }),
    // Nothing acknowledged: the first segment again when the retransmission timer fires.
    data({ seq: 1 }),
    // The window opens (same ACK, a new window: an update, not a duplicate ACK).
    send('A', { ack: 1, window: 65535 }),
    // cwnd is one segment and one is out: nothing new; the next segment is the retransmission
    // at the backed-off timeout.
    data({ seq: 1, timeout: 8000 }),
    // Acknowledged: cwnd grows to at most two segments; 501 is still outstanding, so at most
    // two segments (old or new) come.
    send('A', { ack: 501, window: 65535 }),
    data({ within: 100 }),
    data({ optional: true, timeout: 30 }),
    silence(100),
    send('R', { seq: 1 }),
  ],
});
