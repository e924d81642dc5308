/**
 * TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018, RFC 7413), declared once in {@link OPTION_KINDS}:
 * one entry per kind gives its code, its fields (which scenario validation, matching and notation
 * read), its codec (length, emit, decode: written out per kind, as the hot path of every packet),
 * the lengths it is decoded at, its tcpdump text and what the model peer sends for it. Every layer reads this table, so a new kind is one entry
 * here (plus a DSL helper in src/scenario/dsl.ts for authors).
 *
 * Decoding is faithful: an option of a kind tcpcraft does not know, or a known kind at a length
 * its entry does not accept, is kept as `{ kind: 'unknown', code, data }` so that re-encoding gives
 * back the same bytes. Building is not normalising: any value of a known kind is emitted as given.
 */
import { invalid, ok, truncated, type Parsed } from './errors.js';

/** A SACK block `[left, right)` in raw sequence numbers. */
export type SackBlock = readonly [left: number, right: number];

/** One decoded TCP option. */
export type TcpOption =
  | { readonly kind: 'eol' }
  | { readonly kind: 'nop' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'wscale'; readonly shift: number }
  | { readonly kind: 'sackOk' }
  | { readonly kind: 'sack'; readonly blocks: readonly SackBlock[] }
  | { readonly kind: 'timestamp'; readonly tsval: number; readonly tsecr: number }
  | { readonly kind: 'fastOpen'; readonly cookie: Uint8Array }
  | { readonly kind: 'unknown'; readonly code: number; readonly data: Uint8Array };

/** Names of the kinds tcpcraft decodes (everything but `unknown`). */
export type KnownOptionKind = Exclude<TcpOption['kind'], 'unknown'>;

/**
 * How one field of an option is laid out after the kind and length bytes: an unsigned integer
 * (`u8`, `u16`, `u32`, big-endian), SACK blocks (pairs of u32 sequence numbers filling the rest of
 * the option) or bytes (the rest of the option).
 */
export type OptionFieldType = 'u8' | 'u16' | 'u32' | 'blocks' | 'bytes';

/** One field of an option kind. */
export interface OptionField {
  /** Property name in {@link TcpOption}. */
  readonly name: string;
  readonly type: OptionFieldType;
  /** Word used for it in diagnostics (`TS val 1 ecr 0`); default none. */
  readonly label?: string;
  /** A send may give it as a captured value (`use('tsval')`). */
  readonly ref?: boolean;
  /** For `blocks`: how many (min, max). For `bytes`: most bytes. */
  readonly max?: number;
  readonly min?: number;
}

/** Everything tcpcraft knows about one option kind. */
export interface OptionKindDef {
  readonly kind: KnownOptionKind;
  /** IANA "TCP Option Kind Numbers". */
  readonly code: number;
  /** The document that defines it. */
  readonly rfc: string;
  /** EOL and NOP are one byte, without a length byte. */
  readonly single?: boolean;
  /** Fields after kind and length, in wire order. */
  readonly fields: readonly OptionField[];
  /** Total lengths (kind and length bytes included) at which a received option decodes as this kind. */
  readonly fits: (len: number) => boolean;
  /** Encoded length, kind and length bytes included. */
  readonly length: (o: TcpOption) => number;
  /** Writes the option's fields (after kind and length) at `at`. */
  readonly emit: (o: TcpOption, buf: Uint8Array, view: DataView, at: number) => void;
  /** Reads an option of total length `len` (accepted by `fits`) whose kind byte is at `at`. */
  readonly decode: (bytes: Uint8Array, view: DataView, at: number, len: number) => TcpOption;
  /** tcpdump's text for it (`mss 1460`, `sackOK`, `TS val 1 ecr 2`, `tfo cookiereq`). */
  readonly format: (o: TcpOption) => string;
  /** What the model peer sends when an expectation asks for this kind without values. */
  readonly sample: TcpOption;
  /** NOPs the model peer writes in front of it (as Linux aligns wscale and SACK). */
  readonly pad: number;
  /** Where the model peer puts it in its option list (Linux's SYN order: mss, sackOK, TS, wscale). */
  readonly rank: number;
}

const u32s = (o: TcpOption, name: string): number => (o as unknown as Record<string, number>)[name]!;
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
type Of<K extends TcpOption['kind']> = Extract<TcpOption, { kind: K }>;
const nothing = (): void => undefined;
const EOL: TcpOption = { kind: 'eol' };
const NOP: TcpOption = { kind: 'nop' };
const SACK_OK: TcpOption = { kind: 'sackOk' };

/** The table: one entry per option kind tcpcraft decodes. */
export const OPTION_KINDS: Readonly<Record<KnownOptionKind, OptionKindDef>> = {
  eol: { kind: 'eol', code: 0, rfc: 'RFC 9293', single: true, fields: [], fits: () => true, length: () => 1, emit: nothing, decode: () => EOL, format: () => 'eol', sample: EOL, pad: 0, rank: 0 },
  nop: { kind: 'nop', code: 1, rfc: 'RFC 9293', single: true, fields: [], fits: () => true, length: () => 1, emit: nothing, decode: () => NOP, format: () => 'nop', sample: NOP, pad: 0, rank: 0 },
  mss: {
    kind: 'mss',
    code: 2,
    rfc: 'RFC 9293 §3.7.1',
    fields: [{ name: 'value', type: 'u16' }],
    fits: (len) => len === 4,
    length: () => 4,
    emit: (o, _b, view, at) => view.setUint16(at, (o as Of<'mss'>).value),
    decode: (_b, view, at) => ({ kind: 'mss', value: view.getUint16(at + 2) }),
    format: (o) => `mss ${u32s(o, 'value')}`,
    sample: { kind: 'mss', value: 1460 },
    pad: 0, rank: 1,
  },
  wscale: {
    kind: 'wscale',
    code: 3,
    rfc: 'RFC 7323 §2',
    fields: [{ name: 'shift', type: 'u8' }],
    fits: (len) => len === 3,
    length: () => 3,
    emit: (o, buf, _v, at) => void (buf[at] = (o as Of<'wscale'>).shift),
    decode: (bytes, _v, at) => ({ kind: 'wscale', shift: bytes[at + 2]! }),
    format: (o) => `wscale ${u32s(o, 'shift')}`,
    sample: { kind: 'wscale', shift: 7 },
    pad: 1, rank: 4,
  },
  sackOk: { kind: 'sackOk', code: 4, rfc: 'RFC 2018 §2', fields: [], fits: (len) => len === 2, length: () => 2, emit: nothing, decode: () => SACK_OK, format: () => 'sackOK', sample: SACK_OK, pad: 0, rank: 2 },
  sack: {
    kind: 'sack',
    code: 5,
    rfc: 'RFC 2018 §3',
    fields: [{ name: 'blocks', type: 'blocks', min: 1, max: 4 }],
    fits: (len) => len >= 10 && (len - 2) % 8 === 0,
    length: (o) => 2 + 8 * (o as Of<'sack'>).blocks.length,
    emit: (o, _b, view, at) => {
      for (const [l, r] of (o as Of<'sack'>).blocks) {
        view.setUint32(at, l);
        view.setUint32(at + 4, r);
        at += 8;
      }
    },
    decode: (_b, view, at, len) => {
      const blocks: SackBlock[] = [];
      for (let p = at + 2; p < at + len; p += 8) blocks.push([view.getUint32(p), view.getUint32(p + 4)]);
      return { kind: 'sack', blocks };
    },
    format: (o) => {
      const blocks = (o as Extract<TcpOption, { kind: 'sack' }>).blocks;
      return `sack ${blocks.length} ${blocks.map(([l, r]) => `{${l}:${r}}`).join('')}`;
    },
    sample: { kind: 'sack', blocks: [[1, 2]] },
    pad: 2, rank: 5,
  },
  timestamp: {
    kind: 'timestamp',
    code: 8,
    rfc: 'RFC 7323 §3',
    fields: [
      { name: 'tsval', type: 'u32', label: 'val', ref: true },
      { name: 'tsecr', type: 'u32', label: 'ecr', ref: true },
    ],
    fits: (len) => len === 10,
    length: () => 10,
    emit: (o, _b, view, at) => {
      view.setUint32(at, (o as Of<'timestamp'>).tsval);
      view.setUint32(at + 4, (o as Of<'timestamp'>).tsecr);
    },
    decode: (_b, view, at) => ({ kind: 'timestamp', tsval: view.getUint32(at + 2), tsecr: view.getUint32(at + 6) }),
    format: (o) => `TS val ${u32s(o, 'tsval')} ecr ${u32s(o, 'tsecr')}`,
    sample: { kind: 'timestamp', tsval: 1, tsecr: 0 },
    pad: 0, rank: 3,
  },
  // RFC 7413 §4.1.1: length 2 asks for a cookie; a cookie is 4 to 16 bytes (length 6 to 18).
  fastOpen: {
    kind: 'fastOpen',
    code: 34,
    rfc: 'RFC 7413 §4.1.1',
    fields: [{ name: 'cookie', type: 'bytes', label: 'cookie', max: 16, ref: true }],
    fits: (len) => len === 2 || (len >= 6 && len <= 18),
    length: (o) => 2 + (o as Of<'fastOpen'>).cookie.length,
    emit: (o, buf, _v, at) => buf.set((o as Of<'fastOpen'>).cookie, at),
    decode: (bytes, _v, at, len) => ({ kind: 'fastOpen', cookie: bytes.slice(at + 2, at + len) }),
    format: (o) => {
      const cookie = (o as Extract<TcpOption, { kind: 'fastOpen' }>).cookie;
      return cookie.length === 0 ? 'tfo cookiereq' : `tfo cookie ${hexOf(cookie)}`;
    },
    sample: { kind: 'fastOpen', cookie: new Uint8Array(0) },
    pad: 0, rank: 6,
  },
};

/** The table's entries, in code order. */
export const OPTION_KIND_LIST: readonly OptionKindDef[] = Object.values(OPTION_KINDS).sort((a, b) => a.code - b.code);

/** The kinds that carry values, in the order the model peer writes them. */
export const MODEL_OPTION_ORDER: readonly OptionKindDef[] = OPTION_KIND_LIST.filter((d) => !d.single).sort((a, b) => a.rank - b.rank);

const BY_CODE: ReadonlyMap<number, OptionKindDef> = new Map(OPTION_KIND_LIST.map((d) => [d.code, d]));

/** The entry of a kind name, or undefined for a name that is not one. */
export function optionKindDef(kind: string): OptionKindDef | undefined {
  return Object.prototype.hasOwnProperty.call(OPTION_KINDS, kind) ? OPTION_KINDS[kind as KnownOptionKind] : undefined;
}

/** The option kind number of `o`. */
export function optionCode(o: TcpOption): number {
  return o.kind === 'unknown' ? o.code : OPTION_KINDS[o.kind].code;
}

/** Encoded length in bytes of one option. */
export function optionLength(opt: TcpOption): number {
  return opt.kind === 'unknown' ? 2 + opt.data.length : OPTION_KINDS[opt.kind].length(opt);
}

/** Encoded length of a list of options, before padding to a 4-byte boundary. */
export function optionsLength(options: readonly TcpOption[]): number {
  let n = 0;
  for (const o of options) n += optionLength(o);
  return n;
}

/** Writes `options` into `buf` at `offset`; returns the offset after the last byte written. */
export function emitOptions(options: readonly TcpOption[], buf: Uint8Array, offset: number, view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)): number {
  let at = offset;
  for (const o of options) {
    if (o.kind === 'unknown') {
      buf[at] = o.code;
      buf[at + 1] = 2 + o.data.length;
      buf.set(o.data, at + 2);
      at += 2 + o.data.length;
      continue;
    }
    const def = OPTION_KINDS[o.kind];
    const len = def.length(o);
    buf[at] = def.code;
    if (!def.single) {
      buf[at + 1] = len;
      def.emit(o, buf, view, at + 2);
    }
    at += len;
  }
  return at;
}

/** Encodes `options` without padding. */
export function encodeOptions(options: readonly TcpOption[]): Uint8Array {
  const buf = new Uint8Array(optionsLength(options));
  emitOptions(options, buf, 0);
  return buf;
}

/**
 * Decodes the option area of a TCP header. Stops at EOL (bytes after it are padding and are not
 * returned as options). A length byte below 2 or running past the area is `malformed`; an area
 * ending inside a kind/length pair is `truncated`. Offsets are relative to the option area.
 */
export function parseOptions(bytes: Uint8Array): Parsed<TcpOption[]> {
  const out: TcpOption[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const code = bytes[at]!;
    if (code === OPTION_KINDS.eol.code) {
      out.push({ kind: 'eol' });
      break;
    }
    if (code === OPTION_KINDS.nop.code) {
      out.push({ kind: 'nop' });
      at += 1;
      continue;
    }
    if (at + 1 >= bytes.length) return truncated('tcp-option', 'length', at + 1, 2, bytes.length - at);
    const len = bytes[at + 1]!;
    if (len < 2) return invalid('malformed', 'tcp-option', 'length', at + 1, `TCP option kind ${code} has length ${len} < 2`);
    if (at + len > bytes.length) {
      return invalid('malformed', 'tcp-option', 'length', at + 1, `TCP option kind ${code} length ${len} runs past the option area (${bytes.length - at} bytes left)`);
    }
    out.push(decodeOne(code, len, view, bytes, at));
    at += len;
  }
  return ok(out);
}

function decodeOne(code: number, len: number, view: DataView, bytes: Uint8Array, at: number): TcpOption {
  const def = BY_CODE.get(code);
  if (!def || def.single || !def.fits(len)) return { kind: 'unknown', code, data: bytes.slice(at + 2, at + len) };
  return def.decode(bytes, view, at, len);
}

/**
 * What is wrong with an option area as a sender must build it, or undefined when nothing is:
 * every kind but EOL and NOP carries a length of at least 2 that fits (RFC 9293 MUST-68), and
 * everything after an EOL is zero padding (MUST-69). Byte offsets count from the first option byte.
 */
export function optionAreaProblem(bytes: Uint8Array): string | undefined {
  let at = 0;
  while (at < bytes.length) {
    const code = bytes[at]!;
    if (code === OPTION_KINDS.eol.code) {
      const rest = bytes.subarray(at + 1);
      const bad = rest.findIndex((b) => b !== 0);
      return bad < 0 ? undefined : `padding byte ${at + 1 + bad} after EOL is 0x${rest[bad]!.toString(16).padStart(2, '0')}, not zero`;
    }
    if (code === OPTION_KINDS.nop.code) {
      at += 1;
      continue;
    }
    if (at + 1 >= bytes.length) return `option kind ${code} at byte ${at} has no length byte`;
    const len = bytes[at + 1]!;
    if (len < 2) return `option kind ${code} at byte ${at} has length ${len} < 2`;
    if (at + len > bytes.length) return `option kind ${code} at byte ${at} (length ${len}) runs past the option area`;
    at += len;
  }
  return undefined;
}

/** tcpdump-style text for one option, e.g. `mss 1460`, `wscale 8`, `sackOK`, `TS val 1 ecr 0`. */
export function formatOption(o: TcpOption): string {
  return o.kind === 'unknown' ? `opt-${o.code}:${hexOf(o.data)}` : OPTION_KINDS[o.kind].format(o);
}

/** tcpdump-style list, e.g. `mss 1460,nop,wscale 8,nop,nop,sackOK`. */
export function formatOptions(options: readonly TcpOption[]): string {
  return options.map(formatOption).join(',');
}

/** `o` with every sequence-number field (SACK edges) passed through `f`. */
export function mapOptionSeq(o: TcpOption, f: (n: number) => number): TcpOption {
  if (o.kind === 'unknown') return o;
  const def = OPTION_KINDS[o.kind];
  if (!def.fields.some((x) => x.type === 'blocks')) return o;
  const out: Record<string, unknown> = { ...o };
  for (const x of def.fields) if (x.type === 'blocks') out[x.name] = (out[x.name] as readonly SackBlock[]).map(([l, r]): SackBlock => [f(l), f(r)]);
  return out as unknown as TcpOption;
}
