/**
 * With a valid Fast Open cookie, the data in a SYN is taken at once (RFC 7413 §4.2.2: the server
 * accepts the data and acknowledges it in its SYN/ACK; §3: the application gets it before the
 * handshake completes). A first connection asks the lab's fast-open echo (port 2014) for a cookie
 * and captures it; a second one sends that cookie with "hello" in its SYN: the SYN/ACK must
 * acknowledge the SYN and the 5 bytes (ack 6), and the echo sends "hello" back.
 */
import { scenario, send, expect, fastOpen, mss, capture, use } from 'tcpcraft';

export default scenario({
  name: 'tfo-data-in-syn',
  description: 'A SYN with a valid Fast Open cookie and 5 bytes: the SYN/ACK acknowledges them (ack 6), the data is echoed',
  rfc: 'RFC 7413 §3, §4.2.2',
  level: 'MAY',
  requires: ['tfo'],
  peer: { host: '10.77.0.2', port: 2014 },
  connections: { second: { peer: { host: '10.77.0.2', port: 2014 } } },
  steps: [
    send('S', { options: [mss(1460), fastOpen()] }),
    expect('SA', { seq: 0, ack: 1, options: { fastOpen: capture('cookie') } }),
    send('R', { seq: 1 }),
    send('S', { conn: 'second', options: [mss(1460), fastOpen(use('cookie'))], payload: 'hello' }),
    expect('SA', { conn: 'second', seq: 0, ack: 6 }),
    send('A', { conn: 'second' }),
    expect('PA', { conn: 'second', seq: 1, ack: 6, payload: 'hello', within: 500 }),
    send('R', { conn: 'second', seq: 6 }),
  ],
});
