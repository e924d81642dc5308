// Opens a connection to nc and then waits (up to 20 s) for data nc never sends: a run to interrupt.
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'hang',
  peer: { host: '10.77.0.2', port: 5000 },
  steps: [
    send('S'),
    expect('SA', { ack: 1 }),
    send('A'),
    expect('PA', { timeout: 20000 }),
  ],
});
