/**
 * The IPv6 header (RFC 8200): a plain value type, a decoder that walks the extension-header chain
 * and reports each header exactly, and an encoder in which every derived field (payload length,
 * next header, each extension's next header and length) is `'auto'` unless given, so a wrong one
 * can be sent on purpose. Addresses are text in RFC 5952 form (`fd77::2`).
 *
 * Extension headers are kept as typed raw blocks: their type (the next-header value that announced
 * them), the next-header value they carry, and their bytes as on the wire. Hop-by-hop (0),
 * routing (43), fragment (44), destination options (60) and authentication (51) are walked;
 * anything else ends the chain (TCP is 6).
 */
import { isIPv6 } from 'node:net';
import { copyBytes, invalid, ok, truncated, type Parsed } from './errors.js';
import { UsageError } from '../errors.js';

/** Byte offsets of the IPv6 header fields. */
export const Ipv6Field = {
  VERSION_CLASS_FLOW: 0,
  PAYLOAD_LENGTH: 4,
  NEXT_HEADER: 6,
  HOP_LIMIT: 7,
  SRC: 8,
  DST: 24,
  EXTENSIONS: 40,
} as const;

/** Length of the fixed IPv6 header. */
export const IPV6_HEADER = 40;

/** Next-header values tcpcraft knows by name. */
export const NextHeader = {
  HOP_BY_HOP: 0,
  TCP: 6,
  ROUTING: 43,
  FRAGMENT: 44,
  AUTH: 51,
  ICMPV6: 58,
  NONE: 59,
  DEST_OPTIONS: 60,
} as const;

/** The extension headers the decoder walks through. */
const EXTENSIONS = new Set<number>([NextHeader.HOP_BY_HOP, NextHeader.ROUTING, NextHeader.FRAGMENT, NextHeader.AUTH, NextHeader.DEST_OPTIONS]);

/** One extension header as on the wire. */
export interface Ipv6Extension {
  /** What it is: the next-header value that announced it (0, 43, 44, 51, 60). */
  readonly type: number;
  /** The next-header value it carries (its first byte). */
  readonly nextHeader: number;
  /** Its whole bytes, next-header and length bytes included. */
  readonly bytes: Uint8Array;
}

/** A decoded IPv6 header and its extension chain: every field as on the wire. */
export interface Ipv6Header {
  readonly version: number;
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  /** The fixed header's next-header field. */
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly src: string;
  readonly dst: string;
  readonly extensions: readonly Ipv6Extension[];
  /** The protocol after the last extension header (6 for TCP). */
  readonly protocol: number;
  /** Bytes from the start of the IPv6 header to the upper-layer header. */
  readonly headerLength: number;
}

/** One extension header to send. */
export interface Ipv6ExtensionSpec {
  /** Which header (0 hop-by-hop, 43 routing, 44 fragment, 60 destination options, or any number). */
  readonly type: number;
  /** Default `'auto'`: the type of the next extension, else the upper-layer protocol. */
  readonly nextHeader?: number | 'auto';
  /**
   * Default `'auto'`: the length byte the data gives ((8-byte units) - 1; for a fragment header
   * the reserved byte, 0). A number is written as given.
   */
  readonly length?: number | 'auto';
  /**
   * The bytes after the next-header and length bytes. Default: the shortest valid body (6 bytes:
   * PadN options, or a zero fragment header). Padded with zeros to a multiple of 8 in all (not
   * for a fragment header, which is 8 bytes).
   */
  readonly data?: Uint8Array;
}

/** What to write into an IPv6 header. Derived fields take `'auto'` (the default) or a number sent as is. */
export interface Ipv6Spec {
  readonly src: string;
  readonly dst: string;
  /** Default 6. */
  readonly version?: number;
  /** Default 0. */
  readonly trafficClass?: number;
  /** Default 0. */
  readonly flowLabel?: number;
  /** Default `'auto'`: extension headers + TCP segment. */
  readonly payloadLength?: number | 'auto';
  /** Default `'auto'`: the first extension's type, else `protocol`. */
  readonly nextHeader?: number | 'auto';
  /** Default 64. */
  readonly hopLimit?: number;
  /** Upper-layer protocol after the chain. Default 6 (TCP). */
  readonly protocol?: number;
  readonly extensions?: readonly Ipv6ExtensionSpec[];
}

/** True for the text of an IPv6 address (any valid form). */
export function isIpv6Text(text: string): boolean {
  return isIPv6(text);
}

/** Parses an IPv6 address (any RFC 4291 text form, no zone) into 16 bytes, or undefined. */
export function parseIpv6Address(text: string): Uint8Array | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  let t = text;
  const out = new Uint8Array(16);
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(t);
  if (v4) {
    const b = v4.slice(1).map(Number);
    t = `${t.slice(0, v4.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? (t.split('::') as [string, string]) : [t, undefined];
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const tl = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - tl.length).fill(0), ...tl];
  if (all.length !== 8) return undefined;
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** Formats 16 bytes at `offset` as RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6Address(bytes: Uint8Array, offset = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j += 1;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** The canonical (RFC 5952) text of an IPv6 address given in any form; other text unchanged. */
export function canonicalIpv6(text: string): string {
  const b = parseIpv6Address(text);
  return b ? formatIpv6Address(b) : text;
}

/** The bytes an extension spec produces (its next-header byte resolved by the caller). */
function extensionBytes(e: Ipv6ExtensionSpec, next: number): Uint8Array {
  if (e.type === NextHeader.FRAGMENT) {
    const out = new Uint8Array(8);
    out.set((e.data ?? new Uint8Array(6)).subarray(0, 6), 2);
    out[0] = next;
    out[1] = e.length === undefined || e.length === 'auto' ? 0 : e.length;
    return out;
  }
  // PadN (option 1) filling the 6 bytes of the shortest header, for options headers; zeros otherwise.
  const data = e.data ?? (e.type === NextHeader.HOP_BY_HOP || e.type === NextHeader.DEST_OPTIONS ? Uint8Array.of(1, 4, 0, 0, 0, 0) : new Uint8Array(6));
  const total = Math.ceil((2 + data.length) / 8) * 8;
  const out = new Uint8Array(total);
  out.set(data, 2);
  out[0] = next;
  out[1] = e.length === undefined || e.length === 'auto' ? total / 8 - 1 : e.length;
  return out;
}

/** The extension headers of `spec` as bytes, each with its next header resolved. */
export function ipv6ExtensionBlocks(spec: Ipv6Spec): Uint8Array[] {
  const exts = spec.extensions ?? [];
  return exts.map((e, i) => {
    const auto = i + 1 < exts.length ? exts[i + 1]!.type : (spec.protocol ?? NextHeader.TCP);
    return extensionBytes(e, e.nextHeader === undefined || e.nextHeader === 'auto' ? auto : e.nextHeader);
  });
}

/** Length in bytes of the header (with its extensions) a spec produces. */
export function ipv6HeaderLength(spec: Ipv6Spec): number {
  return IPV6_HEADER + ipv6ExtensionBlocks(spec).reduce((n, b) => n + b.length, 0);
}

/**
 * Writes the header and extensions for `spec` at `buf[offset]`; `segmentLength` is the TCP
 * segment length used for an automatic payload length. Returns the header length. Throws only on
 * an unparseable address (validation catches that earlier).
 */
export function emitIpv6Header(spec: Ipv6Spec, segmentLength: number, buf: Uint8Array, offset: number, view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)): number {
  const src = parseIpv6Address(spec.src);
  const dst = parseIpv6Address(spec.dst);
  if (!src) throw new UsageError(`invalid IPv6 source address '${spec.src}'`);
  if (!dst) throw new UsageError(`invalid IPv6 destination address '${spec.dst}'`);
  const blocks = ipv6ExtensionBlocks(spec);
  const extLength = blocks.reduce((n, b) => n + b.length, 0);
  const first = spec.extensions?.[0]?.type ?? spec.protocol ?? NextHeader.TCP;
  const word = (((spec.version ?? 6) & 0x0f) << 28) | (((spec.trafficClass ?? 0) & 0xff) << 20) | ((spec.flowLabel ?? 0) & 0xfffff);
  view.setUint32(offset + Ipv6Field.VERSION_CLASS_FLOW, word >>> 0);
  view.setUint16(offset + Ipv6Field.PAYLOAD_LENGTH, (spec.payloadLength === undefined || spec.payloadLength === 'auto' ? extLength + segmentLength : spec.payloadLength) & 0xffff);
  buf[offset + Ipv6Field.NEXT_HEADER] = spec.nextHeader === undefined || spec.nextHeader === 'auto' ? first : spec.nextHeader;
  buf[offset + Ipv6Field.HOP_LIMIT] = spec.hopLimit ?? 64;
  buf.set(src, offset + Ipv6Field.SRC);
  buf.set(dst, offset + Ipv6Field.DST);
  let at = offset + IPV6_HEADER;
  for (const b of blocks) {
    buf.set(b, at);
    at += b.length;
  }
  return at - offset;
}

/**
 * Decodes the IPv6 header at the start of `bytes` and walks its extension headers. Version other
 * than 6 is `unsupported`; an extension that runs past the payload length is `malformed`; missing
 * bytes are `truncated`. Never throws.
 */
export function parseIpv6Header(bytes: Uint8Array): Parsed<Ipv6Header> {
  if (bytes.length < 1) return truncated('ipv6', 'version', 0, IPV6_HEADER, 0);
  const version = bytes[0]! >> 4;
  if (version !== 6) return invalid('unsupported', 'ipv6', 'version', 0, `IP version ${version} is not 6`);
  if (bytes.length < IPV6_HEADER) return truncated('ipv6', 'header', bytes.length, IPV6_HEADER, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = view.getUint32(0);
  const payloadLength = view.getUint16(Ipv6Field.PAYLOAD_LENGTH);
  const end = IPV6_HEADER + payloadLength;
  const nextHeader = bytes[Ipv6Field.NEXT_HEADER]!;
  const extensions: Ipv6Extension[] = [];
  let type = nextHeader;
  let at = IPV6_HEADER;
  while (EXTENSIONS.has(type)) {
    if (extensions.length >= 16) return invalid('malformed', 'ipv6', 'extensions', at, `more than 16 IPv6 extension headers`);
    if (at + 2 > bytes.length) return truncated('ipv6', 'extension', at, at + 2, bytes.length);
    const len = type === NextHeader.FRAGMENT ? 8 : type === NextHeader.AUTH ? (bytes[at + 1]! + 2) * 4 : (bytes[at + 1]! + 1) * 8;
    if (at + len > end) return invalid('malformed', 'ipv6', 'extension', at, `IPv6 extension header ${type} of ${len} bytes at byte ${at} runs past the payload length ${payloadLength}`);
    if (at + len > bytes.length) return truncated('ipv6', 'extension', at, at + len, bytes.length);
    extensions.push({ type, nextHeader: bytes[at]!, bytes: copyBytes(bytes, at, at + len) });
    type = bytes[at]!;
    at += len;
  }
  return ok({
    version,
    trafficClass: (word >>> 20) & 0xff,
    flowLabel: word & 0xfffff,
    payloadLength,
    nextHeader,
    hopLimit: bytes[Ipv6Field.HOP_LIMIT]!,
    src: formatIpv6Address(bytes, Ipv6Field.SRC),
    dst: formatIpv6Address(bytes, Ipv6Field.DST),
    extensions,
    protocol: type,
    headerLength: at,
  });
}

/** The fragment offset (8-byte units) and M flag of a fragment extension header's bytes. */
export function fragmentOf(e: Ipv6Extension): { readonly offset: number; readonly more: boolean } {
  const v = ((e.bytes[2] ?? 0) << 8) | (e.bytes[3] ?? 0);
  return { offset: v >> 3, more: (v & 1) === 1 };
}
