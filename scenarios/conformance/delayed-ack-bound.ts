/**
 * A receiver may delay an ACK, but not for long. RFC 9293 §3.8.6.3 / RFC 1122 §4.2.3.2: "the
 * delay MUST be less than 0.5 seconds". Linux promises more: its delayed-ACK timer runs between
 * TCP_DELACK_MIN (40 ms) and TCP_DELACK_MAX (200 ms), and it acks at once in quick-ack mode
 * (start of a connection). This checks the Linux bound, 200 ms (+ 50 ms slack), which also
 * satisfies the RFC's.
 */
import { scenario, send, expect, pause } from 'tcpcraft';

export default scenario({
  name: 'delayed-ack-bound',
  description: 'One small data segment: ACKed within 250 ms (RFC: < 500 ms; Linux: <= 200 ms)',
  rfc: 'RFC 9293 §3.8.6.3 MUST-40, SHLD-18; RFC 1122 §4.2.3.2',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'one\n' }),
    expect('A', { seq: 1, ack: 5, within: 250 }),
    pause(300),
    send('PA', { payload: 'two\n' }),
    expect('A', { seq: 1, ack: 9, within: 250 }),
  ],
});
