/**
 * ECN-Echo (RFC 3168 §6.1.3): once ECN is agreed, a receiver that gets a data packet marked
 * Congestion Experienced sets ECE on its ACKs until a segment with CWR arrives. Our data goes in
 * ECT(0) packets; one is marked CE: its ACK has ECE. The next data carries CWR: its ACK has not.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'ecn-ce-echo',
  description: 'Data marked CE: ACK with ECE; data with CWR: ACK without ECE',
  rfc: 'RFC 9293 §3.1 SHLD-8; RFC 3168 §6.1.3',
  level: 'SHOULD',
  // ECN is negotiated: a peer that declines it in its SYN/ACK has nothing to echo (N/A);
  // ecn-negotiate.ts checks that it is offered (SHLD-8).
  requires: ['ecn'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('SEW'),
    expect('SAE', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'marked\n', ip: { ecn: 3 } }),
    expect('AE', { seq: 1, ack: 8, within: 500 }),
    send('PAW', { payload: 'reduced\n', ip: { ecn: 2 } }),
    expect('A', { seq: 1, ack: 16, within: 500 }),
  ],
});
