/**
 * A SYN may reopen a connection in TIME-WAIT when its sequence number is beyond the old
 * connection's (RFC 9293 §3.6.1, MAY-2). After the daytime exchange, the server is in TIME-WAIT;
 * a new SYN from the same port with an ISN 100000 past ours is answered with a SYN/ACK.
 */
import { scenario, send, expect, either } from 'tcpcraft';

export default scenario({
  name: 'time-wait-syn',
  description: 'A SYN with a higher ISN in TIME-WAIT opens a new connection (SYN/ACK)',
  rfc: 'RFC 9293 §3.6.1 MAY-2',
  level: 'MAY',
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('PA', { seq: 1, ack: 1, len: 22 }), expect('FPA', { seq: 1, ack: 1, len: 22 })),
    send('A'),
    expect('FA', { seq: 23, ack: 1, optional: true, timeout: 1000 }),
    send('A'),
    send('FA'),
    expect('A', { seq: 24, ack: 2, within: 500 }),
    send('S', { seq: 100000 }),
    expect('SA', { ack: 100001, within: 1000 }),
    send('R', { seq: 100001 }),
  ],
});
