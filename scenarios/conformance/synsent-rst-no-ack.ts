/**
 * SYN-SENT, a RST without ACK (RFC 9293 §3.10.7.3, second check): "If the ACK was acceptable,
 * then signal to the user 'error: connection reset', drop the segment, enter CLOSED state, delete
 * TCB, and return. Otherwise (no ACK), drop the segment and return." A RST that acknowledges
 * nothing cannot be tied to our SYN (it could be anyone's), so it must not end the attempt.
 *
 * The target's application connects to us; we answer its SYN with a bare RST (no ACK bit). The
 * connection stays in SYN-SENT: a correct SYN/ACK afterwards opens it (the target acknowledges it
 * and the application's connect succeeds). Had the RST aborted the attempt, the SYN/ACK would
 * find no connection and be answered by a RST, and connect would fail.
 */
import { scenario, send, expect, app, appWait } from 'tcpcraft';

export default scenario({
  name: 'synsent-rst-no-ack',
  description: 'RST without ACK in SYN-SENT: dropped; a correct SYN/ACK afterwards still opens the connection',
  rfc: 'RFC 9293 §3.10.7.3',
  requires: ['app-puppet'],
  role: 'server',
  local: { port: 2352 },
  peer: { host: '10.77.0.2' },
  steps: [
    app('connect', { background: 'connect' }),
    expect('S', { seq: 0 }),
    send('R', { seq: 0 }),
    send('SA', { seq: 0, ack: 1 }),
    expect('A', { seq: 1, ack: 1, len: 0 }),
    appWait('connect'),
    send('R', { seq: 1 }),
  ],
});
