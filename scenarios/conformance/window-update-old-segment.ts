/**
 * The send window is taken only from segments newer than the one that last set it (RFC 9293
 * §3.10.7.4, fifth check: "If SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK),
 * set SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK"), so that an old
 * segment, reordered on the way, cannot bring back the window it carried. (No row of Appendix B
 * names this rule.)
 *
 * chargen (port 19) sends into a window of 1000 bytes with our MSS of 500: two segments, then
 * the window is full. We send 100 bytes at seq 101, leaving a hole at 1-100: out of order but
 * acceptable, its ACK field is processed and, SEG.SEQ 101 being past SND.WL1, its window (still
 * 1000) is taken: SND.WL1 = 101. Then the 100 bytes at seq 1, which fill the hole, with the same
 * acknowledgment (nothing new acknowledged) and a window of 65535. SEG.SEQ 1 < SND.WL1: an older
 * segment, whose window must not be taken. The hole filled, the server acknowledges 201 at once
 * (RFC 5681 §4.2; 101 if it did not hold the out-of-order data, SHLD-31 being a SHOULD: the ACK
 * field of the segment at 101 was processed all the same) and sends no new data: the 1000 bytes it has in flight fill the window. A stack
 * that took the old window sends more at once. Then our current ACK of everything, with a window
 * of 500: exactly one more segment.
 *
 * The other half of the rule (the same SEG.SEQ and an older SEG.ACK) cannot be shown on its own:
 * SND.WL2 is never beyond SND.UNA, so an older SEG.ACK is a duplicate, which the same check
 * already ignores for the window.
 * Linux updates the window from any segment that acknowledges new data (tcp_may_update_window()
 * in net/ipv4/tcp_input.c), which the RFC's rule would not for an old SEG.SEQ: nothing new is
 * acknowledged here, so both rules agree.
 */
import { scenario, send, expect, either, silence, mss, capture, oneOf, use, type ExpectFields } from 'tcpcraft';

/** A 500-byte chargen segment, with or without PSH. */
const data = (f: ExpectFields) => either(expect('A', { len: 500, ...f }), expect('PA', { len: 500, ...f }));
const HUNDRED = 'x'.repeat(100);

export default scenario({
  name: 'window-update-old-segment',
  description: 'Window 1000 full; data at 101 (window 1000), then the older data at 1 with window 65535: the old window is not taken (no new data), a current ACK\'s is',
  rfc: 'RFC 9293 §3.10.7.4',
  expectedFailures: {
    lwip: { step: 10, field: 'len', why: "lwIP's tcp_receive() (src/core/tcp_in.c) takes any larger window from a segment that carries the current ACK, whatever its SEG.SEQ (the 4.4BSD test's SND.WL1 = SEG.SEQ is missing from its third clause), where RFC 9293 §3.10.7.4 updates SND.WND only from newer segments." },
    gvisor: { step: 10, field: 'len', why: "gVisor's sender.handleRcvdSegment (pkg/tcpip/transport/tcp/snd.go) takes SND.WND from every acceptable ACK with no SND.WL1/SND.WL2 check, so an older reordered segment's window is used, where RFC 9293 §3.10.7.4 updates the window only from newer segments." },
    slirp: { step: 4, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): its segments are as long as our window or its own 1440 bytes, not our MSS." },
  },
  window: 1000,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    data({ seq: 1, ack: 1 }),
    data({ seq: 501, ack: 1 }),
    // The newer segment: seq 101, out of order, window 1000 (SND.WL1 = 101). Its duplicate ACK may come at once.
    send('PA', { seq: 101, ack: 1, payload: HUNDRED }),
    expect('A', { seq: 1001, ack: 1, len: 0, optional: true, timeout: 100 }),
    // The older segment: seq 1 (< SND.WL1), the same ACK, window 65535.
    send('PA', { seq: 1, ack: 1, payload: HUNDRED, window: 65535 }),
    expect('A', { seq: 1001, ack: 1, len: 0, optional: true, timeout: 100 }),
    // The hole filled: an ACK of 201 (101 from a stack that did not hold the data at 101, a
    // SHOULD), and no new data (the window is still 1000, all in flight).
    expect('A', { seq: 1001, ack: capture('rcvnxt', oneOf(101, 201)), len: 0, within: 500 }),
    silence(50),
    // A current segment (SEG.SEQ at RCV.NXT) acknowledging everything, window 500: one segment more.
    send('A', { seq: use('rcvnxt'), ack: 1001, window: 500 }),
    data({ seq: 1001, within: 300 }),
    send('R', { seq: use('rcvnxt') }),
  ],
});
