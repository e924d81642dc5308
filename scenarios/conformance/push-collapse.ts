/**
 * Successive pushes are collapsed when the data is packetized (RFC 9293 §3.9.1.2: a sender
 * "SHOULD collapse successive PSH bits when it packetizes data, to send the largest possible
 * segment", SHLD-27). The lab's pieces application switches Nagle off and, as soon as it has
 * accepted the connection, writes ten 100-byte pieces with ten send() calls: ten pushes. We keep our window
 * closed while it writes, so the ten pieces wait in the sender. When the window opens to 4000
 * bytes, all 1000 bytes must leave as one segment (its PSH bit set), not as ten pushed 100-byte ones.
 * A sender whose zero-window probe carried the first octet (RFC 9293 §3.8.6.1 lets a probe carry
 * new data) has had it acknowledged with the window: the other 999 then leave as one segment.
 */
import { scenario, send, expect, drain, either, mss } from 'tcpcraft';

const PIECES = Array.from({ length: 10 }, (_, k) => String(k).repeat(100)).join('');

export default scenario({
  name: 'push-collapse',
  description: 'Ten pushed 100-byte writes queued behind a zero window leave as one 1000-byte segment',
  rfc: 'RFC 9293 §3.9.1.2 SHLD-27',
  level: 'SHOULD',
  expectedFailures: {
    gvisor: { step: 6, field: 'len', why: "gVisor gives a write its sequence numbers when it is queued, even into a zero window: maybeSendSegment() (pkg/tcpip/transport/tcp/snd.go) merges queued writes only up to the space the window leaves, here none, so each 100-byte piece is numbered alone and leaves as its own pushed segment once the window opens." },
  },
  requires: ['app-pieces'],
  peer: { host: '10.77.0.2', port: 2013 },
  steps: [
    send('S', { window: 0, options: [mss(1460)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A', { window: 0 }),
    // The application writes at once; the sender may probe the closed window meanwhile.
    drain(800),
    send('A', { window: 4000 }),
    either(expect('PA', { seq: 1, ack: 1, len: 1000, payload: PIECES, within: 500 }), expect('PA', { seq: 2, ack: 1, len: 999, payload: PIECES.slice(1), within: 500 })),
    send('A', { window: 4000 }),
  ],
});
