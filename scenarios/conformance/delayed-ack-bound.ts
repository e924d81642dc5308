/**
 * A receiver may delay an ACK, but not for long. RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2: "the
 * delay MUST be less than 0.5 seconds". One small segment, then another after a pause: each is
 * acknowledged within 500 ms. (Linux promises more: its delayed-ACK timer runs between
 * TCP_DELACK_MIN (40 ms) and TCP_DELACK_MAX (200 ms), and it acks at once in quick-ack mode; the
 * bound checked is the RFC's, not Linux's.)
 */
import { scenario, send, expect, pause } from 'tcpcraft';

export default scenario({
  name: 'delayed-ack-bound',
  description: 'One small data segment: ACKed within 500 ms (RFC 9293: the delay MUST be less than 0.5 s)',
  rfc: 'RFC 9293 §3.8.6.3 MUST-40; RFC 1122 §4.2.3.2',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'one\n' }),
    expect('A', { seq: 1, ack: 5, within: 500 }),
    pause(300),
    send('PA', { payload: 'two\n' }),
    expect('A', { seq: 1, ack: 9, within: 500 }),
  ],
});
