/**
 * The IP family, in one place. Everything that differs between IPv4 and IPv6 is an entry of
 * {@link FAMILY}, keyed by 4 and 6: how long the header is and how to emit, parse and finish it,
 * the TCP/ICMP pseudo-header sum, the ethertype, the nft and libpcap words, address text, the
 * ICMP flavour and the few size figures tcpcraft relies on. The family of an address is
 * {@link familyOf}; of a packet, its version nibble ({@link familyOfPacket}).
 *
 * Code elsewhere asks this table instead of testing an address for ':' or picking constants with
 * its own ternary. (The lab's addresses are not here: they belong to the lab catalogue.)
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ipv4HeaderChecksum, ipv4PseudoSum, ipv6PseudoSum, verifyIpv4Checksum, type ChecksumStatus, type PseudoSum } from './checksum.js';
import { ok, type Parsed } from './errors.js';
import { emitIpv4Header, formatIpv4Address, Ipv4Field, ipv4HeaderLength, IPV4_MIN_HEADER, parseIpv4Address, parseIpv4Header, type Ipv4Header, type Ipv4Spec } from './ipv4.js';
import { canonicalIpv6, emitIpv6Header, formatIpv6Address, fragmentOf, IPV6_HEADER, Ipv6Field, ipv6HeaderLength, NextHeader, parseIpv6Address, parseIpv6Header, type Ipv6Header, type Ipv6Spec } from './ipv6.js';
import { EtherType } from './link.js';

/** An IP version: 4 or 6. */
export type IpFamily = 4 | 6;

/** Both families, IPv4 first. */
export const IP_FAMILIES: readonly IpFamily[] = [4, 6];

// Addresses repeat from packet to packet: remember the family of the last few (0: neither).
const FAMILY_CACHE_SIZE = 1024;
const familyCache = new Map<string, IpFamily | 0>();

/**
 * The family of an address given as text: 4 for a dotted quad, 6 for any IPv6 text (an
 * IPv4-mapped `::ffff:10.0.0.1` is IPv6 text, so 6), undefined for anything else.
 */
export function familyOf(address: string): IpFamily | undefined {
  let f = familyCache.get(address);
  if (f === undefined) {
    f = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
    if (familyCache.size >= FAMILY_CACHE_SIZE) familyCache.clear();
    familyCache.set(address, f);
  }
  return f === 0 ? undefined : f;
}

/** The family a packet announces in its version nibble, or undefined (empty, or another version). */
export function familyOfPacket(bytes: Uint8Array): IpFamily | undefined {
  if (bytes.length === 0) return undefined;
  const v = bytes[0]! >> 4;
  return v === 4 || v === 6 ? v : undefined;
}

/**
 * The family a header spec builds: its destination's, else its source's; IPv4 when neither is an
 * address (the IPv4 encoder then names the bad one).
 */
export function familyOfSpec(ip: { readonly src: string; readonly dst: string }): IpFamily {
  return familyOf(ip.dst) ?? familyOf(ip.src) ?? 4;
}

/** What any IP header says, whatever its family: addresses, the upper-layer protocol and where it starts. */
export interface IpView {
  readonly family: IpFamily;
  readonly src: string;
  readonly dst: string;
  /** The upper-layer protocol (IPv6: after the extension chain). */
  readonly protocol: number;
  /** Bytes from the start of the IP header to the upper-layer header. */
  readonly headerBytes: number;
  /** In 8-byte units; 0 for an unfragmented packet or a first fragment. */
  readonly fragmentOffset: number;
}

/** Where a field sits in the fixed part of an ICMP error message, and how wide it is. */
export interface IcmpField {
  readonly offset: number;
  readonly width: 1 | 2 | 4;
}

/** The ICMP of a family: ICMPv4 (RFC 792) or ICMPv6 (RFC 4443). */
export interface IcmpFlavour<S> {
  /** 'ICMP' or 'ICMPv6'. */
  readonly name: string;
  /** The IP protocol / next header that carries it: 1 or 58. */
  readonly protocol: number;
  /** True when its checksum covers the IP pseudo-header (ICMPv6). */
  readonly pseudoHeader: boolean;
  /** The error that carries a path MTU: "fragmentation needed" (3/4) or "packet too big" (2/0). */
  readonly tooBig: { readonly type: number; readonly code: number };
  /** Where the next-hop MTU goes. */
  readonly mtu: IcmpField;
  /** Where a parameter problem's pointer goes. */
  readonly pointer: IcmpField;
  /** How many bytes of the offending packet an error quotes. */
  quoteLength(quoted: Uint8Array): number;
  /** The IP header spec of an error message from `src` to `dst`. */
  header(src: string, dst: string, ttl: number): S;
}

/** Everything that differs between IPv4 and IPv6; `S` is the family's header spec, `H` its decoded header. */
export interface FamilyTraits<S extends { readonly src: string; readonly dst: string }, H> {
  readonly family: IpFamily;
  /** 'IPv4' or 'IPv6', for messages. */
  readonly name: string;
  /** The layer name the decoder's errors carry: 'ipv4' or 'ipv6'. */
  readonly layer: 'ipv4' | 'ipv6';
  /** Length of the fixed header: 20 or 40. */
  readonly minHeader: number;
  /** Length of an address: 4 or 16. */
  readonly addressBytes: number;
  /** Offsets of the source and destination addresses in the fixed header. */
  readonly srcOffset: number;
  readonly dstOffset: number;
  /** Offset of the 16-bit length field: IPv4's total length, IPv6's payload length. */
  readonly lengthOffset: number;
  /** What that field leaves out: 0 (IPv4 counts its header) or 40 (IPv6 leaves out the fixed header). */
  readonly lengthExcludes: number;
  /** Name of that field in the decoded header. */
  readonly lengthKey: 'totalLength' | 'payloadLength';
  /** Most bytes after a whole IP header of `headerBytes` (options or extensions included) that the length field can describe. */
  maxUpperLayer(headerBytes: number): number;
  /** Length of the header (options or extensions included) a spec produces. */
  headerLength(spec: S): number;
  /** Writes the header at `buf[offset]` (checksums zero or as given); returns its length. */
  emit(spec: S, segmentLength: number, buf: Uint8Array, offset: number, view?: DataView): number;
  /** Decodes the header at the start of `bytes`. Never throws. */
  parse(bytes: Uint8Array): Parsed<H>;
  /** The header as an {@link IpView}. Never throws. */
  view(bytes: Uint8Array): Parsed<IpView>;
  /** Fills in what the header needs once every other byte is final (IPv4: its checksum, unless given). */
  finish(packet: Uint8Array, headerLength: number, spec: S, view: DataView): void;
  /** The header's own checksum verdict: IPv4's, or `none` (IPv6 has none). */
  verifyHeader(packet: Uint8Array): ChecksumStatus;
  /** The pseudo-header sum for the upper-layer data `packet[start, end)` of `protocol`. */
  readonly pseudoHeaderSum: PseudoSum;
  /** Address text to bytes, or undefined. */
  parseAddress(text: string): Uint8Array | undefined;
  /** Address bytes at `offset` to text (dotted quad; RFC 5952 for IPv6). */
  formatAddress(bytes: Uint8Array, offset?: number): string;
  /** The canonical text of an address of this family (RFC 5952 for IPv6). */
  canonical(text: string): string;
  /** Ethernet's type for it: 0x0800 or 0x86dd. */
  readonly ethertype: number;
  /** nftables' family: 'ip' or 'ip6'. */
  readonly nft: 'ip' | 'ip6';
  /** libpcap's protocol word: 'ip' or 'ip6'. */
  readonly pcap: 'ip' | 'ip6';
  /** The dgram socket type: 'udp4' or 'udp6'. */
  readonly udp: 'udp4' | 'udp6';
  /** iproute2's family switch: '-4' or '-6'. */
  readonly ipFlag: '-4' | '-6';
  /** The address family iproute2's JSON names: 'inet' or 'inet6'. */
  readonly inet: 'inet' | 'inet6';
  /** node:net's family name (BlockList, SocketAddress): 'ipv4' or 'ipv6'. */
  readonly node: 'ipv4' | 'ipv6';
  /** How a host finds a neighbour's link address: 'ARP' or 'neighbour discovery'. */
  readonly neighbourProtocol: string;
  /** The smallest MTU a link must carry: 68 (RFC 791) or 1280 (RFC 8200 §5). */
  readonly minMtu: number;
  /** The send MSS without an MSS option: 536 (RFC 9293 §3.7.1) or 1220 (RFC 8200 §8.3). */
  readonly defaultMss: number;
  readonly icmp: IcmpFlavour<S>;
}

const IPV4: FamilyTraits<Ipv4Spec, Ipv4Header> = {
  family: 4,
  name: 'IPv4',
  layer: 'ipv4',
  minHeader: IPV4_MIN_HEADER,
  addressBytes: 4,
  srcOffset: Ipv4Field.SRC,
  dstOffset: Ipv4Field.DST,
  lengthOffset: Ipv4Field.TOTAL_LENGTH,
  lengthExcludes: 0,
  lengthKey: 'totalLength',
  maxUpperLayer: (headerBytes) => 0xffff - headerBytes,
  headerLength: ipv4HeaderLength,
  emit: emitIpv4Header,
  parse: parseIpv4Header,
  view(bytes) {
    const r = parseIpv4Header(bytes);
    if (!r.ok) return r;
    const h = r.value;
    return ok({ family: 4, src: h.src, dst: h.dst, protocol: h.protocol, headerBytes: h.ihl * 4, fragmentOffset: h.fragmentOffset });
  },
  finish(packet, headerLength, spec, view) {
    // A checksum one bit off the right one can never verify (the ones'-complement sum then misses
    // 0xffff by exactly one), unlike a fixed wrong number, which is right once in 65536.
    if (typeof spec.checksum !== 'number') view.setUint16(Ipv4Field.CHECKSUM, ipv4HeaderChecksum(packet, headerLength) ^ (spec.checksum === 'bad' ? 1 : 0));
  },
  verifyHeader: verifyIpv4Checksum,
  pseudoHeaderSum: ipv4PseudoSum,
  parseAddress: parseIpv4Address,
  formatAddress: formatIpv4Address,
  canonical: (text) => text,
  ethertype: EtherType.IPV4,
  nft: 'ip',
  pcap: 'ip',
  udp: 'udp4',
  ipFlag: '-4',
  inet: 'inet',
  node: 'ipv4',
  neighbourProtocol: 'ARP',
  minMtu: 68,
  defaultMss: 536,
  icmp: {
    name: 'ICMP',
    protocol: 1,
    pseudoHeader: false,
    tooBig: { type: 3, code: 4 },
    mtu: { offset: 6, width: 2 },
    pointer: { offset: 4, width: 1 },
    // The offending datagram's header and the first 8 bytes of its payload (RFC 792).
    quoteLength(quoted) {
      const ihl = quoted.length > 0 ? (quoted[Ipv4Field.VERSION_IHL]! & 0x0f) * 4 : 0;
      return Math.min(quoted.length, Math.max(ihl, IPV4_MIN_HEADER) + 8);
    },
    // No DF and id 0: the kernel's raw socket fills in the identification, as for its own ICMP.
    header: (src, dst, ttl) => ({ src, dst, protocol: 1, flags: 0, ttl }),
  },
};

const IPV6: FamilyTraits<Ipv6Spec, Ipv6Header> = {
  family: 6,
  name: 'IPv6',
  layer: 'ipv6',
  minHeader: IPV6_HEADER,
  addressBytes: 16,
  srcOffset: Ipv6Field.SRC,
  dstOffset: Ipv6Field.DST,
  lengthOffset: Ipv6Field.PAYLOAD_LENGTH,
  lengthExcludes: IPV6_HEADER,
  lengthKey: 'payloadLength',
  maxUpperLayer: (headerBytes) => 0xffff - (headerBytes - IPV6_HEADER),
  headerLength: ipv6HeaderLength,
  emit: emitIpv6Header,
  parse: parseIpv6Header,
  view(bytes) {
    const r = parseIpv6Header(bytes);
    if (!r.ok) return r;
    const h = r.value;
    const frag = h.extensions.find((e) => e.type === NextHeader.FRAGMENT);
    return ok({ family: 6, src: h.src, dst: h.dst, protocol: h.protocol, headerBytes: h.headerLength, fragmentOffset: frag ? fragmentOf(frag).offset : 0 });
  },
  finish() {
    // No header checksum in IPv6.
  },
  verifyHeader: () => 'none',
  pseudoHeaderSum: ipv6PseudoSum,
  parseAddress: parseIpv6Address,
  formatAddress: formatIpv6Address,
  canonical: canonicalIpv6,
  ethertype: EtherType.IPV6,
  nft: 'ip6',
  pcap: 'ip6',
  udp: 'udp6',
  ipFlag: '-6',
  inet: 'inet6',
  node: 'ipv6',
  neighbourProtocol: 'neighbour discovery',
  minMtu: 1280,
  defaultMss: 1220,
  icmp: {
    name: 'ICMPv6',
    protocol: NextHeader.ICMPV6,
    pseudoHeader: true,
    tooBig: { type: 2, code: 0 },
    mtu: { offset: 4, width: 4 },
    pointer: { offset: 4, width: 4 },
    // As much of the offending packet as keeps the message within the minimum MTU (RFC 4443 §2.4).
    quoteLength: (quoted) => Math.min(quoted.length, 1280 - IPV6_HEADER - 8),
    header: (src, dst, hopLimit) => ({ src, dst, protocol: NextHeader.ICMPV6, hopLimit }),
  },
};

/** The table: what differs between IPv4 and IPv6, keyed by family. */
export const FAMILY: { readonly 4: FamilyTraits<Ipv4Spec, Ipv4Header>; readonly 6: FamilyTraits<Ipv6Spec, Ipv6Header> } = { 4: IPV4, 6: IPV6 };

/**
 * The {@link IpView} of the IP header at the start of `bytes`, by its version nibble (any version
 * but 6 is read as IPv4, whose decoder then says what is wrong). Never throws.
 */
export function parseIpView(bytes: Uint8Array): Parsed<IpView> {
  return FAMILY[familyOfPacket(bytes) ?? 4].view(bytes);
}
