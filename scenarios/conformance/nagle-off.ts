/**
 * An application can switch the Nagle algorithm off (RFC 9293 §3.7.4, MUST-17). The lab's
 * echo-nodelay service (TCP_NODELAY) echoes "a"; we do not acknowledge it and send "b": its
 * echo comes at once, although "a" is still unacknowledged.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'nagle-off',
  description: 'With TCP_NODELAY: the second small write goes out at once, unacknowledged data or not',
  rfc: 'RFC 9293 §3.7.4 MUST-17',
  requires: ['app-nodelay'],
  peer: { host: '10.77.0.2', port: 2007 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'a' }),
    expect('A', { seq: 1, ack: 2, len: 0, optional: true, timeout: 300 }),
    expect('PA', { seq: 1, ack: 2, payload: 'a', within: 300 }),
    send('PA', { seq: 2, ack: 1, payload: 'b' }),
    // No Nagle: "b" is echoed at once although "a" is still unacknowledged.
    expect('A', { seq: 2, ack: 3, len: 0, optional: true, timeout: 300 }),
    expect('PA', { seq: 2, ack: 3, payload: 'b', within: 300 }),
    send('A', { seq: 3, ack: 3 }),
  ],
});
