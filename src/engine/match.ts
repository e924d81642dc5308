/**
 * Compares an expectation with a segment that arrived, both in relative numbers, and lists every
 * field that differs (not just the first). Fields are compared in this order: flags, seq, ack,
 * window, len, payload, options. A field the expectation leaves out is not compared.
 */
import { payloadBytes } from '../scenario/validate.js';
import type { ExpectStep } from '../scenario/types.js';
import { formatOptions, type TcpOption } from '../wire/options.js';
import { toRaw } from '../wire/seq.js';
import { flagLetters, parseFlagLetters } from '../wire/tcp.js';
import type { Isns } from './numbering.js';
import type { SegmentView } from './state.js';

/** One field that differs, with both values as text; seq/ack carry their raw values too. */
export interface FieldDiff {
  readonly field: 'flags' | 'seq' | 'ack' | 'window' | 'len' | 'payload' | 'options';
  readonly expected: string;
  readonly actual: string;
  readonly expectedRaw?: number;
  readonly actualRaw?: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameOptions(a: readonly TcpOption[], b: readonly TcpOption[]): boolean {
  return formatOptions(a) === formatOptions(b);
}

/** Text for payload bytes: a JSON string when printable, else hex. */
export function showPayload(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  const printable = /^[\x20-\x7e\t\r\n]*$/.test(text) && Buffer.from(text, 'utf8').length === bytes.length;
  return printable ? JSON.stringify(text) : `0x${Buffer.from(bytes).toString('hex')}`;
}

/** Every field in which `view` differs from `step`; empty when it matches. */
export function diffExpectation(step: ExpectStep, view: SegmentView, isns: Isns): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const f = step.fields;
  const tcp = view.packet.tcp;
  const want = parseFlagLetters(step.flags);
  const wantFlags = want.ok ? want.flags : -1;
  if (wantFlags !== tcp.flags) diffs.push({ field: 'flags', expected: `'${step.flags}'`, actual: `'${flagLetters(tcp.flags)}'` });
  if (f.seq !== undefined && (!view.rel.seqRelative || f.seq >>> 0 !== view.rel.seq)) {
    diffs.push({
      field: 'seq',
      expected: String(f.seq),
      actual: view.rel.seqRelative ? String(view.rel.seq) : `raw ${tcp.seq} (the peer's ISN is not known)`,
      ...(isns.peer !== undefined ? { expectedRaw: toRaw(f.seq, isns.peer) } : {}),
      actualRaw: tcp.seq,
    });
  }
  if (f.ack !== undefined && (!view.rel.ackRelative || f.ack >>> 0 !== view.rel.ack)) {
    diffs.push({
      field: 'ack',
      expected: String(f.ack),
      actual: view.rel.ackRelative ? String(view.rel.ack) : `raw ${tcp.ack} (no ACK flag)`,
      expectedRaw: toRaw(f.ack, isns.local),
      actualRaw: tcp.ack,
    });
  }
  if (f.window !== undefined && f.window !== tcp.window) diffs.push({ field: 'window', expected: String(f.window), actual: String(tcp.window) });
  if (f.len !== undefined && f.len !== view.len) diffs.push({ field: 'len', expected: String(f.len), actual: String(view.len) });
  if (f.payload !== undefined) {
    const want = payloadBytes(f.payload);
    if (!sameBytes(want, view.packet.payload)) diffs.push({ field: 'payload', expected: showPayload(want), actual: showPayload(view.packet.payload) });
  }
  if (f.options !== undefined && !sameOptions(f.options as TcpOption[], view.rel.options)) {
    diffs.push({ field: 'options', expected: formatOptions(f.options as TcpOption[]) || '(none)', actual: formatOptions(view.rel.options) || '(none)' });
  }
  return diffs;
}
