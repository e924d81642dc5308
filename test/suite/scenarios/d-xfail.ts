// An expected failure on Linux: a closed port never answers a SYN with a SYN/ACK.
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'suite-xfail-closed-synack',
  rfc: 'RFC 9293 §3.10.7.1',
  expectedFailures: { linux: 'a closed port answers with RST/ACK (this scenario is wrong on purpose)' },
  peer: { host: '10.77.0.2', port: 5998 },
  timeout: 2000,
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
  ],
});
