/**
 * The TCP header (RFC 9293 §3.1, RFC 3168 for ECE/CWR, RFC 3540 for NS): a plain value type,
 * a decoder that reports every field as seen (any flag combination, reserved bits, odd options),
 * and an encoder that writes a header into a caller's buffer. Checksums are filled in by
 * `packet.ts`, once, after every other byte is final.
 */
import { copyBytes, invalid, ok, shift, truncated, type Parsed, type WireError } from './errors.js';
import { emitOptions, optionsLength, parseOptions, type TcpOption } from './options.js';

/** Byte offsets of the TCP header fields, declared once. */
export const TcpField = {
  SRC_PORT: 0,
  DST_PORT: 2,
  SEQ: 4,
  ACK: 8,
  /** High nibble: data offset; low nibble: 3 reserved bits then NS. */
  OFFSET_RESERVED_NS: 12,
  FLAGS: 13,
  WINDOW: 14,
  CHECKSUM: 16,
  URGENT: 18,
  OPTIONS: 20,
} as const;

/** Window of a segment whose spec sets none: the largest unscaled window. */
export const DEFAULT_WINDOW = 0xffff;

/** Length of a TCP header without options. */
export const TCP_MIN_HEADER = 20;
/** Longest TCP header the 4-bit data offset can describe. */
export const TCP_MAX_HEADER = 60;

/** The nine TCP flag bits, as a 9-bit mask (NS is bit 8: the low bit of byte 12). */
export const Flag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;

/** A decoded TCP header: every field as it was on the wire. */
export interface TcpHeader {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** Header length in 32-bit words, as written (5..15). */
  readonly dataOffset: number;
  /** The three reserved bits between the data offset and NS (0..7). */
  readonly reserved: number;
  /** 9-bit flag mask, see {@link Flag}. */
  readonly flags: number;
  readonly window: number;
  readonly checksum: number;
  readonly urgent: number;
  /** Options decoded from {@link optionBytes}; on a decoding fault, those before it. */
  readonly options: readonly TcpOption[];
  /** The option area exactly as on the wire (including padding). */
  readonly optionBytes: Uint8Array;
  /** Set when the option area could not be fully decoded (the header itself is still valid). */
  readonly optionsError?: WireError;
}

/** What to write into a TCP header. Derived fields take `'auto'` (the default) or a number sent as is. */
export interface TcpSpec {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  /** 9-bit flag mask. */
  readonly flags: number;
  /** Default 65535. */
  readonly window?: number;
  /** Default 0. */
  readonly urgent?: number;
  /** Default 0. */
  readonly reserved?: number;
  /** Options as values (padded with zero bytes to a 4-byte boundary), or raw bytes sent as given. Default none. */
  readonly options?: readonly TcpOption[] | Uint8Array;
  /** Default `'auto'`: header length / 4. */
  readonly dataOffset?: number | 'auto';
  /**
   * Default `'auto'`: computed over pseudo-header, header and payload. `'bad'`: the computed value
   * with its lowest bit flipped, a checksum that never verifies. A number is sent as given.
   */
  readonly checksum?: number | 'auto' | 'bad';
}

/** Length of the option area a spec produces: raw bytes as given, or values padded to 4 bytes. */
export function optionAreaLength(options: TcpSpec['options']): number {
  if (options === undefined) return 0;
  if (options instanceof Uint8Array) return options.length;
  return (optionsLength(options) + 3) & ~3;
}

/** Length in bytes of the header a spec produces (20 + option area). */
export function tcpHeaderLength(spec: TcpSpec): number {
  return TCP_MIN_HEADER + optionAreaLength(spec.options);
}

/**
 * Writes the header for `spec` at `buf[offset]`, checksum field as given or zero when `'auto'`.
 * Returns the header length. The buffer must have room (see {@link tcpHeaderLength}).
 */
export function emitTcpHeader(spec: TcpSpec, buf: Uint8Array, offset: number, view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength), length = tcpHeaderLength(spec)): number {
  const dataOffset = spec.dataOffset === undefined || spec.dataOffset === 'auto' ? length / 4 : spec.dataOffset;
  view.setUint16(offset + TcpField.SRC_PORT, spec.srcPort);
  view.setUint16(offset + TcpField.DST_PORT, spec.dstPort);
  view.setUint32(offset + TcpField.SEQ, spec.seq);
  view.setUint32(offset + TcpField.ACK, spec.ack);
  buf[offset + TcpField.OFFSET_RESERVED_NS] = ((dataOffset & 0x0f) << 4) | (((spec.reserved ?? 0) & 0x07) << 1) | ((spec.flags >> 8) & 1);
  buf[offset + TcpField.FLAGS] = spec.flags & 0xff;
  view.setUint16(offset + TcpField.WINDOW, spec.window ?? DEFAULT_WINDOW);
  view.setUint16(offset + TcpField.CHECKSUM, typeof spec.checksum === 'number' ? spec.checksum : 0);
  view.setUint16(offset + TcpField.URGENT, spec.urgent ?? 0);
  const start = offset + TCP_MIN_HEADER;
  const options = spec.options;
  if (options instanceof Uint8Array) {
    buf.set(options, start);
  } else if (options !== undefined && options.length > 0) {
    const end = emitOptions(options, buf, start, view);
    buf.fill(0, end, offset + length);
  }
  return length;
}

/**
 * Decodes a TCP header from `bytes` (the TCP segment: header then payload). The header is
 * `dataOffset * 4` bytes; a data offset below 5 or beyond the segment is `malformed`, fewer
 * than 20 bytes is `truncated`. Option faults are reported in `optionsError`, not as a failure.
 */
export function parseTcpHeader(bytes: Uint8Array): Parsed<TcpHeader> {
  if (bytes.length < TCP_MIN_HEADER) return truncated('tcp', 'header', bytes.length, TCP_MIN_HEADER, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const b12 = bytes[TcpField.OFFSET_RESERVED_NS]!;
  const dataOffset = b12 >> 4;
  if (dataOffset < 5) return invalid('malformed', 'tcp', 'dataOffset', TcpField.OFFSET_RESERVED_NS, `TCP data offset ${dataOffset} < 5`);
  const headerLength = dataOffset * 4;
  if (headerLength > bytes.length) {
    return invalid('malformed', 'tcp', 'dataOffset', TcpField.OFFSET_RESERVED_NS, `TCP data offset ${dataOffset} (${headerLength} bytes) exceeds the ${bytes.length}-byte segment`);
  }
  const optionBytes = copyBytes(bytes, TCP_MIN_HEADER, headerLength);
  const parsed = shift(parseOptions(optionBytes), TCP_MIN_HEADER);
  const header: TcpHeader = {
    srcPort: view.getUint16(TcpField.SRC_PORT),
    dstPort: view.getUint16(TcpField.DST_PORT),
    seq: view.getUint32(TcpField.SEQ),
    ack: view.getUint32(TcpField.ACK),
    dataOffset,
    reserved: (b12 >> 1) & 0x07,
    flags: ((b12 & 1) << 8) | bytes[TcpField.FLAGS]!,
    window: view.getUint16(TcpField.WINDOW),
    checksum: view.getUint16(TcpField.CHECKSUM),
    urgent: view.getUint16(TcpField.URGENT),
    options: parsed.ok ? parsed.value : partialOptions(optionBytes),
    optionBytes,
    ...(parsed.ok ? {} : { optionsError: parsed.error }),
  };
  return ok(header);
}

/** The options that decode before the first fault (decoding the prefix that is well formed). */
function partialOptions(area: Uint8Array): TcpOption[] {
  for (let end = area.length - 1; end > 0; end--) {
    const r = parseOptions(area.subarray(0, end));
    if (r.ok) return r.value;
  }
  return [];
}

const LETTERS: ReadonlyArray<readonly [string, number]> = [
  ['F', Flag.FIN],
  ['S', Flag.SYN],
  ['R', Flag.RST],
  ['P', Flag.PSH],
  ['A', Flag.ACK],
  ['U', Flag.URG],
  ['E', Flag.ECE],
  ['W', Flag.CWR],
  ['N', Flag.NS],
];

/** Flag letters in tcpcraft's scenario notation: `SA`, `PA`, `FA`, `FPA`; no flags is `''`. */
export function flagLetters(flags: number): string {
  let s = '';
  for (const [letter, bit] of LETTERS) if (flags & bit) s += letter;
  return s;
}

/**
 * Parses flag letters (tcpdump's: F S R P U E W, `A` or `.` for ACK, `N` for NS) in any order.
 * Returns the mask, or an error sentence naming the bad letter.
 */
export function parseFlagLetters(text: string): { ok: true; flags: number } | { ok: false; message: string } {
  let flags = 0;
  for (const ch of text) {
    const entry = ch === '.' ? LETTERS[4] : LETTERS.find(([l]) => l === ch);
    if (!entry) {
      return { ok: false, message: `unknown flag letter '${ch}' in '${text}' (use F S R P A U E W N, e.g. 'SA', 'PA', 'FA')` };
    }
    if (flags & entry[1]) return { ok: false, message: `flag letter '${ch}' given twice in '${text}'` };
    flags |= entry[1];
  }
  return { ok: true, flags };
}

/** In Wireshark's order (bit order, FIN first), as its Info column lists them. */
const NAMES: ReadonlyArray<readonly [string, number]> = [
  ['FIN', Flag.FIN],
  ['SYN', Flag.SYN],
  ['RST', Flag.RST],
  ['PSH', Flag.PSH],
  ['ACK', Flag.ACK],
  ['URG', Flag.URG],
  ['ECE', Flag.ECE],
  ['CWR', Flag.CWR],
  ['NS', Flag.NS],
];

/**
 * Wireshark-style flag names in Wireshark's order, e.g. `SYN, ACK`, `FIN, PSH, ACK`, `ACK, URG`,
 * `SYN, ECE, CWR`; `<none>` when no flag is set. (Wireshark 4 calls NS `AE`.)
 */
export function flagNames(flags: number): string {
  const names = NAMES.filter(([, bit]) => flags & bit).map(([n]) => n);
  return names.length ? names.join(', ') : '<none>';
}

/** Sequence space a segment occupies: payload length plus one for SYN and one for FIN. */
export function segmentLength(flags: number, payloadLength: number): number {
  return payloadLength + (flags & Flag.SYN ? 1 : 0) + (flags & Flag.FIN ? 1 : 0);
}
