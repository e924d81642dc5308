/**
 * Half-duplex close (RFC 9293 §3.6.1, MAY-1): after our FIN the other direction stays open. We
 * send 6 bytes and our FIN in one segment to the echo service: our FIN is acknowledged (ack 8)
 * and the echo of the 6 bytes still comes, then the service's FIN.
 */
import { scenario, send, expect, either } from 'tcpcraft';

export default scenario({
  name: 'half-close',
  description: 'Data + FIN to echo: the echo still comes after our FIN, then its FIN',
  rfc: 'RFC 9293 §3.6.1',
  level: 'MAY',
  peer: { host: '10.77.0.2', port: 7 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('FPA', { payload: 'hello\n' }),
    expect('A', { seq: 1, ack: 8, len: 0, optional: true, timeout: 500 }),
    either(expect('PA', { seq: 1, ack: 8, payload: 'hello\n', within: 500 }), expect('FPA', { seq: 1, ack: 8, payload: 'hello\n', within: 500 })),
    expect('FA', { seq: 7, ack: 8, optional: true, timeout: 500 }),
    send('A'),
  ],
});
