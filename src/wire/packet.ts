/**
 * Whole packets: an IPv4 or IPv6 header (with its extension headers), a TCP header and a payload,
 * built into bytes or decoded from bytes (optionally behind a link-layer header, see ./link.ts).
 * Building computes every derived field the caller left `'auto'` and writes the checksums last,
 * once; it never mutates its input. The family follows the addresses: a spec whose destination is
 * an IPv6 address builds IPv6.
 */
import { tcpChecksum, verifyTcpChecksum, type ChecksumStatus } from './checksum.js';
import { copyBytes, invalid, NO_BYTES, ok, shift, truncated, type Parsed } from './errors.js';
import { FAMILY, familyOfPacket, familyOfSpec, type FamilyTraits } from './family.js';
import { Ipv4Field, parseIpv4Header, PROTO_TCP, type Ipv4Header, type Ipv4Spec } from './ipv4.js';
import { fragmentOf, IPV6_HEADER, Ipv6Field, NextHeader, parseIpv6Header, type Ipv6Header, type Ipv6Spec } from './ipv6.js';
import { ipOffset } from './link.js';
import { emitTcpHeader, parseTcpHeader, TcpField, tcpHeaderLength, type TcpHeader, type TcpSpec } from './tcp.js';

/** An IP header to build: IPv4, or IPv6 when the destination is an IPv6 address. */
export type IpSpec = Ipv4Spec | Ipv6Spec;

/** A decoded IP header: IPv4, or IPv6 (which has `flowLabel`). */
export type IpHeader = Ipv4Header | Ipv6Header;

/** True for an IPv6 spec (its destination is an IPv6 address). */
export function isIpv6Spec(ip: IpSpec): ip is Ipv6Spec {
  return familyOfSpec(ip) === 6;
}

/** True for a decoded IPv6 header. */
export function isIpv6Header(ip: IpHeader): ip is Ipv6Header {
  return 'flowLabel' in ip;
}

/** Bytes from the start of the IP header to the TCP header. */
export function ipHeaderBytes(ip: IpHeader): number {
  return isIpv6Header(ip) ? ip.headerLength : ip.ihl * 4;
}

/** Everything needed to build one IPv4/TCP or IPv6/TCP packet. */
export interface PacketSpec {
  readonly ip: IpSpec;
  readonly tcp: TcpSpec;
  /** Default empty. */
  readonly payload?: Uint8Array;
}

/** A decoded IPv4/TCP or IPv6/TCP packet. */
export interface Packet {
  readonly ip: IpHeader;
  readonly tcp: TcpHeader;
  readonly payload: Uint8Array;
  /** The IP packet's bytes, trimmed to its total (IPv4) or payload (IPv6) length: link padding removed. */
  readonly bytes: Uint8Array;
}

// Packets are carved out of shared slabs: allocating a small ArrayBuffer per packet costs more
// than building the packet. Every byte of a packet is written by the builder (nothing relies on
// zero-filled memory), and each packet owns its range of the slab.
const SLAB_SIZE = 64 * 1024;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

function allocate(length: number): Uint8Array {
  if (length > SLAB_SIZE / 4) return new Uint8Array(length);
  if (slabUsed + length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, length);
  slabUsed += (length + 7) & ~7;
  return out;
}

/**
 * Builds the bytes of an IPv4/TCP or IPv6/TCP packet (the family follows the addresses, see
 * {@link isIpv6Spec}). Checksums marked `'auto'` are computed after every other byte.
 */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const payload = spec.payload ?? NO_BYTES;
  return isIpv6Spec(spec.ip) ? buildWith(FAMILY[6], spec.ip, spec.tcp, payload) : buildWith(FAMILY[4], spec.ip, spec.tcp, payload);
}

/** The one packet builder: the family's header, the TCP header, the payload; then the TCP checksum, then what the family's header needs last. */
function buildWith<S extends IpSpec, H>(family: FamilyTraits<S, H>, ip: S, tcp: TcpSpec, payload: Uint8Array): Uint8Array {
  const ipLength = family.headerLength(ip);
  const tcpLength = tcpHeaderLength(tcp);
  const buf = allocate(ipLength + tcpLength + payload.length);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  family.emit(ip, tcpLength + payload.length, buf, 0, view);
  emitTcpHeader(tcp, buf, ipLength, view, tcpLength);
  if (payload.length) buf.set(payload, ipLength + tcpLength);
  // A checksum one bit off the right one can never verify (the ones'-complement sum then
  // misses 0xffff by exactly one), unlike a fixed wrong number, which is right once in 65536.
  if (typeof tcp.checksum !== 'number') {
    view.setUint16(ipLength + TcpField.CHECKSUM, tcpChecksum(buf, ipLength) ^ (tcp.checksum === 'bad' ? 1 : 0));
  }
  family.finish(buf, ipLength, ip, view);
  return buf;
}

/**
 * Decodes an IPv4/TCP or IPv6/TCP packet (by the version nibble). Bytes past the IPv4 total
 * length or the IPv6 payload length (link padding) are ignored; fewer is `truncated`. Non-TCP
 * and non-first fragments are `unsupported`. Checksums are not checked here: see
 * {@link verifyChecksums}. Never throws.
 */
export function parsePacket(bytes: Uint8Array): Parsed<Packet> {
  if (familyOfPacket(bytes) === 6) return parseIpv6Packet(bytes);
  const ipr = parseIpv4Header(bytes);
  if (!ipr.ok) return ipr;
  const ip = ipr.value;
  if (ip.totalLength > bytes.length) return truncated('ipv4', 'totalLength', Ipv4Field.TOTAL_LENGTH, ip.totalLength, bytes.length);
  if (ip.protocol !== PROTO_TCP) return invalid('unsupported', 'ipv4', 'protocol', Ipv4Field.PROTOCOL, `IP protocol ${ip.protocol} is not TCP (6)`);
  if (ip.fragmentOffset !== 0) {
    return invalid('unsupported', 'ipv4', 'fragmentOffset', Ipv4Field.FLAGS_FRAGMENT, `IPv4 fragment at offset ${ip.fragmentOffset * 8} carries no TCP header`);
  }
  const packetBytes = bytes.subarray(0, ip.totalLength);
  const start = ip.ihl * 4;
  const tcpr = shift(parseTcpHeader(packetBytes.subarray(start)), start);
  if (!tcpr.ok) return tcpr;
  const tcp = tcpr.value;
  return ok({ ip, tcp, payload: copyBytes(packetBytes, start + tcp.dataOffset * 4), bytes: packetBytes });
}

function parseIpv6Packet(bytes: Uint8Array): Parsed<Packet> {
  const ipr = parseIpv6Header(bytes);
  if (!ipr.ok) return ipr;
  const ip = ipr.value;
  const total = IPV6_HEADER + ip.payloadLength;
  if (total > bytes.length) return truncated('ipv6', 'payloadLength', Ipv6Field.PAYLOAD_LENGTH, total, bytes.length);
  const frag = ip.extensions.find((e) => e.type === NextHeader.FRAGMENT);
  if (frag && fragmentOf(frag).offset !== 0) return invalid('unsupported', 'ipv6', 'fragmentOffset', IPV6_HEADER, `IPv6 fragment at offset ${fragmentOf(frag).offset * 8} carries no TCP header`);
  if (ip.protocol !== PROTO_TCP) return invalid('unsupported', 'ipv6', 'nextHeader', Ipv6Field.NEXT_HEADER, `IPv6 next header ${ip.protocol} is not TCP (6)`);
  const packetBytes = bytes.subarray(0, total);
  const start = ip.headerLength;
  const tcpr = shift(parseTcpHeader(packetBytes.subarray(start)), start);
  if (!tcpr.ok) return tcpr;
  const tcp = tcpr.value;
  return ok({ ip, tcp, payload: copyBytes(packetBytes, start + tcp.dataOffset * 4), bytes: packetBytes });
}

/**
 * Decodes a packet tcpcraft built itself. A length field written wrong on purpose (IPv4 total
 * length, IPv6 payload length) would make {@link parsePacket} stop; here the rest is decoded as
 * if the field were right, and the field keeps its written value (`bytes` are the packet as
 * built, so a capture of it shows the lie).
 */
export function parseOwnPacket(bytes: Uint8Array): Parsed<Packet> {
  const first = parsePacket(bytes);
  if (first.ok) return first;
  const family = FAMILY[familyOfPacket(bytes) ?? 4];
  if (bytes.length < family.minHeader) return first;
  const copy = bytes.slice();
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  const written = view.getUint16(family.lengthOffset);
  view.setUint16(family.lengthOffset, copy.length - family.lengthExcludes);
  const again = parsePacket(copy);
  if (!again.ok) return first;
  return ok({ ...again.value, ip: { ...again.value.ip, [family.lengthKey]: written } as IpHeader, bytes });
}

/** The destination address of a built IP packet (IPv4 or IPv6, by its version nibble). */
export function packetDestination(packet: Uint8Array): string {
  const family = FAMILY[familyOfPacket(packet) ?? 4];
  return family.formatAddress(packet, family.dstOffset);
}

/** Checksum verdicts for one packet. */
export interface ChecksumReport {
  /** The IPv4 header checksum; `none` for IPv6, which has none. */
  readonly ip: ChecksumStatus;
  readonly tcp: ChecksumStatus;
}

/** Verifies the checksums of a decoded packet (a query only: nothing is dropped for a bad sum). */
export function verifyChecksums(packet: Packet): ChecksumReport {
  const family = FAMILY[isIpv6Header(packet.ip) ? 6 : 4];
  return { ip: family.verifyHeader(packet.bytes), tcp: verifyTcpChecksum(packet.bytes, ipHeaderBytes(packet.ip)) };
}

/** A decoded frame: where the IP packet starts and the packet itself. */
export interface Frame {
  readonly linkType: number;
  /** Length of the link-layer header that was skipped. */
  readonly linkHeaderLength: number;
  readonly packet: Packet;
}

/** Decodes a captured frame of `linkType` down to its IPv4/TCP or IPv6/TCP packet. Never throws. */
export function parseFrame(frame: Uint8Array, linkType: number): Parsed<Frame> {
  const at = ipOffset(frame, linkType);
  if (!at.ok) return at;
  const pr = shift(parsePacket(frame.subarray(at.value)), at.value);
  if (!pr.ok) return pr;
  return ok({ linkType, linkHeaderLength: at.value, packet: pr.value });
}
