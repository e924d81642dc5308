/**
 * Fast retransmit (RFC 5681 §3.2): three duplicate ACKs make the sender retransmit the segment
 * they point at at once, without waiting for the retransmission timer. With MSS 500 and a window
 * of 2000, chargen sends four segments (RFC 5681 §3.1's initial window for this MSS is 4 segments,
 * "MUST NOT be more than 4 segments", so a window of 2000 is also all a larger initial window may
 * use); we acknowledge the first with the window's right edge unchanged (so nothing new may be
 * sent), then send the same ACK three more times: the segment at 501 comes again within 150 ms,
 * well before a 200 ms (or longer) RTO. SACK is not offered, so this is the plain duplicate-ACK
 * algorithm.
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
    send('A', { ack: 501, window: 1500 }),
    send('A', { ack: 501, window: 1500 }),
    send('A', { ack: 501, window: 1500 }),
    send('A', { ack: 501, window: 1500 }),
    segment(501, { within: 150 }),
    send('R', { seq: 1 }),
  ],
});
