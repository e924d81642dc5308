/**
 * Slow start (RFC 5681 §3.1; RFC 9293 §3.8.2, MUST-19): "During slow start, a TCP increments cwnd
 * by at most SMSS bytes for each ACK received that cumulatively acknowledges new data" (equation
 * 2, cwnd += min(N, SMSS)). So an ACK of exactly one full-sized segment frees that segment and
 * grows cwnd by at most one more: at most two new segments follow it, whatever the algorithm (RFC
 * 3465's byte counting, L = 2 SMSS, gives the same for an ACK of one segment; CUBIC (RFC 9438,
 * MAY-18) and HyStart only grow less). "MUST NOT be more aggressive" (§3) makes it a bound.
 * chargen (port 19) sends as fast as cwnd allows, to an MSS of 500 and a window of 65535 that
 * never limits it: its first flight (up to ten segments, RFC 6928; the RFC 5681 IW is four) comes
 * at once and stops, since it is cwnd-limited. Then five times: we acknowledge the oldest segment
 * alone, and at least one, at most two new segments come before a silence. SACK and timestamps
 * are not offered (no tail loss probe, RFC 8985; no undo); each ACK round lasts less than the
 * 200 ms minimum RTO a Linux sender may use, so no retransmission can come in between.
 */
import { drain, either, expect, mss, scenario, send, silence, type ExpectFields, type Step } from 'tcpcraft';

const MSS = 500;

/** A full-sized data segment, with or without PSH. */
const data = (f: ExpectFields = {}): Step => either(expect('A', { len: MSS, ...f }), expect('PA', { len: MSS, ...f }));

/** After our ACK of one more segment: one new segment at least, a second one perhaps, then nothing. */
const round = (n: number): Step[] => [
  send('A', { ack: 1 + n * MSS }),
  data({ within: 100 }),
  data({ optional: true, timeout: 50 }),
  silence(60),
];

export default scenario({
  name: 'slow-start',
  description: 'Slow start: an ACK of one full-sized segment lets at most two new segments out',
  rfc: 'RFC 5681 §3.1; RFC 9293 §3.8.2 MUST-19',
  expectedFailures: {
    slirp: { step: 4, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): its segments are as long as our window or its own 1440 bytes, not our MSS." },
  },
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    // The initial window (initial-window.ts counts it), taken whole before we acknowledge.
    data({ seq: 1 }),
    drain(60),
    ...[1, 2, 3, 4, 5].flatMap(round),
    send('R', { seq: 1 }),
  ],
});
