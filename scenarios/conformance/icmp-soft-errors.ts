/**
 * Soft ICMP errors do not abort a connection (RFC 9293 §3.9.2.2, MUST-56: not for Destination
 * Unreachable codes 0, 1 and 5, Time Exceeded or Parameter Problem; MUST-54: ICMP is acted on,
 * and these call for reporting, not aborting). Mid-transfer we send one of each about the latest
 * data segment; then we acknowledge it: data keeps coming.
 */
import { scenario, send, expect, either, icmp, mss } from 'tcpcraft';

const seg = (seq: number, extra: Record<string, unknown> = {}) => either(expect('A', { seq, len: 500, ...extra }), expect('PA', { seq, len: 500, ...extra }));

export default scenario({
  name: 'icmp-soft-errors',
  description: 'Net/host unreachable, source route failed, time exceeded, parameter problem: the connection survives',
  rfc: 'RFC 9293 §3.9.2.2 MUST-56',
  window: 1000,
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    seg(1),
    seg(501),
    icmp(3, 0),
    icmp(3, 1),
    icmp(3, 5),
    icmp(11, 0),
    icmp(12, 0),
    send('A', { ack: 1001 }),
    seg(1001, { within: 500 }),
    seg(1501, { within: 500 }),
  ],
});
