/**
 * Windows are handled as 32-bit numbers (RFC 9293 §3.8.6, REC-1) once window scaling is agreed
 * (RFC 7323 §2.3). We offer shift 14 and then advertise a window field of 1, that is 16384 bytes:
 * the chargen service sends full segments. A sender that ignored the scale would see a 1-byte
 * window and send a single byte.
 */
import { scenario, send, expect, either, range, mss, nop, wscale } from 'tcpcraft';

export default scenario({
  name: 'window-scaled',
  description: 'Window scale 14, window field 1 (16384 bytes): segments of more than one byte',
  rfc: 'RFC 9293 §3.8.6 REC-1; RFC 7323 §2.3',
  requires: ['wscale'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1000), nop(), wscale(14)], window: 1 }),
    expect('SA', { seq: 0, ack: 1, options: { has: ['wscale'] } }),
    send('A', { window: 1 }),
    either(expect('A', { seq: 1, len: range(2, 1000), within: 1000 }), expect('PA', { seq: 1, len: range(2, 1000), within: 1000 })),
  ],
});
