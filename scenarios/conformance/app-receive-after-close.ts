/**
 * RECEIVE after the application's CLOSE (RFC 9293 §3.10.4: "all RECEIVEs continue"; §3.6.1,
 * MAY-1, the half-duplex close): the target's application closes its sending side
 * (shutdown(SHUT_WR), the RFC's CLOSE); its FIN comes, and data we send afterwards is still
 * acknowledged and read by the application.
 */
import { scenario, send, expect, app } from 'tcpcraft';

export default scenario({
  name: 'app-receive-after-close',
  description: 'after the application closed its side (FIN-WAIT-2), our data is still received and read',
  rfc: 'RFC 9293 §3.10.4, §3.6.1',
  level: 'MAY',
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2105 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('shutdown', 'wr'),
    expect('FA', { seq: 1, ack: 1 }),
    send('A', { ack: 2 }),
    send('PA', { payload: 'still\n' }),
    expect('A', { seq: 2, ack: 7 }),
    app('read', 100, { returns: 6, data: 'still\n' }),
    send('FA'),
    expect('A', { seq: 2, ack: 8 }),
  ],
});
