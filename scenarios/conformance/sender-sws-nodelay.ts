/**
 * Sender silly window syndrome avoidance with Nagle off (RFC 9293 §3.8.6.2.1, MUST-38). Nagle's
 * algorithm alone holds a short segment back while data is unacknowledged, so sender-sws.ts (Nagle
 * on) cannot tell whether SWS avoidance is there; here the lab's echo-nodelay service (TCP_NODELAY)
 * echoes 1400 bytes to us, with our MSS 500 and our window 1200. Two full 500-byte segments fill
 * 1000 of the window; the 200 left are less than a segment, less than the 400 bytes queued, and
 * less than half the largest window we offered (RFC 9293: "Fs x Max(SND.WND)", Fs = 1/2), so none
 * of the RFC's first three conditions to send holds: no 200-byte runt follows. (The fourth, "the
 * override timeout occurs", 0.1 - 1 s later, lies beyond the 80 ms watched.) Our ACK of the first
 * 1000 bytes then opens room, and the 400 bytes left come whole.
 */
import { scenario, send, expect, either, silence, mss } from 'tcpcraft';

const DATA = 'e'.repeat(1400);

export default scenario({
  name: 'sender-sws-nodelay',
  description: 'TCP_NODELAY echo, MSS 500, window 1200: two full segments, no 200-byte runt, then the last 400 bytes',
  rfc: 'RFC 9293 §3.8.6.2.1 MUST-38',
  requires: ['app-nodelay'],
  window: 1200,
  peer: { host: '10.77.0.2', port: 2007 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: DATA }),
    expect('A', { seq: 1, ack: 1401, len: 0, optional: true, timeout: 500 }),
    either(expect('A', { seq: 1, ack: 1401, len: 500 }), expect('PA', { seq: 1, ack: 1401, len: 500 })),
    either(expect('A', { seq: 501, ack: 1401, len: 500 }), expect('PA', { seq: 501, ack: 1401, len: 500 })),
    silence(80),
    send('A', { seq: 1401, ack: 1001, window: 1200 }),
    either(expect('A', { seq: 1001, ack: 1401, len: 400, within: 500 }), expect('PA', { seq: 1001, ack: 1401, len: 400, within: 500 })),
    send('A', { seq: 1401, ack: 1401 }),
  ],
});
