/**
 * Congestion avoidance after a loss (RFC 5681 §3.1; RFC 9293 §3.8.2, MUST-19): once cwnd reaches
 * ssthresh, it grows by about one full-sized segment per RTT and MUST NOT grow by more than SMSS
 * bytes per RTT (equation 3, or byte counting). A loss sets ssthresh to at most
 * max(FlightSize/2, 2*SMSS) (equation 4); CUBIC (RFC 9438, MAY-18) keeps up to 0.7 * FlightSize and, in its
 * fastest region, grows cwnd by at most half a segment per ACK (1.5 times per RTT, RFC 9438 §4.4).
 * So after a loss with FlightSize segments outstanding and j ACKs of one segment each, whatever
 * the algorithm (slow start back up to ssthresh, then congestion avoidance), the data outstanding
 * is at most floor(0.7 * FlightSize) + ceil(j / 2) segments, plus two for rounding and the ACK
 * that ends the recovery. A sender that keeps slow-starting past ssthresh grows by a segment per
 * ACK and leaves that bound behind after a dozen ACKs or so.
 * chargen (port 19), MSS 500, window 65535: its first flight (one to ten segments), then three
 * duplicate ACKs of 1 (the first segment lost; limited transmit, RFC 3042, may add a segment on
 * each of the first two); the fast retransmit of 1 comes at once (RFC 5681 §3.2). Our next ACK
 * covers everything it sent: the recovery ends (NewReno's full ACK), and the sender sends what its
 * new cwnd allows. Everything sent before that ACK stands for FlightSize (at least what was
 * outstanding at the loss). Then twenty times: we acknowledge one more segment, one or two
 * segments come (at least the one freed), and each stays within the bound. SACK and timestamps are
 * not offered (the plain duplicate-ACK algorithm; no tail loss probe, RFC 8985; no undo); each
 * round is shorter than a 200 ms RTO.
 */
import { capture, drain, either, expect, mss, scenario, send, silence, use, where, type ExpectFields, type Step } from 'tcpcraft';

const MSS = 500;
/** ACKs of one segment each after the recovery. */
const ROUNDS = 20;

/** FlightSize at the loss (segments, at most: everything sent before the full ACK); where the data after the recovery starts. */
let flightAtLoss = 0;
let base = 0;

/** Segments that may be outstanding after `j` ACKs of one segment past the recovery. */
const bound = (j: number): number => Math.floor(0.7 * flightAtLoss) + 2 + Math.ceil(j / 2);

/** A full-sized data segment, with or without PSH, whose seq passes `test`. */
const data = (f: ExpectFields, label: string, test: (seq: number) => boolean): Step => {
  const fields: ExpectFields = { len: MSS, seq: where(label, test), ...f };
  return either(expect('A', fields), expect('PA', fields));
};

/** New data before the fast retransmit (limited transmit). */
const limitedTransmit = (timeout: number): Step => data({ optional: true, timeout }, 'new data', (s) => s > 1);

/** After the recovery and `j` of our ACKs: new data, within the bound. */
const after = (j: number, f: ExpectFields = {}): Step =>
  data(f, `new data, at most floor(0.7 * FlightSize) + 2 + ceil(${j} / 2) segments beyond our ACK`, (s) => base > 0 && s >= base && s + MSS <= base + (j + bound(j)) * MSS);

/** The ACK of the handshake resets what the run has recorded (the module outlives a run). */
const reset = where("1 (and the run's record starts)", (a: number) => {
  flightAtLoss = 0;
  base = 0;
  return a === 1;
});

/** The first segment after the recovery: where the new data starts (also captured for our ACKs). */
const first = capture(
  'base',
  where('new data after the recovery', (s: number) => {
    base = s;
    flightAtLoss = (s - 1) / MSS;
    return s > 1;
  }),
);

/** After our j-th ACK of one segment: the one it freed, perhaps a second, nothing more. */
const round = (j: number): Step[] => [
  send('A', { ack: use('base', (b) => b + j * MSS) }),
  after(j, { within: 100 }),
  after(j, { optional: true, timeout: 50 }),
  silence(50),
];

export default scenario({
  name: 'congestion-avoidance',
  description: 'After a loss, cwnd grows by at most about half a segment per ACK once past ssthresh: no more slow start',
  rfc: 'RFC 5681 §3.1; RFC 9293 §3.8.2 MUST-19',
  expectedFailures: {
    gvisor: { step: 89, field: 'unexpected', why: "gVisor's Reno congestion avoidance (updateCongestionAvoidance in pkg/tcpip/transport/tcp/reno.go) takes its ACK counter modulo the cwnd it has just increased, so the counter never resets and cwnd grows by a segment per ACK above ssthresh, where RFC 5681 §3.1 (RFC 9293 MUST-19) allows at most SMSS per RTT there." },
    slirp: { step: 4, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): its segments are as long as our window or its own 1440 bytes, not our MSS." },
  },
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: reset }),
    send('A'),
    // The initial window (one to ten segments), taken whole before we acknowledge.
    data({}, 'the first segment (1)', (s) => s === 1),
    drain(40),
    // The first segment lost: three duplicate ACKs of 1; limited transmit may send one new segment on each of the first two.
    send('A', { ack: 1 }),
    limitedTransmit(20),
    send('A', { ack: 1 }),
    limitedTransmit(20),
    send('A', { ack: 1 }),
    // (A limited-transmit segment that came late is still new data before the retransmission.)
    limitedTransmit(10),
    limitedTransmit(10),
    // The fast retransmit.
    data({ within: 150 }, 'the first segment again (1)', (s) => s === 1),
    // Whatever else fast recovery sends (fast-recovery.ts judges it), then the full ACK.
    drain(50),
    send('A'),
    // What the new cwnd allows: one segment at least (the rest is judged by where the next ones start).
    either(expect('A', { len: MSS, seq: first, within: 100 }), expect('PA', { len: MSS, seq: first, within: 100 })),
    drain(50),
    ...Array.from({ length: ROUNDS }, (_, i) => round(i + 1)).flat(),
    send('R', { seq: 1 }),
  ],
});
