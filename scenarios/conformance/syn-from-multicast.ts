/**
 * A SYN whose source address is not a valid unicast address (here the multicast group
 * 224.0.0.9) must be rejected (RFC 9293 §3.9.2.1, MUST-63; RFC 1122 §4.2.3.10): no SYN/ACK goes
 * back to it. The rejection may happen in the IP layer; from the wire it is the same.
 */
import { scenario, send, silence } from 'tcpcraft';

export default scenario({
  name: 'syn-from-multicast',
  description: 'A SYN from source 224.0.0.9: no SYN/ACK',
  rfc: 'RFC 9293 §3.9.2.1 MUST-63',
  local: { host: '224.0.0.9' },
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    silence(700),
  ],
});
