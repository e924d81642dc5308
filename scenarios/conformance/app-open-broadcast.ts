/**
 * An active OPEN to a broadcast address is refused (RFC 1122 §4.2.3.14; RFC 9293 Appendix B,
 * MUST-46: "An OPEN call with a broadcast or multicast foreign address MUST be rejected"). The
 * target's application connects to the directed broadcast address of our subnet (10.77.0.255 in
 * the lab, worked out from our address and prefix): the call must fail (the errno is the stack's,
 * ENETUNREACH on Linux; recorded), and no SYN may go to the broadcast address: the silence watches
 * for one from any address.
 */
import { app, appWait, scenario, silence } from 'tcpcraft';

export default scenario({
  name: 'app-open-broadcast',
  description: "The application connects to our subnet's broadcast address: the call fails, no SYN leaves",
  rfc: 'RFC 9293 §3.9.1.1 MUST-46; RFC 1122 §4.2.3.14',
  expectedFailures: {
    lwip: { step: 2, field: 'unexpected', why: "lwIP's tcp_connect() (src/core/tcp.c) checks only that a route exists and sends a SYN to any address, a broadcast one included (its only broadcast check is on input, in tcp_input()), where RFC 9293 MUST-46 (RFC 1122 §4.2.3.14) requires an OPEN to a broadcast or multicast address to be rejected." },
    gvisor: { step: 2, field: 'unexpected', why: "gVisor's endpoint.connect (pkg/tcpip/transport/tcp/endpoint.go) finds a route and sends a SYN to a directed broadcast address without checking for one (only UDP and raw endpoints look at IsOutboundBroadcast), where RFC 9293 MUST-46 (RFC 1122 §4.2.3.14) requires an OPEN to a broadcast or multicast address to be rejected." },
  },
  requires: ['app-puppet', 'ipv4'],
  role: 'server',
  local: { port: 2461, broadcast: true },
  peer: { host: '10.77.0.2' },
  steps: [
    // In the background: a stack that carries the OPEN out blocks in connect() while its SYN
    // goes to the broadcast address, and the silence is what sees that.
    app('connect', { background: 'open', returns: -1 }),
    silence(1500),
    appWait('open'),
  ],
});
