// The daytime exchange with the server's data and FIN in an anyOrder() group, written FIN first:
// it passes whichever order the stack puts them on the wire.
import { scenario, send, expect, anyOrder } from 'tcpcraft';

export default scenario({
  name: 'daytime-any-order',
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    anyOrder(expect('FA', { seq: 23, ack: 1 }), expect('PA', { seq: 1, ack: 1, len: 22 })),
    send('A', { ack: 24 }),
    send('FA'),
    expect('A', { seq: 24, ack: 2 }),
  ],
});
