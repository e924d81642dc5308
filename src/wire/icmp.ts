/**
 * ICMPv4 error messages about a TCP segment (RFC 792; the next-hop MTU of "fragmentation needed"
 * from RFC 1191), as a router on the path or the destination host would send them: an IPv4
 * header (protocol 1), the ICMP header, and the start of the offending datagram: its IP header and
 * the first 8 bytes of its payload, enough for the TCP ports and sequence number (RFC 792).
 */
import { fold, ipv4HeaderChecksum, onesSum } from './checksum.js';
import { emitIpv4Header, IPV4_MIN_HEADER } from './ipv4.js';

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
