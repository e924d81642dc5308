/**
 * The application is told of an aborted connection (RFC 9293 §3.10.7.3 and §3.10.3, MUST-12).
 * The target's application accepts our connection and waits in a read; we reset the connection
 * with an exact RST. The read must then fail (return -1), not report the end of the stream (0),
 * which is what a FIN would give; the errno is the stack's own name for it (ECONNRESET on BSD
 * sockets), recorded in the report, not asserted.
 */
import { scenario, send, expect, app, appWait } from 'tcpcraft';

export default scenario({
  name: 'app-abort-reported',
  description: "our RST aborts the connection: the application's pending read fails instead of seeing an end of stream",
  rfc: 'RFC 9293 §3.10.7.3 MUST-12',
  expectedFailures: {
    slirp: { step: 6, field: 'app', why: 'libslirp closes its host socket gracefully when the guest resets: tcp_input() calls tcp_close() (src/tcp_subr.c), a close() without SO_LINGER 0, so the application reads end of stream' },
  },
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2101 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('read', 100, { background: 'read', returns: -1 }),
    send('R', { seq: 1 }),
    appWait('read'),
  ],
});
