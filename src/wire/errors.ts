/**
 * Typed parse results. Parsers in `src/wire/` never throw on bad input: they return a
 * {@link WireError} naming the layer, the field and the byte offset where decoding stopped.
 */

/** The protocol layer a wire error belongs to. */
export type Layer = 'link' | 'ipv4' | 'ipv6' | 'tcp' | 'tcp-option' | 'pcap';

/**
 * Why decoding stopped.
 * - `truncated`: the bytes end before the field does (more bytes would help).
 * - `malformed`: the bytes are all there but contradict themselves (no amount of bytes would help).
 * - `unsupported`: well-formed, but not something tcpcraft decodes (UDP, a later fragment, ARP).
 */
export type WireErrorKind = 'truncated' | 'malformed' | 'unsupported';

/** A decoding failure, with enough detail to point at the offending byte. */
export interface WireError {
  readonly kind: WireErrorKind;
  readonly layer: Layer;
  /** Header field being decoded, e.g. `dataOffset`, `totalLength`. */
  readonly field: string;
  /** Offset in the buffer handed to the parser. */
  readonly offset: number;
  /** For `truncated`: bytes the field needs from `offset`'s layer start, and bytes available. */
  readonly needed?: number;
  readonly available?: number;
  /** One sentence with the numbers, e.g. "TCP data offset 4 < 5 at byte 12". */
  readonly message: string;
}

/** Either a decoded value or the reason it could not be decoded. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/** Wraps a decoded value. */
export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

/** A `truncated` error: `needed` bytes were required from the layer start but only `available` exist. */
export function truncated(layer: Layer, field: string, offset: number, needed: number, available: number): Parsed<never> {
  return {
    ok: false,
    error: {
      kind: 'truncated',
      layer,
      field,
      offset,
      needed,
      available,
      message: `${layerName(layer)} truncated in ${field} at byte ${offset}: need ${needed} bytes, have ${available}`,
    },
  };
}

/** A `malformed` or `unsupported` error with a sentence that carries the numbers. */
export function invalid(kind: 'malformed' | 'unsupported', layer: Layer, field: string, offset: number, message: string): Parsed<never> {
  return { ok: false, error: { kind, layer, field, offset, message: `${message} (${layerName(layer)} ${field}, byte ${offset})` } };
}

/** Re-bases an error from a nested parser onto an enclosing buffer. */
export function shift<T>(result: Parsed<T>, by: number): Parsed<T> {
  if (result.ok || by === 0) return result;
  return { ok: false, error: { ...result.error, offset: result.error.offset + by } };
}

function layerName(layer: Layer): string {
  switch (layer) {
    case 'link':
      return 'link header';
    case 'ipv4':
      return 'IPv4 header';
    case 'ipv6':
      return 'IPv6 header';
    case 'tcp':
      return 'TCP header';
    case 'tcp-option':
      return 'TCP option';
    case 'pcap':
      return 'pcap file';
  }
}

/** A shared, frozen empty byte array: what decoders return for an empty field, without allocating. */
export const NO_BYTES: Uint8Array = Object.freeze(new Uint8Array(0)) as Uint8Array;

/** A copy of `bytes[start, end)`, or {@link NO_BYTES} when that is empty. */
export function copyBytes(bytes: Uint8Array, start: number, end: number = bytes.length): Uint8Array {
  return end > start ? bytes.slice(start, end) : NO_BYTES;
}
