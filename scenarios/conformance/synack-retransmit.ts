/**
 * When our final ACK never comes, the server retransmits its SYN/ACK with exponential backoff:
 * first after the initial RTO of 1 s (RFC 6298 §2.1, RFC 9293 §3.8.1), then after 2 s (§5.5:
 * "the host MUST set RTO <- RTO * 2"). Linux: TCP_TIMEOUT_INIT = 1 s for the SYN/ACK timer,
 * doubled per retry. `at:` counts from the previous SYN/ACK, ±12.5 %.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'synack-retransmit',
  description: 'Final ACK withheld: SYN/ACK again after ~1 s, then after ~2 s more',
  rfc: 'RFC 6298 §2.1, §5.5; RFC 9293 §3.8.1',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    expect('SA', { seq: 0, ack: 1, at: 1000 }),
    expect('SA', { seq: 0, ack: 1, at: 2000 }),
    send('A'),
  ],
});
