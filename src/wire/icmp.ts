/**
 * ICMP error messages about a TCP segment, as a router on the path or the destination host would
 * send them. ICMPv4 (RFC 792; the next-hop MTU of "fragmentation needed" from RFC 1191): an IPv4
 * header (protocol 1), the ICMP header, and the start of the offending datagram: its IP header and
 * the first 8 bytes of its payload, enough for the TCP ports and sequence number (RFC 792).
 * ICMPv6 (RFC 4443; "packet too big" for Path MTU Discovery, RFC 8201): as much of the offending
 * packet as fits in 1280 bytes.
 */
import { fold, ipv4HeaderChecksum, onesSum, pseudoHeaderSum } from './checksum.js';
import { emitIpv4Header, IPV4_MIN_HEADER } from './ipv4.js';
import { emitIpv6Header, IPV6_HEADER } from './ipv6.js';

/** IP protocol number of ICMP. */
export const PROTO_ICMP = 1;

/** ICMPv4 error types a TCP must handle (RFC 9293 §3.9.2.2, RFC 1122 §4.2.3.9). */
export const IcmpType = {
  DEST_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

/** Length of the ICMP header of an error message. */
export const ICMP_HEADER = 8;

/** What to send. */
export interface IcmpErrorSpec {
  readonly src: string;
  readonly dst: string;
  readonly type: number;
  readonly code: number;
  /** Next-hop MTU (type 3 code 4, RFC 1191). */
  readonly mtu?: number;
  /** The octet where the problem is (type 12). */
  readonly pointer?: number;
  /** The offending IPv4 packet as it was on the wire; its header and 8 payload bytes are quoted. */
  readonly quoted: Uint8Array;
  /** Default 64. */
  readonly ttl?: number;
}

/** The whole IPv4 packet of an ICMP error message, both checksums computed. */
export function buildIcmpError(spec: IcmpErrorSpec): Uint8Array {
  const ihl = spec.quoted.length > 0 ? (spec.quoted[0]! & 0x0f) * 4 : 0;
  const quote = spec.quoted.subarray(0, Math.min(spec.quoted.length, Math.max(ihl, IPV4_MIN_HEADER) + 8));
  const icmpLength = ICMP_HEADER + quote.length;
  const out = new Uint8Array(IPV4_MIN_HEADER + icmpLength);
  const view = new DataView(out.buffer);
  // No DF and id 0: the kernel's raw socket fills in the identification, as for its own ICMP.
  const at = emitIpv4Header({ src: spec.src, dst: spec.dst, protocol: PROTO_ICMP, flags: 0, ttl: spec.ttl ?? 64 }, icmpLength, out, 0, view);
  out[at] = spec.type & 0xff;
  out[at + 1] = spec.code & 0xff;
  if (spec.mtu !== undefined) view.setUint16(at + 6, spec.mtu & 0xffff);
  if (spec.pointer !== undefined) out[at + 4] = spec.pointer & 0xff;
  out.set(quote, at + ICMP_HEADER);
  view.setUint16(at + 2, ~fold(onesSum(out, at, out.length)) & 0xffff);
  view.setUint16(10, ipv4HeaderChecksum(out, at));
  return out;
}

/** ICMPv6 error types (RFC 4443 §3). */
export const Icmpv6Type = {
  DEST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
} as const;

/** Next header value of ICMPv6. */
export const NEXT_HEADER_ICMPV6 = 58;

/** The IPv6 minimum MTU (RFC 8200 §5): an ICMPv6 error quotes as much as keeps it within this. */
export const IPV6_MIN_MTU = 1280;

/**
 * The whole IPv6 packet of an ICMPv6 error message (RFC 4443): the IPv6 header (next header 58),
 * type, code, checksum over the IPv6 pseudo-header, the 32-bit MTU (packet too big) or pointer
 * (parameter problem), and as much of the offending packet as keeps the message within 1280 bytes.
 */
export function buildIcmpv6Error(spec: IcmpErrorSpec): Uint8Array {
  const room = IPV6_MIN_MTU - IPV6_HEADER - ICMP_HEADER;
  const quote = spec.quoted.subarray(0, Math.min(spec.quoted.length, room));
  const icmpLength = ICMP_HEADER + quote.length;
  const out = new Uint8Array(IPV6_HEADER + icmpLength);
  const view = new DataView(out.buffer);
  const at = emitIpv6Header({ src: spec.src, dst: spec.dst, protocol: NEXT_HEADER_ICMPV6, hopLimit: spec.ttl ?? 64 }, icmpLength, out, 0, view);
  out[at] = spec.type & 0xff;
  out[at + 1] = spec.code & 0xff;
  if (spec.mtu !== undefined) view.setUint32(at + 4, spec.mtu >>> 0);
  if (spec.pointer !== undefined) view.setUint32(at + 4, spec.pointer >>> 0);
  out.set(quote, at + ICMP_HEADER);
  const pseudo = pseudoHeaderSum(out.subarray(8, 24), out.subarray(24, 40), NEXT_HEADER_ICMPV6, icmpLength);
  view.setUint16(at + 2, ~fold(onesSum(out, at, out.length, pseudo)) & 0xffff);
  return out;
}

/** An ICMP error about a packet of either family: ICMPv4 for an IPv4 destination, ICMPv6 (the types of RFC 4443) for IPv6. */
export function buildIcmpErrorFor(spec: IcmpErrorSpec): Uint8Array {
  return spec.dst.includes(':') ? buildIcmpv6Error(spec) : buildIcmpError(spec);
}
