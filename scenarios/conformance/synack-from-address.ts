/**
 * A connection uses the local address the SYN was sent to (RFC 9293 §3.9.2.1, MUST-45; MUST-44
 * for choosing one when there is a choice). The SYN/ACK must come from exactly the address and
 * port our SYN went to, and go to ours: tcpcraft matches answers by the exact address pair and
 * ports, so a SYN/ACK from any other source would not match and the step would time out.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'synack-from-address',
  description: 'The SYN/ACK comes from the address and port the SYN was sent to',
  rfc: 'RFC 9293 §3.9.2.1 MUST-44, MUST-45',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1, within: 1000 }),
    send('R', { seq: 1 }),
  ],
});
