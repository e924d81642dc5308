/**
 * A later source route replaces the earlier one (RFC 9293 §3.9.2.1: "If a different source route
 * arrives in a later segment, the later definition SHOULD override the earlier one", SHLD-24;
 * RFC 1122 §4.2.3.8). The SYN comes by way of 10.77.0.201 (the lab's spare client address), so
 * the connection's return route is 10.77.0.201 then 10.77.0.1. Then a data segment says it came
 * by two hops, 10.77.0.99 and then 10.77.0.201: its return route is 10.77.0.201, 10.77.0.99,
 * 10.77.0.1, and the ACK of that data should use it (10.77.0.99 only appears inside the option:
 * the ACK is addressed to 10.77.0.201, a client address, and goes nowhere else).
 */
import { scenario, send, expect } from 'tcpcraft';

const LINUX =
  "Linux keeps the return route of the SYN for the whole connection: tcp_v4_save_options() stores the SYN's options in the request (tcp_conn_request(), net/ipv4/tcp_input.c), tcp_v4_syn_recv_sock() makes them the socket's inet_opt (net/ipv4/tcp_ipv4.c), and ip_queue_xmit() routes every later segment by inet_opt; a later segment's route is never looked at, so the ACK still goes by 10.77.0.201 alone.";

/** LSRR, one address, complete: came via 10.77.0.201. */
const VIA_SPARE = Uint8Array.of(131, 7, 8, 10, 77, 0, 201, 0);
/** LSRR, two addresses, complete: came via 10.77.0.99, then 10.77.0.201. */
const VIA_TWO = Uint8Array.of(131, 11, 12, 10, 77, 0, 99, 10, 77, 0, 201, 0);

const GVISOR =
  "gVisor's IPv4 layer knows only the timestamp, record-route and router-alert options (processIPOptions() in pkg/tcpip/network/ipv4/ipv4.go): a source route is an unknown option, ignored, so TCP answers straight to 10.77.0.1 with no route.";
const LWIP =
  "lwIP keeps no return route: ip4_input() (src/core/ipv4/ip4.c) only steps over IP options, and tcp_output() gives every segment a plain 20-byte header to the connection's remote address, so the answer goes straight to 10.77.0.1.";
const SLIRP =
  'libslirp strips IP options from what arrives (ip_stripoptions() called from tcp_input(), src/tcp_input.c) and answers as itself, by its own routing: the answer goes straight to 10.77.0.1 with no route.';

export default scenario({
  name: 'source-route-override',
  description: 'A data segment with a different source route: its ACK goes back by the newer route',
  rfc: 'RFC 9293 §3.9.2.1 SHLD-24; RFC 1122 §4.2.3.8',
  level: 'SHOULD',
  expectedFailures: {
    gvisor: { step: 2, field: 'ip', why: GVISOR },
    lwip: { step: 2, field: 'ip', why: LWIP },
    slirp: { step: 2, field: 'ip', why: SLIRP },
    linux: { step: 5, field: 'ip', why: LINUX },
    'linux-uml': { step: 5, field: 'ip', why: LINUX },
  },
  requires: ['ipv4', 'source-route'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { ip: { options: VIA_SPARE } }),
    expect('SA', { seq: 0, ack: 1, ip: { dst: '10.77.0.201', route: ['10.77.0.1'] } }),
    send('A'),
    send('PA', { payload: 'newer route\n', ip: { options: VIA_TWO } }),
    expect('A', { seq: 1, ack: 13, ip: { dst: '10.77.0.201', route: ['10.77.0.99', '10.77.0.1'] }, within: 500 }),
    send('R', { seq: 13 }),
  ],
});
