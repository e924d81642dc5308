/**
 * Window scale shifts stop at 14 (RFC 7323 §2.3): a TCP never sends a larger shift, and one
 * that receives a larger shift uses 14 instead. We offer 15: the SYN/ACK's own shift is at most
 * 14, and the connection works (chargen data flows in a window field of 1, i.e. 16384 bytes).
 */
import { scenario, send, expect, either, range, mss, nop, wscale } from 'tcpcraft';

export default scenario({
  name: 'wscale-clamp',
  description: 'We offer shift 15: the SYN/ACK shift is at most 14, and data flows',
  rfc: 'RFC 7323 §2.3',
  requires: ['wscale'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1000), nop(), wscale(15)], window: 1 }),
    expect('SA', { seq: 0, ack: 1, options: { wscale: range(0, 14) } }),
    send('A', { window: 1 }),
    either(expect('A', { seq: 1, len: range(2, 1000), within: 1000 }), expect('PA', { seq: 1, len: range(2, 1000), within: 1000 })),
  ],
});
