/**
 * Only the offered subset comes back: a SYN offering MSS and SACK-permitted (no window scale, no
 * timestamps) gets a SYN/ACK with MSS and SACK-permitted only. RFC 7323 §2.2 and §3.2, RFC 2018 §2.
 */
import { scenario, send, expect, mss, nop, sackOk } from 'tcpcraft';

export default scenario({
  name: 'synack-options-partial',
  description: 'SYN with MSS + SACK-permitted: SYN/ACK has MSS + SACK-permitted, no WS, no TS',
  rfc: 'RFC 7323 §2.2, §3.2; RFC 2018 §2',
  requires: ['sack'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1400), nop(), nop(), sackOk()] }),
    expect('SA', { seq: 0, ack: 1, options: { has: ['mss', 'sackOk'], lacks: ['wscale', 'timestamp'] } }),
    send('A'),
  ],
});
