/**
 * Over IPv6 the announced MSS is the largest datagram minus the fixed IPv6 (40) and TCP (20)
 * headers (RFC 9293 §3.7.1, MUST-67; RFC 8200 §8.3): on the lab's 1500-byte link at most 1440,
 * 20 bytes less than over IPv4 (mss-from-mtu.ts). The exact value is the stack's choice.
 */
import { scenario, send, expect, range, mss } from 'tcpcraft';

export default scenario({
  name: 'ipv6-mss-from-mtu',
  description: 'Over IPv6 the SYN/ACK announces an MSS of at most 1440 on a 1500-byte MTU',
  rfc: 'RFC 9293 §3.7.1 MUST-67; RFC 8200 §8.3',
  requires: ['ipv6'],
  peer: { host: 'fd77::2', port: 9 },
  steps: [
    send('S', { options: [mss(9000)] }),
    expect('SA', { seq: 0, ack: 1, options: { mss: range(1, 1440) } }),
    send('R', { seq: 1 }),
  ],
});
