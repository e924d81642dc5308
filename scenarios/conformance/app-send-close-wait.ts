/**
 * SEND in CLOSE-WAIT (RFC 9293 §3.10.2): after our FIN the target's application still sends, and
 * its data goes out ("segmentize the buffer and send it"). Its read first reports the end of our
 * stream (0); then it writes 5 bytes, which arrive in order after our FIN was acknowledged; its
 * close then sends its FIN.
 */
import { scenario, send, expect, app } from 'tcpcraft';

export default scenario({
  name: 'app-send-close-wait',
  description: 'the application writes after our FIN (CLOSE-WAIT): the data goes out, then its FIN',
  rfc: 'RFC 9293 §3.10.2, §3.10.3 (SEND and RECEIVE in CLOSE-WAIT)',
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2104 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    send('FA'),
    expect('A', { seq: 1, ack: 2 }),
    app('read', 100, { returns: 0 }),
    app('write', 'late\n'),
    expect('PA', { seq: 1, ack: 2, payload: 'late\n' }),
    send('A', { seq: 2, ack: 6 }),
    app('close'),
    expect('FA', { seq: 6, ack: 2 }),
    send('A', { seq: 2, ack: 7 }),
  ],
});
