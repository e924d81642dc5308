/**
 * ECN negotiation (RFC 9293 §3.1 and SHLD-8: support ECN; RFC 3168 §6.1.1). A SYN with ECE and
 * CWR asks for ECN: an ECN-capable receiver answers with ECE set and CWR clear in its SYN/ACK.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'ecn-negotiate',
  description: 'SYN with ECE+CWR: the SYN/ACK has ECE (and not CWR)',
  rfc: 'RFC 9293 §3.1 SHLD-8; RFC 3168 §6.1.1',
  level: 'SHOULD',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('SEW'),
    expect('SAE', { seq: 0, ack: 1 }),
    send('R', { seq: 1 }),
  ],
});
