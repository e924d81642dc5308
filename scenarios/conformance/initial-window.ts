/**
 * The initial congestion window (RFC 5681 §3.1; RFC 6928): before the first ACK of data a sender
 * sends at most min(10*MSS, max(2*MSS, 14600)) bytes, i.e. at most ten 1460-byte segments here
 * (RFC 5681's own limit, 4 segments, is smaller and passes too). Our window is large, so only
 * the congestion window limits the chargen service: up to ten segments, then nothing until we
 * acknowledge (the 150 ms silence ends before any retransmission timer could fire).
 */
import { either, expect, range, scenario, send, silence, mss, type Step } from 'tcpcraft';

const segment = (first: boolean): Step => {
  const f = { len: range(1, 1460), ...(first ? { seq: 1 } : { optional: true, timeout: 100 }) };
  return either(expect('A', f), expect('PA', f));
};

export default scenario({
  name: 'initial-window',
  description: 'First flight from chargen: at most ten 1460-byte segments before our ACK',
  rfc: 'RFC 5681 §3.1; RFC 6928 §2',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1460)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    ...Array.from({ length: 10 }, (_, i) => segment(i === 0)),
    silence(150),
    send('R', { seq: 1 }),
  ],
});
