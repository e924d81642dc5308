/**
 * Compares an expectation with a segment that arrived, both in relative numbers, and lists every
 * field that differs (not just the first). Fields are compared in this order: flags, seq, ack,
 * window, urgent, len, payload, options, time. A field the expectation leaves out is not
 * compared. Matchers (`any()`, `range()`, `oneOf()`, `where()`, `pattern()`) say what is
 * acceptable; `capture()` also records the value for later sends.
 */
import { describeRoute, pendingHops, sourceRouteOf } from '../wire/route.js';
import { ipHeaderBytes, isIpv6Header, type IpHeader } from '../wire/packet.js';
import { describeExpected, isMatcher, isRef, type Expected, type Matcher, type PatternMatcher } from '../scenario/matchers.js';
import type { ExpectStep, IpExpectation, OptionKind, OptionsExpectation, Payload } from '../scenario/types.js';
import { payloadBytes } from '../scenario/model.js';
import { str } from '../scenario/code.js';
import { formatOptions, optionAreaProblem, optionCode, OPTION_KIND_LIST, type OptionField, type SackBlock, type TcpOption } from '../wire/options.js';
import { seqGe, seqLe, toRaw } from '../wire/seq.js';
import { flagLetters, parseFlagLetters } from '../wire/tcp.js';
import type { Isns } from './numbering.js';
import type { SegmentView } from './state.js';

/** One field that differs, with both values as text; seq/ack carry their raw values too. */
export interface FieldDiff {
  readonly field: 'flags' | 'seq' | 'ack' | 'rawSeq' | 'valid' | 'window' | 'urgent' | 'len' | 'payload' | 'options' | 'ip' | 'time';
  readonly expected: string;
  readonly actual: string;
  readonly expectedRaw?: number;
  readonly actualRaw?: number;
}

/** Values recorded by `capture()` matchers, by name. */
/** What `capture()` records: a number, or the bytes of a bytes field (a TFO cookie). */
export type CaptureValue = number | Uint8Array;
export type Captures = ReadonlyMap<string, CaptureValue>;

/** The outcome of comparing one expectation with one segment. */
export interface MatchResult {
  readonly diffs: FieldDiff[];
  /** What the expectation's `capture()` matchers recorded (only meaningful when diffs is empty). */
  readonly captures: Array<readonly [string, CaptureValue]>;
}

/** Context for timing checks. */
export interface MatchContext {
  readonly isns: Isns;
  /** ms between the previous step's segment and this one's arrival. */
  readonly elapsedMs?: number;
  /**
   * For `backoff`: ms from the peer's previous segment on this connection to this one, and
   * between the two before (absent until two of the peer's segments were matched).
   */
  readonly backoffGaps?: { readonly gapMs: number; readonly previousGapMs: number };
  /** Values captured by earlier steps, which `use('name')` in an `ip:` expectation compares with. */
  readonly known?: Captures;
  /** Slack for `at:`. */
  readonly tolerance?: { readonly ms: number; readonly percent: number };
}

/** Default slack for `at:` timing, in the spirit of packetdrill: 4 ms or 12.5 %, whichever is larger. */
export const DEFAULT_TOLERANCE = { ms: 4, percent: 12.5 } as const;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Text for payload bytes: a JSON string when printable, else hex. */
export function showPayload(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  const printable = /^[\x20-\x7e\t\r\n]*$/.test(text) && Buffer.from(text, 'utf8').length === bytes.length;
  return printable ? JSON.stringify(text) : `0x${Buffer.from(bytes).toString('hex')}`;
}

/**
 * The space a value is compared in. `plain` compares numbers as they are; `seq` compares modulo
 * 2^32 (relative seq/ack are u32 offsets: `range(-1, 0)` must accept a keep-alive probe at
 * 2^32 - 1); `bytes` compares payloads and option data byte for byte.
 */
export type NumberSpace = 'plain' | 'seq' | 'bytes';

const sameSeq = (a: number, b: number): boolean => a >>> 0 === b >>> 0;

function same(space: NumberSpace, a: unknown, b: unknown): boolean {
  switch (space) {
    case 'seq':
      return typeof a === 'number' && typeof b === 'number' && sameSeq(a, b);
    case 'bytes':
      return a instanceof Uint8Array && b instanceof Uint8Array && sameBytes(a, b);
    case 'plain':
      return Object.is(a, b);
  }
}

/** Checks `actual` against an expected value or matcher in `space`, pushing what `capture()` records. */
export function matchValue<T>(expected: Expected<T>, actual: T, captures: Array<readonly [string, CaptureValue]>, space: NumberSpace = 'plain'): boolean {
  if (!isMatcher(expected)) return same(space, expected, actual);
  const m = expected as Matcher<T>;
  switch (m.$match) {
    case 'any':
      return true;
    case 'range':
      if (typeof actual !== 'number') return false;
      return space === 'seq' ? (actual - m.min) >>> 0 <= m.max - m.min : actual >= m.min && actual <= m.max;
    case 'oneOf':
      return m.values.some((v) => same(space, v, actual));
    case 'where':
      return m.test(actual);
    case 'capture': {
      const ok = m.inner === undefined || matchValue(m.inner, actual, captures, space);
      if (ok && typeof actual === 'number') captures.push([m.name, actual]);
      else if (ok && actual instanceof Uint8Array) captures.push([m.name, actual.slice()]);
      return ok;
    }
  }
}

/**
 * Checks `ip:` expectations against the packet's IP header: flowLabel and trafficClass (IPv6),
 * hopLimit or ttl (either family: the same field). `use('name')` stands for a value an earlier
 * step captured. Returns the failed checks.
 */
function checkIp(want: IpExpectation, ip: IpHeader, captures: Array<readonly [string, CaptureValue]>, known: Captures): Array<{ expected: string; actual: string }> {
  const v6 = isIpv6Header(ip);
  const { dst, route, ...numbers } = want;
  const tos = v6 ? ip.trafficClass : (ip.dscp << 2) | ip.ecn;
  const actualOf: Record<keyof typeof numbers, number | undefined> = {
    dscp: tos >> 2,
    ecn: tos & 3,
    flowLabel: v6 ? ip.flowLabel : undefined,
    trafficClass: v6 ? ip.trafficClass : undefined,
    hopLimit: v6 ? ip.hopLimit : ip.ttl,
    ttl: v6 ? ip.hopLimit : ip.ttl,
  };
  const out: Array<{ expected: string; actual: string }> = [];
  if (dst !== undefined && dst !== ip.dst) out.push({ expected: `dst ${dst}`, actual: `dst ${ip.dst}` });
  if (route !== undefined) {
    const r = v6 ? undefined : sourceRouteOf(ip.options);
    const text = (a: readonly string[]): string => `route [${a.join(', ')}]`;
    if (!r) out.push({ expected: text(route), actual: 'no source route option' });
    else if (pendingHops(r).join() !== route.join()) out.push({ expected: text(route), actual: `${text(pendingHops(r))} (${describeRoute(r)})` });
  }
  for (const k of Object.keys(numbers) as Array<keyof typeof numbers>) {
    const w = numbers[k];
    if (w === undefined) continue;
    const actual = actualOf[k];
    if (actual === undefined) {
      out.push({ expected: `${k} ${describeIp(w)}`, actual: `an IPv4 packet (no ${k})` });
      continue;
    }
    const expected = isRef(w) ? known.get(w.$use) : w;
    if (expected === undefined) {
      out.push({ expected: `${k} ${describeIp(w)}`, actual: `${k} ${actual} (no step captured '${(w as { $use: string }).$use}')` });
      continue;
    }
    if (!matchValue(expected as Expected<number>, actual, captures)) out.push({ expected: `${k} ${describeIp(w)}`, actual: `${k} ${actual}` });
  }
  return out;
}

const describeIp = (w: unknown): string => (isRef(w) ? `use(${str((w as { $use: string }).$use, "'")})` : describeExpected(w as Expected<number>));

function hasKind(options: readonly TcpOption[], kind: OptionKind): boolean {
  return options.some((o) => (typeof kind === 'number' ? optionCode(o) === kind : o.kind === kind));
}

/** The space an option field is compared in. */
const spaceOf = (f: OptionField): NumberSpace => (f.type === 'bytes' ? 'bytes' : 'plain');

/** Checks option expectations, kind by kind from the option table; returns the failed checks as text (empty when all hold). */
function checkOptions(want: OptionsExpectation, options: readonly TcpOption[], captures: Array<readonly [string, CaptureValue]>): string[] {
  const failed: string[] = [];
  for (const k of want.has ?? []) if (!hasKind(options, k)) failed.push(`has ${String(k)}`);
  for (const k of want.lacks ?? []) if (hasKind(options, k)) failed.push(`lacks ${String(k)}`);
  const checks = want as Readonly<Record<string, unknown>>;
  for (const def of OPTION_KIND_LIST) {
    const w = checks[def.kind];
    if (w === undefined || def.fields.length === 0) continue;
    const o = options.find((x) => x.kind === def.kind) as Readonly<Record<string, unknown>> | undefined;
    const [only] = def.fields;
    if (def.fields.length === 1 && only!.type === 'blocks') {
      const blocks = (o?.[only!.name] ?? []) as readonly SackBlock[];
      if (isCovers(w)) {
        const [l, r] = w.covers;
        if (!blocks.some(([bl, br]) => seqLe(bl, l >>> 0) && seqGe(br, r >>> 0))) failed.push(`${def.kind} covering ${l}:${r}`);
      } else {
        const exact = w as readonly SackBlock[];
        const equal = exact.length === blocks.length && exact.every(([l, r], i) => sameSeq(l, blocks[i]![0]) && sameSeq(r, blocks[i]![1]));
        if (!o || !equal) failed.push(`${def.kind} ${exact.map(([l, r]) => `{${l}:${r}}`).join('')}`);
      }
    } else if (def.fields.length === 1) {
      if (!o || !matchValue(w as Expected<unknown>, o[only!.name], captures, spaceOf(only!))) failed.push(`${def.kind} ${describeField(w, only!)}`);
    } else {
      const parts = def.fields.filter((x) => (w as Record<string, unknown>)[x.name] !== undefined);
      const bad = !o || parts.some((x) => !matchValue((w as Record<string, Expected<unknown>>)[x.name]!, o[x.name], captures, spaceOf(x)));
      if (bad) failed.push(`${def.kind}${parts.map((x) => ` ${x.label ?? x.name} ${describeField((w as Record<string, unknown>)[x.name], x)}`).join('')}`);
    }
  }
  return failed;
}

const isCovers = (w: unknown): w is { readonly covers: readonly [number, number] } => typeof w === 'object' && w !== null && 'covers' in w;

function describeField(v: unknown, f: OptionField): string {
  if (f.type === 'bytes' && v instanceof Uint8Array) return `0x${Buffer.from(v).toString('hex')}`;
  return describeExpected(v as Expected<unknown>);
}

function payloadMatches(want: Payload | PatternMatcher | Matcher<Uint8Array>, actual: Uint8Array, captures: Array<readonly [string, CaptureValue]>): boolean {
  if (typeof want === 'string' || want instanceof Uint8Array) return sameBytes(payloadBytes(want), actual);
  if (want.$match === 'pattern') return want.re.test(Buffer.from(actual).toString('latin1'));
  return matchValue(want, actual, captures, 'bytes');
}

function describePayload(want: Payload | PatternMatcher | Matcher<Uint8Array>): string {
  if (typeof want === 'string' || want instanceof Uint8Array) return showPayload(payloadBytes(want));
  return describeExpected(want);
}

/** Why a segment is not well formed as its sender built it (checksums, option area, reserved bits), or undefined. */
function wireProblem(view: SegmentView): string | undefined {
  const c = view.checksums;
  if (c.tcp === 'bad') return 'TCP checksum does not verify';
  if (c.ip === 'bad') return 'IPv4 header checksum does not verify';
  const tcp = view.packet.tcp;
  if (tcp.reserved !== 0) return `reserved bits are ${tcp.reserved}, not 0`;
  const ipLength = ipHeaderBytes(view.packet.ip);
  const start = ipLength + 20;
  const area = view.packet.bytes.subarray(start, ipLength + tcp.dataOffset * 4);
  const problem = optionAreaProblem(area);
  return problem === undefined ? undefined : `option area: ${problem}`;
}

/** Compares `step` with `view` and returns every differing field plus the values captured. */
export function matchExpectation(step: ExpectStep, view: SegmentView, ctx: MatchContext): MatchResult {
  const diffs: FieldDiff[] = [];
  const captures: Array<readonly [string, CaptureValue]> = [];
  const f = step.fields;
  const tcp = view.packet.tcp;
  const isns = ctx.isns;
  const want = parseFlagLetters(step.flags);
  if (!want.ok || want.flags !== tcp.flags) diffs.push({ field: 'flags', expected: `'${step.flags}'`, actual: `'${flagLetters(tcp.flags)}'` });
  // Before the peer's SYN its seq has no ISN to count from (a RST from a closed port): it is
  // compared raw, so the actual value shown in a diagnostic can be pasted back (RFC 9293
  // §3.10.7.1: <SEQ=SEG.ACK><CTL=RST> is checked by expecting the raw ack we sent).
  if (f.seq !== undefined && !matchValue(f.seq, view.rel.seq, captures, 'seq')) {
    diffs.push({
      field: 'seq',
      expected: describeExpected(f.seq),
      actual: view.rel.seqRelative ? String(view.rel.seq) : `raw ${tcp.seq} (the peer's ISN is not known)`,
      ...(isns.peer !== undefined && typeof f.seq === 'number' ? { expectedRaw: toRaw(f.seq, isns.peer) } : {}),
      actualRaw: tcp.seq,
    });
  }
  if (f.ack !== undefined && (!view.rel.ackRelative || !matchValue(f.ack, view.rel.ack, captures, 'seq'))) {
    diffs.push({
      field: 'ack',
      expected: describeExpected(f.ack),
      actual: view.rel.ackRelative ? String(view.rel.ack) : `raw ${tcp.ack} (no ACK flag)`,
      ...(typeof f.ack === 'number' ? { expectedRaw: toRaw(f.ack, isns.local) } : {}),
      actualRaw: tcp.ack,
    });
  }
  if (f.rawSeq !== undefined && !matchValue(f.rawSeq, tcp.seq, captures, 'seq')) diffs.push({ field: 'rawSeq', expected: describeExpected(f.rawSeq), actual: String(tcp.seq) });
  if (f.valid) {
    const problem = wireProblem(view);
    if (problem) diffs.push({ field: 'valid', expected: 'a well-formed segment', actual: problem });
  }
  if (f.window !== undefined && !matchValue(f.window, tcp.window, captures)) diffs.push({ field: 'window', expected: describeExpected(f.window), actual: String(tcp.window) });
  if (f.ip !== undefined) {
    const failed = checkIp(f.ip, view.packet.ip, captures, ctx.known ?? new Map());
    if (failed.length) diffs.push({ field: 'ip', expected: failed.map((x) => x.expected).join(', '), actual: failed.map((x) => x.actual).join(', ') });
  }
  if (f.urgent !== undefined && !matchValue(f.urgent, tcp.urgent, captures)) diffs.push({ field: 'urgent', expected: describeExpected(f.urgent), actual: String(tcp.urgent) });
  if (f.len !== undefined && !matchValue(f.len, view.len, captures)) diffs.push({ field: 'len', expected: describeExpected(f.len), actual: String(view.len) });
  if (f.payload !== undefined && !payloadMatches(f.payload, view.packet.payload, captures)) {
    diffs.push({ field: 'payload', expected: describePayload(f.payload), actual: showPayload(view.packet.payload) });
  }
  if (f.options !== undefined) {
    if (Array.isArray(f.options)) {
      const list = f.options as readonly TcpOption[];
      // An option area is padded to 4 bytes with EOL: that padding is not an option the author lists.
      const padded = list.at(-1)?.kind !== 'eol' && view.rel.options.at(-1)?.kind === 'eol';
      const actual = padded ? view.rel.options.slice(0, -1) : view.rel.options;
      if (formatOptions(list) !== formatOptions(actual)) {
        diffs.push({ field: 'options', expected: formatOptions(list) || '(none)', actual: formatOptions(view.rel.options) || '(none)' });
      }
    } else {
      const failed = checkOptions(f.options as OptionsExpectation, view.rel.options, captures);
      if (failed.length) diffs.push({ field: 'options', expected: failed.join(', '), actual: formatOptions(view.rel.options) || '(none)' });
    }
  }
  if (ctx.elapsedMs !== undefined) {
    const t = ctx.elapsedMs;
    const shown = `${t.toFixed(1)} ms after the previous step`;
    if (f.within !== undefined && t > f.within) diffs.push({ field: 'time', expected: `within ${f.within} ms`, actual: shown });
    if (f.after !== undefined && t < f.after) diffs.push({ field: 'time', expected: `not before ${f.after} ms`, actual: shown });
    if (f.at !== undefined) {
      const tol = ctx.tolerance ?? DEFAULT_TOLERANCE;
      const slack = Math.max(tol.ms, (f.at * tol.percent) / 100);
      if (Math.abs(t - f.at) > slack) diffs.push({ field: 'time', expected: `at ${f.at} ms (± ${slack.toFixed(1)} ms)`, actual: shown });
    }
    if (f.backoff !== undefined) {
      const g = ctx.backoffGaps;
      if (g === undefined) diffs.push({ field: 'time', expected: `${f.backoff}x the previous interval`, actual: `${shown}, with no previous interval between the peer's segments to compare` });
      else {
        const want = f.backoff * g.previousGapMs;
        const tol = ctx.tolerance ?? DEFAULT_TOLERANCE;
        const slack = Math.max(tol.ms, (want * tol.percent) / 100);
        if (g.gapMs < want - slack) {
          diffs.push({ field: 'time', expected: `at least ${f.backoff}x the previous interval ${g.previousGapMs.toFixed(1)} ms (${(want - slack).toFixed(1)} ms)`, actual: `${g.gapMs.toFixed(1)} ms after the peer's previous segment` });
        }
      }
    }
  }
  return { diffs, captures };
}

/** Every field in which `view` differs from `step`; empty when it matches (no timing checks). */
export function diffExpectation(step: ExpectStep, view: SegmentView, isns: Isns): FieldDiff[] {
  return matchExpectation(step, view, { isns }).diffs;
}
