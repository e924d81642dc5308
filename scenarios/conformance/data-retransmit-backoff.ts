/**
 * Data that is never acknowledged is retransmitted from the first unacknowledged byte when the
 * retransmission timer expires, and the timer doubles each time (RFC 6298 §5.4-5.6: retransmit
 * the earliest segment, "RTO <- RTO * 2"). chargen (port 19) sends its first flight, an initial
 * window of 10 segments (RFC 6928, Linux's default), and we acknowledge nothing.
 * Linux deviation: RFC 6298 §2.4 asks for a minimum RTO of 1 s; Linux uses 200 ms
 * (TCP_RTO_MIN), so on this sub-millisecond link the retransmissions come after ~200 ms, ~400 ms,
 * ~800 ms. Tested: the Linux values, as windows (180-300, 360-600, 720-1200 ms after the previous
 * segment) that each exclude the previous interval, so the doubling is checked.
 * SACK is not offered, which keeps tail loss probes (RFC 8985 §7, SACK only in Linux) away.
 */
import { scenario, send, expect, either, mss, type Step } from 'tcpcraft';

const MSS = 500;
const IW = 10;

function segment(k: number): Step {
  return either(expect('A', { seq: 1 + k * MSS, ack: 1, len: MSS }), expect('PA', { seq: 1 + k * MSS, ack: 1, len: MSS }));
}

export default scenario({
  name: 'data-retransmit-backoff',
  description: 'chargen data never ACKed: the first segment again after ~200, ~400, ~800 ms (Linux RTO min 200 ms)',
  rfc: 'RFC 6298 §5.4-5.6, §2.4 (Linux: 200 ms minimum RTO); RFC 6928',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    ...Array.from({ length: IW }, (_, k) => segment(k)),
    expect('A', { seq: 1, ack: 1, len: MSS, after: 180, within: 300 }),
    expect('A', { seq: 1, ack: 1, len: MSS, after: 360, within: 600 }),
    expect('A', { seq: 1, ack: 1, len: MSS, after: 720, within: 1200 }),
  ],
});
