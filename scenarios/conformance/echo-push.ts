/**
 * Data an application sends is not held back indefinitely, and the last segment of what it
 * wrote carries PSH (RFC 9293 §3.9.1.2, MUST-60 and MUST-61). The echo service writes back what
 * it read: the copy comes promptly with PSH set.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'echo-push',
  description: 'Echo of 6 bytes: sent promptly, with PSH on the (last) segment',
  rfc: 'RFC 9293 §3.9.1.2 MUST-60, MUST-61',
  peer: { host: '10.77.0.2', port: 7 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'hello\n' }),
    expect('A', { seq: 1, ack: 7, len: 0, optional: true, timeout: 500 }),
    expect('PA', { seq: 1, ack: 7, payload: 'hello\n', within: 500 }),
    send('A'),
  ],
});
