/**
 * The server never sends a segment larger than the MSS we announced. RFC 9293 §3.7.1: "a TCP
 * endpoint MUST NOT send a segment with more data than the MSS announced by the receiver"
 * (MUST-14 and the Effective Send MSS of RFC 1122 §4.2.2.6). We offer 200 bytes (the lab link
 * would allow 1460) and chargen has 64 KiB to send: its first flight (10 segments) is checked,
 * then acknowledged, and so is the next flight's first segment.
 */
import { scenario, send, expect, either, mss, range, type Step } from 'tcpcraft';

const MSS = 200;

function segment(k: number): Step {
  return either(expect('A', { seq: 1 + k * MSS, len: range(1, MSS) }), expect('PA', { seq: 1 + k * MSS, len: range(1, MSS) }));
}

export default scenario({
  name: 'mss-respected',
  description: 'We offer MSS 200: every chargen segment carries at most 200 bytes',
  rfc: 'RFC 9293 §3.7.1; RFC 1122 §4.2.2.6',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: 1, options: { mss: 1460 } }),
    send('A'),
    ...Array.from({ length: 10 }, (_, k) => segment(k)),
    send('A'),
    segment(10),
  ],
});
