/**
 * The IPv4 header (RFC 791): a plain value type, a faithful decoder and an encoder. IP options
 * are kept as raw bytes. The header checksum is filled in by `packet.ts`, after every other byte.
 */
import { copyBytes, invalid, ok, truncated, type Parsed } from './errors.js';
import { UsageError } from '../errors.js';

/** Byte offsets of the IPv4 header fields, declared once. */
export const Ipv4Field = {
  VERSION_IHL: 0,
  DSCP_ECN: 1,
  TOTAL_LENGTH: 2,
  ID: 4,
  FLAGS_FRAGMENT: 6,
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: 10,
  SRC: 12,
  DST: 16,
  OPTIONS: 20,
} as const;

/** Length of an IPv4 header without options. */
export const IPV4_MIN_HEADER = 20;

/** IPv4 flag bits (the 3 bits above the fragment offset). */
export const IpFlag = {
  /** The reserved ("evil", RFC 3514) bit. */
  RESERVED: 0x4,
  DF: 0x2,
  MF: 0x1,
} as const;

/** IP protocol number of TCP. */
export const PROTO_TCP = 6;

/** A decoded IPv4 header: every field as on the wire. */
export interface Ipv4Header {
  readonly version: number;
  /** Header length in 32-bit words, as written. */
  readonly ihl: number;
  readonly dscp: number;
  readonly ecn: number;
  readonly totalLength: number;
  readonly id: number;
  /** 3 bits, see {@link IpFlag}. */
  readonly flags: number;
  /** In 8-byte units. */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  /** Dotted quad. */
  readonly src: string;
  readonly dst: string;
  /** The option area exactly as on the wire. */
  readonly options: Uint8Array;
}

/** What to write into an IPv4 header. Derived fields take `'auto'` (the default) or a number sent as is. */
export interface Ipv4Spec {
  readonly src: string;
  readonly dst: string;
  /** Default 4. */
  readonly version?: number;
  /** Default `'auto'`: header length / 4. */
  readonly ihl?: number | 'auto';
  /** Default 0. */
  readonly dscp?: number;
  /** Default 0. */
  readonly ecn?: number;
  /** Default `'auto'`: header + TCP segment. */
  readonly totalLength?: number | 'auto';
  /** Default 0. */
  readonly id?: number;
  /** Default DF (0x2), as Linux sends TCP. */
  readonly flags?: number;
  /** Default 0. */
  readonly fragmentOffset?: number;
  /** Default 64. */
  readonly ttl?: number;
  /** Default 6 (TCP). */
  readonly protocol?: number;
  /** Default `'auto'`; `'bad'` flips the lowest bit of the computed value (never verifies). */
  readonly checksum?: number | 'auto' | 'bad';
  /** Raw option bytes (should be a multiple of 4 long). Default none. */
  readonly options?: Uint8Array;
}

/** Length in bytes of the header a spec produces. */
export function ipv4HeaderLength(spec: Ipv4Spec): number {
  return IPV4_MIN_HEADER + (spec.options?.length ?? 0);
}

/** Parses a dotted-quad IPv4 address (no leading zeros) into its 32-bit value, or -1. */
function addressValue(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c === 46) {
      if (digits === 0 || parts === 4) return -1;
      value = value * 256 + part;
      parts += 1;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 48);
      digits += 1;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value : -1;
}

/** Parses a dotted-quad IPv4 address into 4 bytes, or returns undefined. */
export function parseIpv4Address(text: string): Uint8Array | undefined {
  const v = addressValue(text);
  if (v < 0) return undefined;
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

// Addresses repeat from packet to packet: remember the text of the last few, both ways.
const TEXT_CACHE_SIZE = 1024;
const textOf = new Map<number, string>();
const valueOf = new Map<string, number>();

function cachedValue(text: string): number {
  let v = valueOf.get(text);
  if (v === undefined) {
    v = addressValue(text);
    if (valueOf.size >= TEXT_CACHE_SIZE) valueOf.clear();
    valueOf.set(text, v);
  }
  return v;
}

/** Formats 4 bytes at `offset` as a dotted quad. */
export function formatIpv4Address(bytes: Uint8Array, offset = 0): string {
  const v = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  let text = textOf.get(v);
  if (text === undefined) {
    text = `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
    if (textOf.size >= TEXT_CACHE_SIZE) textOf.clear();
    textOf.set(v, text);
  }
  return text;
}

/**
 * Writes the header for `spec` at `buf[offset]`; `segmentLength` is the TCP segment length used
 * for an automatic total length. Checksum as given, or zero when `'auto'`. Returns the header
 * length. Throws only on an unparseable address (validation catches that earlier).
 */
export function emitIpv4Header(spec: Ipv4Spec, segmentLength: number, buf: Uint8Array, offset: number, view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)): number {
  const length = ipv4HeaderLength(spec);
  const ihl = spec.ihl === undefined || spec.ihl === 'auto' ? length / 4 : spec.ihl;
  const total = spec.totalLength === undefined || spec.totalLength === 'auto' ? length + segmentLength : spec.totalLength;
  const src = cachedValue(spec.src);
  const dst = cachedValue(spec.dst);
  if (src < 0) throw new UsageError(`invalid IPv4 source address '${spec.src}'`);
  if (dst < 0) throw new UsageError(`invalid IPv4 destination address '${spec.dst}'`);
  buf[offset + Ipv4Field.VERSION_IHL] = (((spec.version ?? 4) & 0x0f) << 4) | (ihl & 0x0f);
  buf[offset + Ipv4Field.DSCP_ECN] = (((spec.dscp ?? 0) & 0x3f) << 2) | ((spec.ecn ?? 0) & 0x03);
  view.setUint16(offset + Ipv4Field.TOTAL_LENGTH, total & 0xffff);
  view.setUint16(offset + Ipv4Field.ID, spec.id ?? 0);
  view.setUint16(offset + Ipv4Field.FLAGS_FRAGMENT, (((spec.flags ?? IpFlag.DF) & 0x07) << 13) | ((spec.fragmentOffset ?? 0) & 0x1fff));
  buf[offset + Ipv4Field.TTL] = spec.ttl ?? 64;
  buf[offset + Ipv4Field.PROTOCOL] = spec.protocol ?? PROTO_TCP;
  view.setUint16(offset + Ipv4Field.CHECKSUM, typeof spec.checksum === 'number' ? spec.checksum : 0);
  view.setUint32(offset + Ipv4Field.SRC, src);
  view.setUint32(offset + Ipv4Field.DST, dst);
  if (spec.options) buf.set(spec.options, offset + Ipv4Field.OPTIONS);
  return length;
}

/**
 * Decodes the IPv4 header at the start of `bytes`. Version other than 4 is `unsupported`; an IHL
 * below 5 or a total length shorter than the header is `malformed`; missing bytes are `truncated`.
 */
export function parseIpv4Header(bytes: Uint8Array): Parsed<Ipv4Header> {
  if (bytes.length < 1) return truncated('ipv4', 'version', 0, IPV4_MIN_HEADER, 0);
  const version = bytes[0]! >> 4;
  if (version !== 4) return invalid('unsupported', 'ipv4', 'version', 0, `IP version ${version} is not 4`);
  if (bytes.length < IPV4_MIN_HEADER) return truncated('ipv4', 'header', bytes.length, IPV4_MIN_HEADER, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ihl = bytes[0]! & 0x0f;
  if (ihl < 5) return invalid('malformed', 'ipv4', 'ihl', 0, `IPv4 IHL ${ihl} < 5`);
  const headerLength = ihl * 4;
  if (headerLength > bytes.length) return truncated('ipv4', 'options', IPV4_MIN_HEADER, headerLength, bytes.length);
  const totalLength = view.getUint16(Ipv4Field.TOTAL_LENGTH);
  if (totalLength < headerLength) {
    return invalid('malformed', 'ipv4', 'totalLength', Ipv4Field.TOTAL_LENGTH, `IPv4 total length ${totalLength} < header length ${headerLength}`);
  }
  const ff = view.getUint16(Ipv4Field.FLAGS_FRAGMENT);
  return ok({
    version,
    ihl,
    dscp: bytes[1]! >> 2,
    ecn: bytes[1]! & 0x03,
    totalLength,
    id: view.getUint16(Ipv4Field.ID),
    flags: ff >> 13,
    fragmentOffset: ff & 0x1fff,
    ttl: bytes[Ipv4Field.TTL]!,
    protocol: bytes[Ipv4Field.PROTOCOL]!,
    checksum: view.getUint16(Ipv4Field.CHECKSUM),
    src: formatIpv4Address(bytes, Ipv4Field.SRC),
    dst: formatIpv4Address(bytes, Ipv4Field.DST),
    options: copyBytes(bytes, IPV4_MIN_HEADER, headerLength),
  });
}
