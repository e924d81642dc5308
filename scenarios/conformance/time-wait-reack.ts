/**
 * TIME-WAIT remembers the connection (RFC 9293 §3.10.7.4, MUST-13: it lasts 2 MSL). The daytime
 * service closes first; once it has acknowledged our FIN it is in TIME-WAIT. We send our FIN
 * again, as if its ACK had been lost: TIME-WAIT acknowledges it again.
 */
import { scenario, send, expect, either } from 'tcpcraft';

export default scenario({
  name: 'time-wait-reack',
  description: 'Server closes first; our FIN sent twice: TIME-WAIT acknowledges the retransmitted FIN too',
  rfc: 'RFC 9293 §3.10.7.4 MUST-13',
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
    // Our FIN again (same sequence number): TIME-WAIT answers with the same ACK.
    send('FA', { seq: 1 }),
    expect('A', { seq: 24, ack: 2, within: 500 }),
    send('R', { seq: 2 }),
  ],
});
