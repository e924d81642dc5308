/**
 * Sender silly window syndrome avoidance (RFC 9293 §3.8.6.2.1, MUST-38) and full-sized segments
 * (SHLD-28). With MSS 500 and a window of 1200 the chargen service, which has plenty to send,
 * sends two full 500-byte segments; the 200 bytes of window left are less than a segment and
 * less than half the largest window seen, so no small segment follows until an ACK opens room.
 */
import { scenario, send, expect, either, silence, mss } from 'tcpcraft';

export default scenario({
  name: 'sender-sws',
  description: 'MSS 500, window 1200: two full segments, then no 200-byte runt',
  rfc: 'RFC 9293 §3.8.6.2.1 MUST-38, SHLD-28',
  window: 1200,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: 500 }), expect('PA', { seq: 1, len: 500 })),
    either(expect('A', { seq: 501, len: 500 }), expect('PA', { seq: 501, len: 500 })),
    // Less than RFC 9293's shortest override timeout (0.1 s), after which a runt would be allowed.
    silence(90),
    send('A', { ack: 1001, window: 1200 }),
    either(expect('A', { seq: 1001, len: 500, within: 500 }), expect('PA', { seq: 1001, len: 500, within: 500 })),
  ],
});
