// Discard never sends: half a second of silence on an idle connection passes; then a clean close.
import { scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'discard-silence',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    silence(500),
    send('FA'),
    expect('A', { seq: 1, ack: 2, optional: true }),
    expect('FA', { seq: 1, ack: 2 }),
    send('A'),
  ],
});
