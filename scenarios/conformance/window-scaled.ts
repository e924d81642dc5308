/**
 * Windows are handled as 32-bit numbers (RFC 9293 §3.8.6, REC-1: "It is RECOMMENDED that
 * implementations will reserve 32-bit fields for the send and receive window sizes in the
 * connection record and do all window computations with 32 bits") once window scaling is agreed
 * (RFC 7323 §2.3). We offer shift 14 and then advertise a window field of 4, that is 65536 bytes,
 * one more than 16 bits hold: the chargen service sends full segments. A sender that ignored the
 * scale would see a 4-byte window and send at most 4 bytes; one that kept the scaled window in a
 * 16-bit field would see 65536 as 0 and send nothing but a one-octet zero-window probe.
 */
import { scenario, send, expect, either, range, mss, nop, wscale } from 'tcpcraft';

export default scenario({
  name: 'window-scaled',
  description: 'Window scale 14, window field 4 (65536 bytes): segments of more than 4 bytes',
  rfc: 'RFC 9293 §3.8.6 REC-1; RFC 7323 §2.3',
  requires: ['wscale'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1000), nop(), wscale(14)], window: 1 }),
    expect('SA', { seq: 0, ack: 1, options: { has: ['wscale'] } }),
    send('A', { window: 4 }),
    either(expect('A', { seq: 1, len: range(5, 1000), within: 1000 }), expect('PA', { seq: 1, len: range(5, 1000), within: 1000 })),
  ],
});
