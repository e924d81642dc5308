/**
 * Fast recovery reduces the window (RFC 5681 §3.2): on the third duplicate ACK a TCP MUST set
 * ssthresh to no more than equation 4's max(FlightSize / 2, 2*SMSS), retransmit the missing
 * segment and set cwnd to ssthresh + 3*SMSS; each further duplicate ACK inflates cwnd by one SMSS.
 * With FlightSize segments outstanding, new data may go beside the retransmission only while cwnd
 * exceeds FlightSize: floor(0.7 * FlightSize) + 3 - FlightSize segments at most, even with CUBIC's
 * gentler reduction (RFC 9438, MAY-18: ssthresh = 0.7 * FlightSize), which is none once seven
 * segments are outstanding; then one more per further duplicate ACK. PRR (RFC 6937, Linux) sends
 * only the retransmission on the third duplicate ACK and about 0.7 segments per later one: within
 * the same bound. A sender that does not reduce (cwnd + 3*SMSS against FlightSize) sends new data
 * along with the retransmission, and one segment per later duplicate ACK: one too many.
 * chargen (port 19), MSS 500, window 65535: its first flight (up to ten segments), then four ACKs
 * of one segment each (slow start: up to two new segments each), so that at least eight segments
 * are outstanding. We then act as a receiver that lost the oldest one (2001): three duplicate ACKs
 * of 2001 (limited transmit, RFC 3042, may send a new segment on each of the first two); the
 * retransmission of 2001 comes at once; four more duplicate ACKs; then the new data since the
 * retransmission is counted. SACK and timestamps are not offered (the plain duplicate-ACK
 * algorithm; no tail loss probe, RFC 8985; no undo). Everything after the last ACK of new data
 * ends within 200 ms of it: the retransmission timer (RFC 6298 restarts it on new ACKs only; a
 * Linux RTO can be 200 ms) never fires.
 */
import { drain, either, expect, mss, scenario, send, silence, where, type ExpectFields, type Step } from 'tcpcraft';

const MSS = 500;
/** The segment we pretend was lost: the oldest one outstanding after four ACKs. */
const HOLE = 1 + 4 * MSS;

/** End of the highest data segment seen so far; FlightSize at the fast retransmit and where it ended (filled in as the run goes). */
let hi = 1;
let flightAtLoss = 0;
let endAtLoss = 0;

/** Segments of new data the sender may add to the retransmission: a CUBIC-sized reduction (0.7) with RFC 5681's inflation of 3 SMSS. */
const allowance = (): number => Math.max(0, Math.floor(0.7 * flightAtLoss) + 3 - flightAtLoss);

/** A full-sized data segment, with or without PSH; its seq is recorded, and must pass `ok` when given. */
const data = (f: ExpectFields = {}, ok?: { label: string; test: (seq: number) => boolean }): Step => {
  const seq = where(ok?.label ?? 'data', (s: number) => {
    if (ok && !ok.test(s)) return false;
    hi = Math.max(hi, s + MSS);
    return true;
  });
  const fields: ExpectFields = { len: MSS, seq, ...f };
  return either(expect('A', fields), expect('PA', fields));
};

/** The ACK of the handshake resets what the run has recorded (the module outlives a run). */
const reset = where('1 (and the run\'s record starts)', (a: number) => {
  hi = 1;
  flightAtLoss = 0;
  endAtLoss = 0;
  return a === 1;
});

const dupAck = (): Step => send('A', { ack: HOLE });

export default scenario({
  name: 'fast-recovery',
  description: 'Fast recovery: after three duplicate ACKs the retransmission goes out without new data beyond a reduced window, and each further duplicate ACK lets at most one new segment out',
  rfc: 'RFC 5681 §3.2',
  expectedFailures: {
    slirp: { step: 4, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): its segments are as long as our window or its own 1440 bytes, not our MSS." },
  },
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: reset }),
    send('A'),
    // The initial window (one to ten segments), taken whole before we acknowledge.
    data({ seq: 1 }),
    drain(60),
    // Four ACKs of one segment each: slow start lets up to two new segments out per ACK. No
    // silence after the last: what follows must end within 200 ms of it (see the comment above).
    ...[1, 2, 3, 4].flatMap((n): Step[] => [send('A', { ack: 1 + n * MSS }), data({ within: 100 }), data({ optional: true, timeout: 50 }), ...(n < 4 ? [silence(60)] : [])]),
    // Three duplicate ACKs of the hole at 2001; limited transmit may send one new segment on each of the first two.
    dupAck(),
    data({ optional: true, timeout: 20 }),
    dupAck(),
    data({ optional: true, timeout: 20 }),
    dupAck(),
    // (A limited-transmit segment that came late is still new data before the retransmission.)
    ...Array.from({ length: 2 }, () => data({ optional: true, timeout: 10 }, { label: 'new data', test: (s) => s > HOLE })),
    // The fast retransmit: the hole, at once (well before any RTO).
    data({ within: 150 }, {
      label: 'the hole (2001)',
      test: (s) => {
        if (s !== HOLE) return false;
        endAtLoss = hi;
        flightAtLoss = (hi - HOLE) / MSS;
        return true;
      },
    }),
    // Four more duplicate ACKs. New data since the retransmission: at most the allowance (none
    // once FlightSize is seven segments or more) and one segment per further duplicate ACK.
    ...Array.from({ length: 4 }, dupAck),
    ...Array.from({ length: 6 }, () =>
      data({ optional: true, timeout: 15 }, { label: 'new data within the reduced, inflated window: at most floor(0.7 * FlightSize) + 3 - FlightSize + 4 segments', test: (s) => s >= endAtLoss && s + MSS <= endAtLoss + (allowance() + 4) * MSS }),
    ),
    silence(60),
    send('R', { seq: 1 }),
  ],
});
