// A malformed scenario: a wildcard in a segment to send. Rejected before anything is sent.
import { scenario, send, expect, any } from 'tcpcraft';

export default scenario({
  name: 'wildcard-send',
  peer: { host: '10.77.0.2', port: 5000 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A', { window: any() as never }),
  ],
});
