/**
 * A port goes on listening while a connection it spawned is still in SYN-RECEIVED (RFC 9293
 * §3.9.1.1, MUST-42, from RFC 1122 §4.2.2.18: "A TCP implementation that supports multiple
 * concurrent users MUST provide an OPEN call that will functionally allow an application to
 * LISTEN on a port while a connection block with the same local port is in SYN-SENT or
 * SYN-RECEIVED state"). In RFC 793's model the LISTEN TCB itself becomes SYN-RECEIVED when a SYN
 * comes, and the port listens no more until the application opens it again; a stack has to do
 * better. The discard service's listener answers our SYN; we leave its SYN/ACK unacknowledged (a
 * connection block in SYN-RECEIVED on port 9) and send a SYN from a second port: it is answered
 * too, and both connections then open and take data. (The SYN-SENT half of the row needs an
 * application that listens on the port of its own active open, which the lab's cannot name.)
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'listen-during-handshake',
  description: 'A handshake left in SYN-RECEIVED: a SYN from a second port is answered too, and both connections open',
  rfc: 'RFC 9293 §3.9.1.1 MUST-42; RFC 1122 §4.2.2.18',
  peer: { host: '10.77.0.2', port: 9 },
  connections: { second: {} },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    // The first connection waits in SYN-RECEIVED; the port still listens.
    send('S', { conn: 'second' }),
    expect('SA', { conn: 'second', seq: 0, ack: 1, within: 500, timeout: 1000 }),
    send('A'),
    send('A', { conn: 'second' }),
    send('PA', { payload: 'one' }),
    expect('A', { seq: 1, ack: 4, len: 0, within: 500 }),
    send('PA', { conn: 'second', payload: 'two' }),
    expect('A', { conn: 'second', seq: 1, ack: 4, len: 0, within: 500 }),
    send('R', { seq: 4 }),
    send('R', { conn: 'second', seq: 4 }),
  ],
});
