/**
 * SEND after the application's CLOSE (RFC 9293 §3.10.2, FIN-WAIT-1 and FIN-WAIT-2: "return
 * error: connection closing" and do not service the request): the target's application closes
 * its sending side, then tries to write. The write must fail (return -1; the errno is the
 * stack's, EPIPE on BSD sockets, recorded), and nothing more is sent.
 */
import { scenario, send, expect, app, silence } from 'tcpcraft';

export default scenario({
  name: 'app-send-after-close',
  description: 'a write after the application closed its side fails, and sends nothing',
  rfc: 'RFC 9293 §3.10.2 (SEND in FIN-WAIT-1/2)',
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2106 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('shutdown', 'wr'),
    expect('FA', { seq: 1, ack: 1 }),
    send('A', { ack: 2 }),
    app('write', 5, { returns: -1 }),
    silence(500),
  ],
});
