/**
 * An option with an illegal length must not break the receiver (RFC 9293 §3.1, MUST-7): "a TCP
 * implementation MUST be prepared to handle an illegal option length". Here a data segment on an
 * established connection carries option kind 99 with length 40, which runs past the 4-byte option area. The RFC suggests resetting the
 * connection; ignoring the options or dropping the segment also copes. What is checked is that
 * the host keeps working: a new connection to the same service is answered. What happened to the
 * first connection is in the trace.
 */
import { scenario, send, expect, pause } from 'tcpcraft';

export default scenario({
  name: 'option-length-overrun',
  description: 'Data with option kind 99 whose length 40 overruns the header: the host copes and still answers a new SYN',
  rfc: 'RFC 9293 §3.1 MUST-7',
  peer: { host: '10.77.0.2', port: 9 },
  connections: { after: {} },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'hello', options: Uint8Array.of(99, 40, 1, 1) }),
    pause(300),
    send('S', { conn: 'after' }),
    expect('SA', { conn: 'after', seq: 0, ack: 1, within: 1000 }),
    send('R', { conn: 'after', seq: 1 }),
  ],
});
