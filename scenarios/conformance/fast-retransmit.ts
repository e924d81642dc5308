/**
 * Fast retransmit (RFC 5681 §3.2): three duplicate ACKs make the sender retransmit the segment
 * they point at at once, without waiting for the retransmission timer. MSS 500 and a window of
 * 2000: chargen sends four segments (RFC 5681 §3.1's initial window for this MSS is 4 segments,
 * "MUST NOT be more than 4 segments"; a larger initial window is held to the same four by the
 * window). One ACK of all four opens the right edge to 5001: five segments or more follow (an RFC
 * 5681 cwnd has grown to 2500, a larger one fills the window: six). An ACK of 2501 keeps the right
 * edge at 5001; the segment at 4501 is then out too (sent before, or now that cwnd allows it).
 * Five segments are outstanding, 2501 to 5000, the window is full, and three duplicate ACKs of
 * 2501 are what a receiver missing 2501 and getting the next three would send: the segment at
 * 2501 comes again within 150 ms, well before a 200 ms (or longer) RTO. SACK is not offered: the
 * plain duplicate-ACK algorithm.
 */
import { either, expect, scenario, send, mss, type Step } from 'tcpcraft';

const segment = (seq: number, extra: Record<string, unknown> = {}): Step =>
  either(expect('A', { seq, len: 500, ...extra }), expect('PA', { seq, len: 500, ...extra }));

export default scenario({
  name: 'fast-retransmit',
  description: 'Three duplicate ACKs: the missing segment is retransmitted at once',
  rfc: 'RFC 5681 §3.2',
  window: 2000,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    ...[1, 501, 1001, 1501].map((s) => segment(s)),
    // All four acknowledged: the right edge moves to 5001.
    send('A', { ack: 2001, window: 3000 }),
    ...[2001, 2501, 3001, 3501, 4001].map((s) => segment(s)),
    // The right edge stays at 5001; 4501 fills the window.
    send('A', { ack: 2501, window: 2500 }),
    segment(4501),
    // Three duplicates of that ACK (same ack, same window, no data).
    send('A', { ack: 2501, window: 2500 }),
    send('A', { ack: 2501, window: 2500 }),
    send('A', { ack: 2501, window: 2500 }),
    segment(2501, { within: 150 }),
    send('R', { seq: 1 }),
  ],
});
