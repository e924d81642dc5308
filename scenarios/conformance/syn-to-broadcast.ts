/**
 * A SYN addressed to a broadcast address is silently discarded (RFC 9293 §3.9.2.1, MUST-57;
 * RFC 1122 §4.2.3.10): TCP is for one peer. We send a SYN to the directed broadcast address of
 * the target's subnet (10.77.0.255 in the lab, an Ethernet broadcast frame; worked out from our
 * address and prefix, so `--dst` keeps the meaning, and N/A when the target is not on our link):
 * no SYN/ACK and no RST comes back from anyone. A target that took the SYN for its own would
 * answer from its own address, 10.77.0.2: the silence sees answers from any address.
 */
import { scenario, send, silence } from 'tcpcraft';

export default scenario({
  name: 'syn-to-broadcast',
  description: "A SYN to the target subnet's broadcast address (10.77.0.255): no answer at all",
  rfc: 'RFC 9293 §3.9.2.1 MUST-57',
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 9, broadcast: true },
  steps: [
    send('S'),
    silence(700),
  ],
});
