/**
 * Exercise 8: a zero window and its probes.
 *
 * We tell the chargen service (port 19) that our window is 0: it may not send data, but it must
 * keep asking whether the window has opened (RFC 9293 §3.8.6.1). Linux asks with an empty ACK
 * whose sequence number is one below the next byte it would send. Fill in that probe's sequence
 * number and length; then the window opens and data flows.
 */
import { scenario, send, expect, either, mss, range, TODO } from 'tcpcraft';

export default scenario({
  name: 'exercise-08-zero-window',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)], window: 0 }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A', { window: 0 }),
    expect('A', { seq: TODO, ack: 1, len: TODO, timeout: 8000 }),
    send('A', { window: 1000 }),
    either(expect('A', { seq: 1, len: range(1, 500), within: 1000 }), expect('PA', { seq: 1, len: range(1, 500), within: 1000 })),
    send('R', { seq: 1 }),
  ],
});
