/**
 * TCP sequence-number arithmetic (RFC 9293 §3.4): every value is an unsigned 32-bit integer and
 * all arithmetic wraps modulo 2^32. Comparisons use the sign of the wrapping difference, so they
 * are right across the wrap as long as the two numbers are less than 2^31 apart.
 * All sequence arithmetic in tcpcraft goes through this module.
 */

/** A sequence or acknowledgment number: an integer in [0, 2^32). */
export type Seq = number;

/** 2^32, the sequence space size. */
export const SEQ_SPACE = 0x1_0000_0000;

/** True if `n` is an integer in [0, 2^32). */
export function isU32(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < SEQ_SPACE;
}

/** `a + n` modulo 2^32 (`n` may be negative). */
export function seqAdd(a: Seq, n: number): Seq {
  return (((a + n) % SEQ_SPACE) + SEQ_SPACE) % SEQ_SPACE;
}

/**
 * The signed distance from `b` to `a`, in [-2^31, 2^31): positive when `a` is after `b`. Numbers exactly
 * 2^31 apart give -2^31 either way round (RFC 1982 leaves that order undefined).
 */
export function seqDiff(a: Seq, b: Seq): number {
  return (a - b) | 0;
}

/** `a` comes strictly before `b` in sequence space. */
export function seqLt(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) < 0;
}

/** `a` comes before or equals `b`. */
export function seqLe(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) <= 0;
}

/** `a` comes strictly after `b`. */
export function seqGt(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) > 0;
}

/** `a` comes after or equals `b`. */
export function seqGe(a: Seq, b: Seq): boolean {
  return seqDiff(a, b) >= 0;
}

/** Relative offset of `raw` from `isn`, as Wireshark shows it: `(raw - isn) mod 2^32`. */
export function toRelative(raw: Seq, isn: Seq): number {
  return seqAdd(raw, -isn);
}

/** Raw number for a relative offset: `(isn + rel) mod 2^32`. */
export function toRaw(rel: number, isn: Seq): Seq {
  return seqAdd(isn, rel);
}
