// Expects silence from chargen, which starts sending at once: must fail (kind 'unexpected').
import { scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'chargen-silence',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [send('S'), expect('SA', { seq: 0, ack: 1 }), send('A'), silence(500), send('R')],
});
