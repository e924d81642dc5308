/**
 * The Internet checksum (RFC 1071), the only checksum code in tcpcraft. Builders call it once,
 * after every other byte of the packet is final; verification is a separate query and never a
 * reason to drop a packet.
 */
import { Ipv4Field, PROTO_TCP } from './ipv4.js';
import { Ipv6Field } from './ipv6.js';
import { finalDestinationOffset } from './route.js';
import { TcpField } from './tcp.js';

/** One's-complement sum of `bytes` as big-endian 16-bit words (odd tail padded with zero), unfolded. */
export function onesSum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

/** Folds carries into 16 bits. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum of a region whose own checksum field (2 bytes at `skip`) is taken as zero. */
function checksumSkipping(bytes: Uint8Array, start: number, end: number, skip: number, initial: number): number {
  let sum = onesSum(bytes, start, skip, initial);
  sum = onesSum(bytes, skip + 2, end, sum);
  return ~fold(sum) & 0xffff;
}

/**
 * Sum of the TCP/UDP pseudo-header: IPv4 (RFC 9293 §3.1: source, destination, zero, protocol,
 * 16-bit length) or IPv6 (RFC 8200 §8.1: source, destination, 32-bit upper-layer length, zeros,
 * next header); both sum the same way, the length's upper half being zero for IPv4.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  return onesSum(src) + onesSum(dst) + protocol + (length >>> 16) + (length & 0xffff);
}

/** A pseudo-header sum: for the upper-layer data `packet[start, end)` of IP protocol `protocol`. */
export type PseudoSum = (packet: Uint8Array, start: number, end: number, protocol: number) => number;

/** The IPv4 pseudo-header sum; the destination is the final one (the last address of a source route not yet complete). */
export const ipv4PseudoSum: PseudoSum = (packet, start, end, protocol) => {
  const dst = finalDestinationOffset(packet);
  return pseudoHeaderSum(packet.subarray(Ipv4Field.SRC, Ipv4Field.DST), packet.subarray(dst, dst + 4), protocol, end - start);
};

/** The IPv6 pseudo-header sum, over the fixed header's addresses. */
export const ipv6PseudoSum: PseudoSum = (packet, start, end, protocol) =>
  pseudoHeaderSum(packet.subarray(Ipv6Field.SRC, Ipv6Field.DST), packet.subarray(Ipv6Field.DST, Ipv6Field.EXTENSIONS), protocol, end - start);

/**
 * The TCP pseudo-header sum for the segment `packet[tcpStart, end)`, by the packet's own version
 * nibble (the family table, ./family.ts, sits above this module and points at the two sums).
 */
function tcpPseudoSum(packet: Uint8Array, tcpStart: number, end: number): number {
  return (packet[0]! >> 4 === 6 ? ipv6PseudoSum : ipv4PseudoSum)(packet, tcpStart, end, PROTO_TCP);
}

/** Checksum for an IPv4 header occupying `packet[0, headerLength)`, ignoring its current checksum field. */
export function ipv4HeaderChecksum(packet: Uint8Array, headerLength: number): number {
  return checksumSkipping(packet, 0, headerLength, Ipv4Field.CHECKSUM, 0);
}

/**
 * Checksum for the TCP segment `packet[tcpStart, end)` of an IPv4 or IPv6 packet (by its version
 * nibble), ignoring its current checksum field; the addresses are read from the IP header (an IPv4
 * source route's last address when the route is not complete). (With an IPv6 routing header the pseudo-header should carry the final destination: tcpcraft uses the
 * header's destination, which is what the receiver checks once the route is done.)
 */
export function tcpChecksum(packet: Uint8Array, tcpStart: number, end = packet.length): number {
  const pseudo = tcpPseudoSum(packet, tcpStart, end);
  return checksumSkipping(packet, tcpStart, end, tcpStart + TcpField.CHECKSUM, pseudo);
}

/** The checksum of `bytes[start, end)` whose checksum field already holds zero, with `initial` (a pseudo-header sum) added: ICMP's. */
export function internetChecksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  return ~fold(onesSum(bytes, start, end, initial)) & 0xffff;
}

/**
 * What a received checksum says.
 * - `good`: verifies.
 * - `bad`: does not verify.
 * - `offloaded`: holds only the pseudo-header sum, as Linux leaves it when the NIC (or a veth
 *   with TX checksum offload) is to fill it in later: a capture taken before that cannot be trusted.
 * - `none`: there is no such checksum (the IPv6 header has none).
 */
export type ChecksumStatus = 'good' | 'bad' | 'offloaded' | 'none';

/** Status of the IPv4 header checksum of `packet` (header length from its IHL). */
export function verifyIpv4Checksum(packet: Uint8Array): ChecksumStatus {
  const headerLength = (packet[Ipv4Field.VERSION_IHL]! & 0x0f) * 4;
  if (headerLength < Ipv4Field.OPTIONS || headerLength > packet.length) return 'bad';
  return fold(onesSum(packet, 0, headerLength)) === 0xffff ? 'good' : 'bad';
}

/** Status of the TCP checksum of the IPv4 or IPv6 `packet` whose TCP header starts at `tcpStart`. */
export function verifyTcpChecksum(packet: Uint8Array, tcpStart: number, end = packet.length): ChecksumStatus {
  if (tcpStart + TcpField.CHECKSUM + 2 > end) return 'bad';
  const pseudo = tcpPseudoSum(packet, tcpStart, end);
  if (fold(onesSum(packet, tcpStart, end, pseudo)) === 0xffff) return 'good';
  const field = (packet[tcpStart + TcpField.CHECKSUM]! << 8) | packet[tcpStart + TcpField.CHECKSUM + 1]!;
  // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum, not yet complemented.
  return field === fold(pseudo) ? 'offloaded' : 'bad';
}
