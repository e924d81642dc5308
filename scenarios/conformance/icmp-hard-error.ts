/**
 * Destination Unreachable with code 2 (protocol unreachable) or 3 (port unreachable) is a hard
 * error: the connection should be aborted (RFC 9293 §3.9.2.2, SHLD-26; RFC 1122 §4.2.3.9).
 * Mid-transfer we send a port unreachable about the latest data segment; the connection must be
 * gone: our ACK of that data is answered with a RST.
 */
import { scenario, send, expect, either, icmp, pause, mss } from 'tcpcraft';

const LINUX = "tcp_v4_err() (net/ipv4/tcp_ipv4.c) aborts only connections still in SYN-SENT or SYN-RECEIVED on a hard ICMP error; in ESTABLISHED it records the error as a soft one (sk_err_soft) unless the application set IP_RECVERR, so the connection goes on.";

export default scenario({
  name: 'icmp-hard-error',
  description: 'Port unreachable mid-transfer: the connection is aborted (our ACK gets a RST)',
  rfc: 'RFC 9293 §3.9.2.2 SHLD-26; RFC 1122 §4.2.3.9',
  level: 'SHOULD',
  expectedFailures: { linux: { step: 9, field: 'flags', why: LINUX }, 'linux-uml': { step: 9, field: 'flags', why: LINUX } },
  window: 1000,
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: 500 }), expect('PA', { seq: 1, len: 500 })),
    either(expect('A', { seq: 501, len: 500 }), expect('PA', { seq: 501, len: 500 })),
    icmp(3, 3),
    pause(100),
    send('A', { ack: 1001 }),
    expect('R', { seq: 1001, within: 500 }),
  ],
});
