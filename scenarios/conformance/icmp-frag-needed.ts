/**
 * ICMP messages are acted on (RFC 9293 §3.9.2.2, MUST-54): "fragmentation needed" with a
 * next-hop MTU makes the sender use smaller segments (Path MTU Discovery, RFC 1191; RFC 9293
 * §3.7.2). The chargen service's first flight comes in 1460-byte segments with DF set; we report
 * a next-hop MTU of 1400 about the latest one: the data that follows fits in 1400-byte packets,
 * at most 1360 bytes each. The target caches a path MTU per destination for minutes (and then
 * announces a smaller MSS to it), so this scenario talks from a spare address of ours on the
 * target's link, which no other scenario uses (the lab's client has 10.77.0.201; elsewhere it is
 * N/A until the interface gets a second address). A second run within those minutes already starts
 * with 1360-byte segments (the first flight is therefore only checked against the MSS).
 */
import { scenario, send, expect, either, drain, icmp, range, mss } from 'tcpcraft';

export default scenario({
  name: 'icmp-frag-needed',
  description: 'Fragmentation needed (MTU 1400) about a 1460-byte segment: later segments at most 1360 bytes',
  rfc: 'RFC 9293 §3.7.2, §3.9.2.2 MUST-54; RFC 1191',
  local: { spare: true },
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1460)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: range(1, 1460) }), expect('PA', { seq: 1, len: range(1, 1460) })),
    // The rest of the first flight, however many segments the congestion window allows.
    drain(150),
    icmp(3, 4, { mtu: 1400 }),
    either(expect('A', { seq: 1, len: range(1, 1360), within: 1000 }), expect('PA', { seq: 1, len: range(1, 1360), within: 1000 })),
  ],
});
