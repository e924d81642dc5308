/**
 * A connection opened by a source-routed SYN is answered by the reverse of that route, on every
 * segment (RFC 9293 §3.9.2.1: a TCP endpoint opened passively by a packet with a completed source
 * route "MUST save the return route and use it for all segments sent on this connection", MUST-53;
 * RFC 1122 §4.2.3.8). Our SYN says it came from 10.77.0.1 by way of 10.77.0.201 (the lab's spare
 * client address): a loose source route of that one address, its pointer past the end. The return
 * route is then: first to 10.77.0.201 (the IP destination), then on to 10.77.0.1, the one address
 * left in the reply's route option. The SYN/ACK and the ACK of our data must both go that way.
 * Linux takes source-routed packets only with net.ipv4.conf.all.accept_source_route on (the
 * lab's server namespace turns it on); a target that drops them makes this N/A.
 */
import { scenario, send, expect } from 'tcpcraft';

/** LSRR (131), length 7, pointer 8 (past the one address: complete), 10.77.0.201; end of options. */
const VIA_SPARE = Uint8Array.of(131, 7, 8, 10, 77, 0, 201, 0);
const BACK = { dst: '10.77.0.201', route: ['10.77.0.1'] };

const GVISOR =
  "gVisor's IPv4 layer knows only the timestamp, record-route and router-alert options (processIPOptions() in pkg/tcpip/network/ipv4/ipv4.go): a source route is an unknown option, ignored, so TCP answers straight to 10.77.0.1 with no route.";
const LWIP =
  "lwIP keeps no return route: ip4_input() (src/core/ipv4/ip4.c) only steps over IP options, and tcp_output() gives every segment a plain 20-byte header to the connection's remote address, so the answer goes straight to 10.77.0.1.";
const SLIRP =
  'libslirp strips IP options from what arrives (ip_stripoptions() called from tcp_input(), src/tcp_input.c) and answers as itself, by its own routing: the answer goes straight to 10.77.0.1 with no route.';

export default scenario({
  name: 'source-route-reversed',
  description: 'A SYN that came by a source route: the SYN/ACK and later ACKs go back by the reversed route',
  rfc: 'RFC 9293 §3.9.2.1 MUST-53; RFC 1122 §4.2.3.8',
  expectedFailures: {
    gvisor: { step: 2, field: 'ip', why: GVISOR },
    lwip: { step: 2, field: 'ip', why: LWIP },
    slirp: { step: 2, field: 'ip', why: SLIRP },
  },
  requires: ['ipv4', 'source-route'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { ip: { options: VIA_SPARE } }),
    expect('SA', { seq: 0, ack: 1, ip: BACK }),
    send('A'),
    send('PA', { payload: 'routed\n' }),
    expect('A', { seq: 1, ack: 8, ip: BACK, within: 500 }),
    send('R', { seq: 8 }),
  ],
});
