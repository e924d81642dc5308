/**
 * Whole packets: an IPv4 header, a TCP header and a payload, built into bytes or decoded from
 * bytes (optionally behind a link-layer header, see ./link.ts). Building computes every derived field the caller
 * left `'auto'` and writes both checksums last, once; it never mutates its input.
 */
import { ipv4HeaderChecksum, tcpChecksum, verifyIpv4Checksum, verifyTcpChecksum, type ChecksumStatus } from './checksum.js';
import { copyBytes, invalid, NO_BYTES, ok, shift, truncated, type Parsed } from './errors.js';
import { emitIpv4Header, Ipv4Field, ipv4HeaderLength, parseIpv4Header, PROTO_TCP, type Ipv4Header, type Ipv4Spec } from './ipv4.js';
import { ipOffset } from './link.js';
import { emitTcpHeader, parseTcpHeader, TcpField, tcpHeaderLength, type TcpHeader, type TcpSpec } from './tcp.js';

/** Everything needed to build one IPv4/TCP packet. */
export interface PacketSpec {
  readonly ip: Ipv4Spec;
  readonly tcp: TcpSpec;
  /** Default empty. */
  readonly payload?: Uint8Array;
}

/** A decoded IPv4/TCP packet. */
export interface Packet {
  readonly ip: Ipv4Header;
  readonly tcp: TcpHeader;
  readonly payload: Uint8Array;
  /** The IPv4 packet's bytes, trimmed to its total length (link padding removed). */
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

/** Builds the bytes of an IPv4/TCP packet. Checksums marked `'auto'` are computed after every other byte. */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const payload = spec.payload ?? NO_BYTES;
  const ipLength = ipv4HeaderLength(spec.ip);
  const tcpLength = tcpHeaderLength(spec.tcp);
  const buf = allocate(ipLength + tcpLength + payload.length);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  emitIpv4Header(spec.ip, tcpLength + payload.length, buf, 0, view);
  emitTcpHeader(spec.tcp, buf, ipLength, view, tcpLength);
  if (payload.length) buf.set(payload, ipLength + tcpLength);
  // A checksum one bit off the right one can never verify (the ones'-complement sum then
  // misses 0xffff by exactly one), unlike a fixed wrong number, which is right once in 65536.
  if (typeof spec.tcp.checksum !== 'number') {
    view.setUint16(ipLength + TcpField.CHECKSUM, tcpChecksum(buf, ipLength) ^ (spec.tcp.checksum === 'bad' ? 1 : 0));
  }
  if (typeof spec.ip.checksum !== 'number') {
    view.setUint16(Ipv4Field.CHECKSUM, ipv4HeaderChecksum(buf, ipLength) ^ (spec.ip.checksum === 'bad' ? 1 : 0));
  }
  return buf;
}

/**
 * Decodes an IPv4/TCP packet. Bytes past the IPv4 total length (link padding) are ignored;
 * fewer bytes than the total length is `truncated`. Non-TCP and non-first fragments are
 * `unsupported`. Checksums are not checked here: see {@link verifyChecksums}.
 */
export function parsePacket(bytes: Uint8Array): Parsed<Packet> {
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

/** Checksum verdicts for one packet. */
export interface ChecksumReport {
  readonly ip: ChecksumStatus;
  readonly tcp: ChecksumStatus;
}

/** Verifies both checksums of a decoded packet (a query only: nothing is dropped for a bad sum). */
export function verifyChecksums(packet: Packet): ChecksumReport {
  return { ip: verifyIpv4Checksum(packet.bytes), tcp: verifyTcpChecksum(packet.bytes, packet.ip.ihl * 4) };
}

/** A decoded frame: where the IPv4 packet starts and the packet itself. */
export interface Frame {
  readonly linkType: number;
  /** Length of the link-layer header that was skipped. */
  readonly linkHeaderLength: number;
  readonly packet: Packet;
}

/** Decodes a captured frame of `linkType` down to its IPv4/TCP packet. Never throws. */
export function parseFrame(frame: Uint8Array, linkType: number): Parsed<Frame> {
  const at = ipOffset(frame, linkType);
  if (!at.ok) return at;
  const pr = shift(parsePacket(frame.subarray(at.value)), at.value);
  if (!pr.ok) return pr;
  return ok({ linkType, linkHeaderLength: at.value, packet: pr.value });
}
