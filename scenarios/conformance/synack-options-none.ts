/**
 * A SYN/ACK carries only what the SYN offered: a SYN with no options gets a SYN/ACK with an MSS
 * (always allowed, RFC 9293 §3.7.1) and no window scale, SACK-permitted or timestamps (RFC 7323
 * §2.2: "a TCP MUST NOT send a Window Scale option in a <SYN,ACK> segment" unless received;
 * §3.2: timestamps only when the SYN had them; RFC 2018 §2: SACK-permitted likewise).
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'synack-options-none',
  description: 'SYN without options: the SYN/ACK has an MSS and no WS, SACK-permitted or TS',
  rfc: 'RFC 7323 §2.2, §3.2; RFC 2018 §2',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1, options: { has: ['mss'], lacks: ['wscale', 'sackOk', 'timestamp'] } }),
    send('A'),
  ],
});
