/**
 * ICMP error messages about a TCP segment, as a router on the path or the destination host would
 * send them. ICMPv4 (RFC 792; the next-hop MTU of "fragmentation needed" from RFC 1191): an IPv4
 * header (protocol 1), the ICMP header, and the start of the offending datagram: its IP header and
 * the first 8 bytes of its payload, enough for the TCP ports and sequence number (RFC 792).
 * ICMPv6 (RFC 4443; "packet too big" for Path MTU Discovery, RFC 8201): as much of the offending
 * packet as fits in 1280 bytes.
 */
import { internetChecksum } from './checksum.js';
import { FAMILY, familyOfPacket, familyOfSpec, type FamilyTraits, type IcmpField, type IpFamily, type IpView } from './family.js';

/** IP protocol number of ICMP. */
export const PROTO_ICMP = FAMILY[4].icmp.protocol;

/** ICMPv4 error types a TCP must handle (RFC 9293 §3.9.2.2, RFC 1122 §4.2.3.9). */
export const IcmpType = {
  DEST_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

/** Length of the ICMP header of an error message. */
export const ICMP_HEADER = 8;

/** Byte offsets of the fields every ICMP error message starts with (the rest is the family's: see the table's `icmp`). */
export const IcmpErrorField = {
  TYPE: 0,
  CODE: 1,
  CHECKSUM: 2,
} as const;

/** What to send. */
export interface IcmpErrorSpec {
  readonly src: string;
  readonly dst: string;
  readonly type: number;
  readonly code: number;
  /** Next-hop MTU (type 3 code 4, RFC 1191; ICMPv6 packet too big). */
  readonly mtu?: number;
  /** The octet where the problem is (type 12; ICMPv6 parameter problem). */
  readonly pointer?: number;
  /** The offending packet as it was on the wire; the family decides how much of it is quoted. */
  readonly quoted: Uint8Array;
  /** Default 64. */
  readonly ttl?: number;
}

function setField(view: DataView, at: number, f: IcmpField, value: number): void {
  if (f.width === 1) view.setUint8(at + f.offset, value & 0xff);
  else if (f.width === 2) view.setUint16(at + f.offset, value & 0xffff);
  else view.setUint32(at + f.offset, value >>> 0);
}

/** The whole packet of an ICMP error message in family `t`: IP header, ICMP header, quote; the checksums last. */
function buildIcmpErrorWith<S extends { readonly src: string; readonly dst: string }, H>(t: FamilyTraits<S, H>, spec: IcmpErrorSpec): Uint8Array {
  const icmp = t.icmp;
  const quote = spec.quoted.subarray(0, icmp.quoteLength(spec.quoted));
  const icmpLength = ICMP_HEADER + quote.length;
  const header = icmp.header(spec.src, spec.dst, spec.ttl ?? 64);
  const out = new Uint8Array(t.headerLength(header) + icmpLength);
  const view = new DataView(out.buffer);
  const at = t.emit(header, icmpLength, out, 0, view);
  out[at + IcmpErrorField.TYPE] = spec.type & 0xff;
  out[at + IcmpErrorField.CODE] = spec.code & 0xff;
  if (spec.mtu !== undefined) setField(view, at, icmp.mtu, spec.mtu);
  if (spec.pointer !== undefined) setField(view, at, icmp.pointer, spec.pointer);
  out.set(quote, at + ICMP_HEADER);
  const pseudo = icmp.pseudoHeader ? t.pseudoHeaderSum(out, at, out.length, icmp.protocol) : 0;
  view.setUint16(at + IcmpErrorField.CHECKSUM, internetChecksum(out, at, out.length, pseudo));
  t.finish(out, at, header, view);
  return out;
}

/** The whole IPv4 packet of an ICMP error message, both checksums computed. */
export function buildIcmpError(spec: IcmpErrorSpec): Uint8Array {
  return buildIcmpErrorWith(FAMILY[4], spec);
}

/** ICMPv6 error types (RFC 4443 §3). */
export const Icmpv6Type = {
  DEST_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
} as const;

/** Next header value of ICMPv6. */
export const NEXT_HEADER_ICMPV6 = FAMILY[6].icmp.protocol;

/** The IPv6 minimum MTU (RFC 8200 §5): an ICMPv6 error quotes as much as keeps it within this. */
export const IPV6_MIN_MTU = FAMILY[6].minMtu;

/**
 * The whole IPv6 packet of an ICMPv6 error message (RFC 4443): the IPv6 header (next header 58),
 * type, code, checksum over the IPv6 pseudo-header, the 32-bit MTU (packet too big) or pointer
 * (parameter problem), and as much of the offending packet as keeps the message within 1280 bytes.
 */
export function buildIcmpv6Error(spec: IcmpErrorSpec): Uint8Array {
  return buildIcmpErrorWith(FAMILY[6], spec);
}

/** An ICMP error about a packet of either family: ICMPv4 for an IPv4 destination, ICMPv6 (the types of RFC 4443) for IPv6. */
export function buildIcmpErrorFor(spec: IcmpErrorSpec): Uint8Array {
  return familyOfSpec(spec) === 6 ? buildIcmpv6Error(spec) : buildIcmpError(spec);
}

/** An ICMP (or ICMPv6) error message as received: who sent it, what it says, and what it quotes. */
export interface IcmpErrorMessage {
  readonly family: IpFamily;
  /** Addresses of the message itself (its sender: a router on the path, or the destination host). */
  readonly src: string;
  readonly dst: string;
  readonly type: number;
  readonly code: number;
  /** The 32 bits after the checksum: the next-hop MTU of "fragmentation needed" / "packet too big" lives there. */
  readonly mtu: number;
  /** The quoted packet's IP header (ours, as it left). */
  readonly quoted: IpView;
  /** The quoted packet's length as its own header gives it (IPv4 total length; IPv6 40 + payload length). */
  readonly quotedLength: number;
  /** The quoted bytes after its IP header (for TCP: ports and sequence number in the first 8). */
  readonly quotedPayload: Uint8Array;
}

/**
 * Reads an ICMPv4 error (Destination Unreachable, Source Quench, Time Exceeded, Parameter
 * Problem: the types that quote a datagram, RFC 792) or an ICMPv6 error (types 1 to 4, RFC 4443
 * §3) from an IP packet. Undefined for anything else, a bad checksum, a fragment, or a quote too
 * short to name a transport header (RFC 792's 8 bytes). Never throws.
 */
export function parseIcmpError(bytes: Uint8Array): IcmpErrorMessage | undefined {
  const family = familyOfPacket(bytes);
  if (family === undefined) return undefined;
  const t = FAMILY[family];
  const outer = t.view(bytes);
  if (!outer.ok || outer.value.protocol !== t.icmp.protocol || outer.value.fragmentOffset !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = Math.min(bytes.length, view.getUint16(t.lengthOffset) + t.lengthExcludes);
  const at = outer.value.headerBytes;
  if (end - at < ICMP_HEADER) return undefined;
  const type = bytes[at + IcmpErrorField.TYPE]!;
  const code = bytes[at + IcmpErrorField.CODE]!;
  const errorTypes: readonly number[] = family === 6 ? Object.values(Icmpv6Type) : Object.values(IcmpType);
  if (!errorTypes.includes(type)) return undefined;
  const pseudo = t.icmp.pseudoHeader ? t.pseudoHeaderSum(bytes, at, end, t.icmp.protocol) : 0;
  if (internetChecksum(bytes, at, end, pseudo) !== 0) return undefined;
  const quote = bytes.subarray(at + ICMP_HEADER, end);
  const inner = quote.length && familyOfPacket(quote) === family ? t.view(quote) : undefined;
  if (!inner?.ok || quote.length < inner.value.headerBytes + 8) return undefined;
  const qview = new DataView(quote.buffer, quote.byteOffset, quote.byteLength);
  return {
    family,
    src: outer.value.src,
    dst: outer.value.dst,
    type,
    code,
    mtu: t.icmp.mtu.width === 2 ? view.getUint16(at + t.icmp.mtu.offset) : view.getUint32(at + t.icmp.mtu.offset),
    quoted: inner.value,
    quotedLength: qview.getUint16(t.lengthOffset) + t.lengthExcludes,
    quotedPayload: quote.slice(inner.value.headerBytes),
  };
}
