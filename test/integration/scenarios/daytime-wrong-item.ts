// anyOrder() with a wrong item (the FIN is at seq 23, not 22): the run must fail at that step.
import { scenario, send, expect, anyOrder } from 'tcpcraft';

export default scenario({
  name: 'daytime-wrong-item',
  peer: { host: '10.77.0.2', port: 13 },
  timeout: 1000,
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    anyOrder(expect('PA', { seq: 1, ack: 1, len: 22 }), expect('FA', { seq: 22, ack: 1 })),
    send('A'),
  ],
});
