/**
 * A passive OPEN does not disturb the connections already there (RFC 9293 §3.9.1.1, MUST-41, from
 * RFC 1122 §4.2.2.18: "Every passive OPEN call either creates a new connection record in LISTEN
 * state, or it returns an error; it MUST NOT affect any previously created connection record").
 * The target's application listens on port 2162 and accepts our connection; then it makes a second
 * passive OPEN on the same address and port. Whether that succeeds or fails (EADDRINUSE on Linux:
 * SO_REUSEADDR does not let two sockets listen on one port) is the stack's choice, recorded, not
 * checked. What is checked: the accepted connection still carries data both ways, and a new SYN
 * to the port is still answered (by the first listener, or by the second).
 */
import { scenario, send, expect, app, any, either } from 'tcpcraft';

export default scenario({
  name: 'app-listen-again',
  description: 'A second passive OPEN on a port with a listener and an accepted connection: it succeeds or fails, and both the connection and the port keep working',
  rfc: 'RFC 9293 §3.9.1.1 MUST-41; RFC 1122 §4.2.2.18',
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2162 },
  connections: { third: {} },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    // The second passive OPEN, on the same address and port.
    app('listen', { conn: 'third', returns: any() }),
    // The accepted connection is untouched: data both ways.
    app('write', 5),
    either(expect('PA', { seq: 1, ack: 1, payload: 'abcde', within: 500 }), expect('A', { seq: 1, ack: 1, payload: 'abcde', within: 500 })),
    send('PA', { ack: 6, payload: 'hi' }),
    app('read', 10, { returns: 2, data: 'hi' }),
    // The port still listens.
    send('S', { conn: 'third' }),
    expect('SA', { conn: 'third', seq: 0, ack: 1, within: 500 }),
    send('R', { conn: 'third', seq: 1 }),
    send('R', { seq: 3 }),
  ],
});
