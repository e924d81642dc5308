// The daytime exchange with the server's data and FIN in an anyOrder() group, written data first.
import { scenario, send, expect, anyOrder } from 'tcpcraft';

export default scenario({
  name: 'daytime-in-order',
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    anyOrder(expect('PA', { seq: 1, ack: 1, len: 22 }), expect('FA', { seq: 23, ack: 1 })),
    send('A', { ack: 24 }),
    send('FA'),
    expect('A', { seq: 24, ack: 2 }),
  ],
});
