/**
 * The TCP option area as the reference stack reads it from an arriving segment and writes it into
 * a leaving one (RFC 9293 §3.1, §3.2). The pure stack takes the wire decoder's options as they
 * are: every option in any segment (MUST-5), wherever it starts (MUST-64), EOL and NOP understood
 * (MUST-4), options of kinds it does not implement skipped by their length (MUST-6), and on an
 * illegal length the options before it (MUST-7: the segment is still processed). It writes its
 * options aligned with NOPs, each with its length field (MUST-68), padded with zeros (MUST-69).
 * The deliberate faults of those rules (faults-d.ts) are checked here, and only here.
 */
import { encodeOptions, parseOptions, type TcpOption } from '../wire/options.js';
import type { TcpHeader } from '../wire/tcp.js';
import { Flag } from '../wire/tcp.js';
import { hasFault } from './faults.js';
import type { ReferenceSettings } from './settings.js';

/** What becomes of an arriving segment's options: read, or the segment dropped, or the stack hung. */
export type ReadOptions = readonly TcpOption[] | 'drop' | 'hang';

/**
 * The options of one arriving segment, each with the offset it starts at in the option area; a
 * walk that stops at EOL or at the first length it cannot follow. `nopHasLength`: a NOP is taken
 * for an option with a length byte (the fault of MUST-4).
 */
function walk(area: Uint8Array, nopHasLength: boolean): Array<{ at: number; option: TcpOption }> {
  const out: Array<{ at: number; option: TcpOption }> = [];
  for (let at = 0; at < area.length; ) {
    const code = area[at]!;
    if (code === 0) break;
    if (code === 1 && !nopHasLength) {
      out.push({ at, option: { kind: 'nop' } });
      at += 1;
      continue;
    }
    const len = area[at + 1] ?? 0;
    if (len < 2 || at + len > area.length) break;
    const one = parseOptions(area.subarray(at, at + len));
    if (one.ok && one.value[0]) out.push({ at, option: one.value[0] });
    at += len;
  }
  return out;
}

/** The options the stack reads from an arriving segment's header `t` (RFC 9293 §3.1). */
export function readOptions(s: ReferenceSettings, t: TcpHeader): ReadOptions {
  if (s.faults.length === 0) return t.options;
  // MUST-7 fault: a length of zero, or one running past the option area, and the parser never returns.
  if (t.optionsError && hasFault(s, 'illegal-option-length-hangs')) return 'hang';
  // MUST-5 fault: only a SYN's options are looked at.
  if (hasFault(s, 'options-only-on-syn') && !(t.flags & Flag.SYN)) return [];
  let options = t.options;
  // MUST-4 fault: NOP taken for an option with a length; MUST-64 fault: only word-aligned options read.
  if (hasFault(s, 'nop-not-understood') || hasFault(s, 'options-aligned-only')) {
    const aligned = hasFault(s, 'options-aligned-only');
    options = walk(t.optionBytes, hasFault(s, 'nop-not-understood'))
      .filter((x) => !aligned || x.option.kind === 'nop' || x.at % 4 === 0)
      .map((x) => x.option);
  }
  // MUST-6 fault: an option of a kind it does not implement makes the whole segment unacceptable.
  if (hasFault(s, 'unknown-option-drops-segment') && options.some((o) => o.kind === 'unknown')) return 'drop';
  return options;
}

/**
 * The option area a leaving segment carries: its options as given (the wire encoder pads them to
 * a 32-bit boundary with zeros), or, with a fault of MUST-68 or MUST-69, the raw bytes a faulty
 * encoder would write.
 */
export function optionArea(s: ReferenceSettings, options: readonly TcpOption[] | undefined): readonly TcpOption[] | Uint8Array | undefined {
  if (!options?.length || s.faults.length === 0) return options;
  if (hasFault(s, 'sackok-without-length') && options.some((o) => o.kind === 'sackOk')) {
    // SACK-permitted as a bare kind octet (4), the length octet left out.
    return padded(options.flatMap((o) => (o.kind === 'sackOk' ? [Uint8Array.of(4)] : [encodeOptions([o])])), 0);
  }
  if (hasFault(s, 'padding-not-zeroed')) {
    // Packed without alignment NOPs, ended by an EOL, and the rest of the word left as it was in the buffer.
    const packed = encodeOptions(options.filter((o) => o.kind !== 'nop'));
    return packed.length % 4 === 0 ? packed : padded([packed, Uint8Array.of(0)], 0xa5);
  }
  return options;
}

/** `parts` joined and filled to a 32-bit boundary with `fill`. */
function padded(parts: readonly Uint8Array[], fill: number): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array((n + 3) & ~3).fill(fill);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
