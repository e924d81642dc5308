/**
 * Keep-alives tolerate a lost ACK (RFC 9293 §3.8.4, MUST-29: one unanswered probe does not end
 * the connection). We leave the first probe unanswered: another comes (the lab's server
 * namespace sets net.ipv4.tcp_keepalive_intvl to 1 s), we answer that one, and the connection
 * still takes data.
 */
import { scenario, send, expect, either } from 'tcpcraft';

const probe = (after: number) =>
  either(expect('A', { seq: 0, ack: 1, len: 0, after, timeout: 5000 }), expect('A', { seq: 0, ack: 1, len: 1, after, timeout: 5000 }));

export default scenario({
  name: 'keepalive-lost-ack',
  description: 'First keep-alive probe unanswered: a second one comes; answered, the connection still works',
  rfc: 'RFC 9293 §3.8.4 MUST-29',
  requires: ['app-keepalive'],
  peer: { host: '10.77.0.2', port: 2009 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    probe(900),
    probe(500),
    send('A'),
    send('PA', { payload: 'still here\n' }),
    expect('A', { seq: 1, ack: 12, within: 500 }),
  ],
});
