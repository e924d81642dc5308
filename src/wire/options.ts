/**
 * TCP options (RFC 9293 §3.2, RFC 7323, RFC 2018). Decoding is faithful: an option of a kind
 * tcpcraft does not know, or a known kind with an unexpected length, is kept as
 * `{ kind: 'unknown', code, data }` so that re-encoding gives back the same bytes.
 */
import { invalid, ok, truncated, type Parsed } from './errors.js';

/** Option kind numbers (IANA "TCP Option Kind Numbers"). */
export const OptionCode = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WSCALE: 3,
  SACK_PERMITTED: 4,
  SACK: 5,
  TIMESTAMP: 8,
} as const;

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
  | { readonly kind: 'unknown'; readonly code: number; readonly data: Uint8Array };

/** Encoded length in bytes of one option. */
export function optionLength(opt: TcpOption): number {
  switch (opt.kind) {
    case 'eol':
    case 'nop':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sackOk':
      return 2;
    case 'sack':
      return 2 + 8 * opt.blocks.length;
    case 'timestamp':
      return 10;
    case 'unknown':
      return 2 + opt.data.length;
  }
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
    switch (o.kind) {
      case 'eol':
        buf[at++] = OptionCode.EOL;
        break;
      case 'nop':
        buf[at++] = OptionCode.NOP;
        break;
      case 'mss':
        buf[at] = OptionCode.MSS;
        buf[at + 1] = 4;
        view.setUint16(at + 2, o.value);
        at += 4;
        break;
      case 'wscale':
        buf[at] = OptionCode.WSCALE;
        buf[at + 1] = 3;
        buf[at + 2] = o.shift;
        at += 3;
        break;
      case 'sackOk':
        buf[at] = OptionCode.SACK_PERMITTED;
        buf[at + 1] = 2;
        at += 2;
        break;
      case 'sack':
        buf[at] = OptionCode.SACK;
        buf[at + 1] = 2 + 8 * o.blocks.length;
        at += 2;
        for (const [l, r] of o.blocks) {
          view.setUint32(at, l);
          view.setUint32(at + 4, r);
          at += 8;
        }
        break;
      case 'timestamp':
        buf[at] = OptionCode.TIMESTAMP;
        buf[at + 1] = 10;
        view.setUint32(at + 2, o.tsval);
        view.setUint32(at + 6, o.tsecr);
        at += 10;
        break;
      case 'unknown':
        buf[at] = o.code;
        buf[at + 1] = 2 + o.data.length;
        buf.set(o.data, at + 2);
        at += 2 + o.data.length;
        break;
    }
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
    if (code === OptionCode.EOL) {
      out.push({ kind: 'eol' });
      break;
    }
    if (code === OptionCode.NOP) {
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
  if (code === OptionCode.MSS && len === 4) return { kind: 'mss', value: view.getUint16(at + 2) };
  if (code === OptionCode.WSCALE && len === 3) return { kind: 'wscale', shift: bytes[at + 2]! };
  if (code === OptionCode.SACK_PERMITTED && len === 2) return { kind: 'sackOk' };
  if (code === OptionCode.TIMESTAMP && len === 10) {
    return { kind: 'timestamp', tsval: view.getUint32(at + 2), tsecr: view.getUint32(at + 6) };
  }
  if (code === OptionCode.SACK && len >= 10 && (len - 2) % 8 === 0) {
    const blocks: SackBlock[] = [];
    for (let p = at + 2; p < at + len; p += 8) blocks.push([view.getUint32(p), view.getUint32(p + 4)]);
    return { kind: 'sack', blocks };
  }
  return { kind: 'unknown', code, data: bytes.slice(at + 2, at + len) };
}

/** tcpdump-style text for one option, e.g. `mss 1460`, `wscale 8`, `sackOK`, `TS val 1 ecr 0`. */
export function formatOption(o: TcpOption): string {
  switch (o.kind) {
    case 'eol':
      return 'eol';
    case 'nop':
      return 'nop';
    case 'mss':
      return `mss ${o.value}`;
    case 'wscale':
      return `wscale ${o.shift}`;
    case 'sackOk':
      return 'sackOK';
    case 'sack':
      return `sack ${o.blocks.length} ${o.blocks.map(([l, r]) => `{${l}:${r}}`).join('')}`;
    case 'timestamp':
      return `TS val ${o.tsval} ecr ${o.tsecr}`;
    case 'unknown':
      return `opt-${o.code}:${Buffer.from(o.data).toString('hex')}`;
  }
}

/** tcpdump-style list, e.g. `mss 1460,nop,wscale 8,nop,nop,sackOK`. */
export function formatOptions(options: readonly TcpOption[]): string {
  return options.map(formatOption).join(',');
}
