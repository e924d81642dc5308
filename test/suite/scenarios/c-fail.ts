// Fails: the SYN/ACK acknowledges ISN + 1, not ISN + 2. The half-open connection must be reset.
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'suite-fail-wrong-ack',
  rfc: 'RFC 9293 §3.5',
  peer: { host: '10.77.0.2', port: 9 },
  timeout: 2000,
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 2 }),
    send('A'),
  ],
});
