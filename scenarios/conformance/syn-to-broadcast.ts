/**
 * A SYN addressed to a broadcast address is silently discarded (RFC 9293 §3.9.2.1, MUST-57;
 * RFC 1122 §4.2.3.10): TCP is for one peer. We send a SYN to the lab subnet's broadcast address,
 * 10.77.0.255 (an Ethernet broadcast frame): no SYN/ACK and no RST comes back from anyone.
 */
import { scenario, send, silence } from 'tcpcraft';

export default scenario({
  name: 'syn-to-broadcast',
  description: 'A SYN to the subnet broadcast address 10.77.0.255: no answer at all',
  rfc: 'RFC 9293 §3.9.2.1 MUST-57',
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.255', port: 9 },
  steps: [
    send('S'),
    silence(700),
  ],
});
