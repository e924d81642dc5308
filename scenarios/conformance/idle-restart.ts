/**
 * Restarting after an idle period (RFC 5681 §4.1): "a TCP SHOULD set cwnd to no more than RW
 * before beginning transmission if the TCP has not sent data in an interval exceeding the
 * retransmission timeout", RW = min(IW, cwnd). The target's application writes 10000 bytes (20
 * segments of our MSS, 500) and we acknowledge them one segment per ACK, which in slow start grows
 * its cwnd well past any initial window (four segments per RFC 5681 here, ten per RFC 6928: 15 or
 * more once all is acknowledged). Three idle seconds later (longer than any RTO on a link whose
 * round trips are this short: RFC 6298's minimum is 1 s; Linux's 200 ms RTO halves cwnd each RTO
 * of idleness down to its initial window, tcp_slow_start_after_idle), the application writes
 * 10000 bytes again: at most ten segments may come before our ACK. A sender that kept its grown
 * window sends more. SACK and timestamps are not offered (no tail loss probe, RFC 8985); the
 * final silence is shorter than any retransmission timeout.
 */
import { app, appWait, drain, either, expect, mss, scenario, send, silence, pause, where, type ExpectFields, type Step } from 'tcpcraft';

const MSS = 500;
/** The largest initial window allowed for this MSS: min(10*MSS, max(2*MSS, 14600)) (RFC 6928 §2). */
const IW = 10;

/** A full-sized data segment, with or without PSH. */
const data = (f: ExpectFields = {}): Step => either(expect('A', { len: MSS, ...f }), expect('PA', { len: MSS, ...f }));

/** Where the second write starts. */
const SECOND = 10001;
/** A segment among the first IW of the second write (a retransmission of its first segment too). */
const withinIw = where(`among the first ${IW} segments of the write (${SECOND} to ${SECOND + IW * MSS})`, (s: number) => s >= SECOND && s + MSS <= SECOND + IW * MSS);

export default scenario({
  name: 'idle-restart',
  description: 'After an idle period longer than the RTO, a large write goes out at most an initial window (ten segments) at a time',
  rfc: 'RFC 5681 §4.1',
  expectedFailures: {
    lwip: { step: 46, field: 'unexpected', why: "lwIP never restarts its congestion window after an idle period: tcp_output() (src/core/tcp_out.c) sends up to min(snd_wnd, cwnd) with the cwnd grown before the pause, where RFC 5681 §4.1 says cwnd SHOULD be at most the restart window after an idle period longer than the RTO." },
    slirp: { step: 7, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): its segments are as long as our window or its own 1440 bytes, not our MSS." },
  },
  level: 'SHOULD',
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2187 },
  steps: [
    app('listen'),
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    // Twenty segments; the first flight is the initial window (one to ten of them).
    app('write', 10000, { background: 'first' }),
    data({ seq: 1 }),
    drain(60),
    // One segment acknowledged at a time: slow start lets up to two new ones out per ACK; ten
    // ACKs see all twenty out from any initial window. Each round lasts 60 ms, so that the 200 ms
    // retransmission timer of a Linux sender never fires.
    ...Array.from({ length: 10 }, (_, i): Step[] => [send('A', { ack: 1 + (i + 1) * MSS }), drain(60)]).flat(),
    // The rest acknowledged at once: nothing is outstanding.
    send('A', { ack: 10001 }),
    appWait('first'),
    silence(100),
    // Idle for three seconds, then another 10000 bytes: at most an initial window before our ACK.
    pause(3000),
    app('write', 10000, { background: 'second' }),
    data({ seq: SECOND }),
    // Up to IW - 1 more (two places to spare, should a segment be taken late), then nothing.
    ...Array.from({ length: IW + 1 }, () => data({ seq: withinIw, optional: true, timeout: 10 })),
    silence(60),
    send('R', { seq: 1 }),
  ],
});
