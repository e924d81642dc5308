// The netcat handshake with a deliberately wrong expectation: a SYN/ACK acknowledges ISN + 1,
// not ISN + 2. Used to check that the diagnostic names the field, both values and the line.
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'wrong-ack',
  peer: { host: '10.77.0.2', port: 5000 },
  timeout: 2000,
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 2 }),
    send('A'),
  ],
});
