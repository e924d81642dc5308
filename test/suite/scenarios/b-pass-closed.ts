// Passes: a pause, then a SYN to a closed port is refused with a RST/ACK.
import { scenario, send, expect, pause } from 'tcpcraft';

export default scenario({
  name: 'suite-pass-closed',
  rfc: 'RFC 9293 §3.10.7.1',
  peer: { host: '10.77.0.2', port: 5999 },
  steps: [
    pause(1500),
    send('S'),
    expect('RA', { seq: 0, ack: 1 }),
  ],
});
