/**
 * A TCP sends the MSS option (RFC 9293 §3.7.1: MUST-14 implement it, SHLD-5 send it unless the
 * MSS is the 536-byte default, MAY-3 always send it). Our SYN offers no option at all; the
 * SYN/ACK still carries an MSS (its value, the stack's choice from the MTU, is recorded).
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'mss-option-sent',
  description: 'A SYN without options: the SYN/ACK carries an MSS option anyway',
  rfc: 'RFC 9293 §3.7.1 MUST-14, SHLD-5',
  level: 'SHOULD',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1, options: { has: ['mss'] } }),
    send('R', { seq: 1 }),
  ],
});
