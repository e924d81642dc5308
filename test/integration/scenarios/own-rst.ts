// Opens a connection and resets it with a RST of our own (seq = RCV.NXT of the server, exact).
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'own-rst',
  peer: { host: '10.77.0.2', port: 5000 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('R'),
  ],
});
