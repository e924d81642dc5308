/**
 * ICMPv6 "packet too big" is acted on (RFC 9293 §3.9.2.2, MUST-54; Path MTU Discovery for IPv6,
 * RFC 8201): the chargen service's first flight comes in segments of up to 1440 bytes; we report
 * an MTU of 1280 (the IPv6 minimum) about the latest one, and the data that follows fits in
 * 1280-byte packets: at most 1220 bytes each. The target caches the path MTU per destination, so
 * this scenario talks from a spare address of ours on the target's link, which no other uses (the
 * lab's client has fd77::201).
 */
import { scenario, send, expect, either, drain, icmp, range, mss } from 'tcpcraft';

export default scenario({
  name: 'ipv6-packet-too-big',
  description: 'ICMPv6 packet too big (MTU 1280) about a full segment: later segments at most 1220 bytes',
  rfc: 'RFC 9293 §3.7.2, §3.9.2.2 MUST-54; RFC 8201; RFC 4443 §3.2',
  local: { spare: true },
  requires: ['ipv6'],
  peer: { host: 'fd77::2', port: 19 },
  steps: [
    send('S', { options: [mss(1440)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: range(1, 1440) }), expect('PA', { seq: 1, len: range(1, 1440) })),
    drain(150),
    icmp(2, 0, { mtu: 1280 }),
    either(expect('A', { seq: 1, len: range(1, 1220), within: 1000 }), expect('PA', { seq: 1, len: range(1, 1220), within: 1000 })),
  ],
});
