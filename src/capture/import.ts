/**
 * One conversation of a capture as a scenario a person can read, edit and run (pure):
 *
 * - our side's segments become `send`s with their flags, options and payload exactly (sequence and
 *   acknowledgment numbers only where they differ from what tcpcraft would send by itself);
 * - the other side's become `expect`s with relative seq, ack, length and flags; what is that
 *   stack's own choice (its window, its timestamp values, its options, PSH placement, the
 *   content of data it generates) is left out, with a comment showing what the capture had;
 * - its timestamps are captured and echoed where our later segments echoed them;
 * - its pure ACKs (which a stack may merge, delay or skip) and its retransmissions are optional;
 * - each step says its frame number and time in the capture; long payloads become base64.
 */
import { endpointText } from '../engine/flow.js';
import { array, blockComment, byteList, call, code, ident, join, lineComment, num, object, source, str, type Code } from '../scenario/code.js';
import { either, eol, expect, fastOpen, mss, nop, option, sack, sackOk, scenario, send, timestamp, wscale } from '../scenario/dsl.js';
import { capture, use } from '../scenario/matchers.js';
import type { ValidScenario } from '../scenario/model.js';
import type { ExpectFields, SendFields } from '../scenario/types.js';
import { validateScenario } from '../scenario/validate.js';
import { formatOptions, type TcpOption } from '../wire/options.js';
import { Flag, flagLetters } from '../wire/tcp.js';
import type { Analysis, Conversation, TcpFrame } from './streams.js';
import { analyze, baseSeq } from './streams.js';

/** Which side of the conversation the scenario plays: `client` is A, the side that sent the SYN. */
export type ImportSide = 'client' | 'server';

export interface ImportOptions {
  readonly as: ImportSide;
  /** The scenario's name. */
  readonly name: string;
  /** Where the capture came from, for the header comment. */
  readonly source: string;
}

/** Payloads longer than this are written in base64. */
const INLINE_MAX = 120;

const printable = (b: Uint8Array): boolean => b.every((x) => (x >= 0x20 && x < 0x7f) || x === 0x0a || x === 0x0d || x === 0x09);

/**
 * A value of the imported scenario, as data: written out as code by {@link render} (`tcpcraft
 * import`), or made into the scenario's own value by {@link evaluate} (`tcpcraft replay`, which
 * runs a capture without generating, let alone running, any code).
 */
type Val =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'str'; readonly v: string; readonly single?: boolean }
  /** Long or binary bytes: `b64('...')` in the file. */
  | { readonly k: 'b64'; readonly v: Uint8Array }
  /** A byte list: `[1, 2, 3]`. */
  | { readonly k: 'bytes'; readonly v: Uint8Array }
  | { readonly k: 'true' }
  | { readonly k: 'call'; readonly fn: DslName; readonly args: readonly Val[] }
  | { readonly k: 'arr'; readonly items: readonly Val[] }
  | { readonly k: 'obj'; readonly fields: ReadonlyArray<readonly [string, Val]> };

/** The scenario language's functions an imported scenario calls, by name. */
const DSL = { mss, nop, wscale, sackOk, sack, eol, fastOpen, timestamp, option, capture, use } as const;
type DslName = keyof typeof DSL;

const n = (v: number): Val => ({ k: 'num', v });
const q = (v: string): Val => ({ k: 'str', v, single: true });
const fn = (name: DslName, ...args: Val[]): Val => ({ k: 'call', fn: name, args });
const obj = (fields: ReadonlyArray<readonly [string, Val]>): Val => ({ k: 'obj', fields });

/** `v` as code. */
function render(v: Val): Code {
  switch (v.k) {
    case 'num':
      return num(v.v);
    case 'str':
      return str(v.v, v.single ? "'" : '"');
    case 'b64':
      return code`b64(${str(Buffer.from(v.v).toString('base64'), "'")})`;
    case 'bytes':
      return byteList(v.v);
    case 'true':
      return code`true`;
    case 'call':
      return call(v.fn, v.args.map(render));
    case 'arr':
      return array(v.items.map(render));
    case 'obj':
      return object(v.fields.map(([k, x]) => [k, render(x)] as const));
  }
}

/** `v` as the value the rendered code would produce. */
function evaluate(v: Val): unknown {
  switch (v.k) {
    case 'num':
    case 'str':
      return v.v;
    case 'b64':
      return Uint8Array.from(v.v);
    case 'bytes':
      return [...v.v];
    case 'true':
      return true;
    case 'call':
      return (DSL[v.fn] as (...a: unknown[]) => unknown)(...v.args.map(evaluate));
    case 'arr':
      return v.items.map(evaluate);
    case 'obj':
      return Object.fromEntries(v.fields.map(([k, x]) => [k, evaluate(x)]));
  }
}

/** A payload as a value: a string when short and printable, else bytes written as `b64('...')` (the file's own helper). */
function payloadValue(b: Uint8Array): Val {
  if (b.length <= INLINE_MAX && printable(b)) return { k: 'str', v: Buffer.from(b).toString('latin1') };
  return { k: 'b64', v: b };
}

/** The start of a payload, for a comment (plain text: the comment writer makes it safe). */
function preview(b: Uint8Array): string {
  const text = printable(b) ? JSON.stringify(Buffer.from(b.subarray(0, 40)).toString('latin1')) : `0x${Buffer.from(b.subarray(0, 16)).toString('hex')}`;
  return `${text}${b.length > 40 ? '…' : ''}`;
}

/** The DSL call for one option we send (timestamps echoing a capture are handled by the caller). */
function optionValue(o: TcpOption): Val {
  switch (o.kind) {
    case 'mss':
      return fn('mss', n(o.value));
    case 'wscale':
      return fn('wscale', n(o.shift));
    case 'sackOk':
      return fn('sackOk');
    case 'sack':
      return fn('sack', ...o.blocks.map(([l, r]): Val => ({ k: 'arr', items: [n(l), n(r)] })));
    case 'nop':
      return fn('nop');
    case 'eol':
      return fn('eol');
    case 'fastOpen':
      return fn('fastOpen', { k: 'bytes', v: o.cookie });
    case 'timestamp':
      return fn('timestamp', n(o.tsval), n(o.tsecr));
    case 'unknown':
      return fn('option', n(o.code), { k: 'bytes', v: o.data });
  }
}

/** One step of an imported scenario, as data, with the comment that goes above it. */
type ImportedStep = { readonly comment: string } & (
  | { readonly kind: 'send' | 'expect'; readonly flags: string; readonly fields?: Val }
  | { readonly kind: 'either'; readonly flags: readonly [string, string]; readonly fields: Val }
);

/** An imported scenario, as data. */
interface ImportedScenario {
  readonly header: readonly string[];
  readonly name: string;
  readonly description: string;
  readonly server: boolean;
  readonly local?: number;
  readonly peer?: { readonly host: string; readonly port: number };
  readonly steps: readonly ImportedStep[];
}

/** `frames` (one conversation, file order), played from side `o.as`, as a scenario in data. */
function importModel(conv: Conversation, frames: readonly TcpFrame[], o: ImportOptions): ImportedScenario {
  const analysis = analyze(frames, conv.a);
  const us = o.as === 'client' ? conv.a : conv.b;
  const them = o.as === 'client' ? conv.b : conv.a;
  const ourBase = baseSeq(frames, us)?.base ?? 0;
  // Their numbers are relative to their latest SYN, as a run numbers them (a second SYN on the
  // same 4-tuple, in TIME-WAIT say, starts a new count); before any SYN of theirs, raw.
  let theirBase = baseSeq(frames, them)?.base ?? 0;
  let theirSyn = false;
  // After a RST, tcpcraft wants every later send's seq spelled out.
  let resetSeen = false;
  const rel = (x: number, base: number): number => (x - base) >>> 0;
  const signed = (x: number): number => (x > 0x7fffffff ? x - 0x1_0000_0000 : x);
  const start = frames[0]?.timestampUs ?? 0n;
  const steps: ImportedStep[] = [];
  // What tcpcraft would send by default: our next sequence number, and the highest acknowledged.
  let sndNxt = 0;
  let rcvNxt: number | undefined;
  // The peer's latest timestamp captured by a step that surely runs: name and value.
  let lastTs: { name: string; value: number } | undefined;
  let tsCount = 0;
  frames.forEach((f, i) => {
    const p = f.packet;
    const mine = p.ip.src === us.ip && p.tcp.srcPort === us.port;
    const flags = flagLetters(p.tcp.flags);
    if (!mine && p.tcp.flags & Flag.SYN) {
      theirBase = p.tcp.seq;
      theirSyn = true;
      rcvNxt = undefined;
    }
    const seq = rel(p.tcp.seq, mine ? ourBase : theirBase);
    const ackRel = rel(p.tcp.ack, mine ? theirBase : ourBase);
    const hasAck = (p.tcp.flags & Flag.ACK) !== 0;
    const len = p.payload.length;
    const segLen = len + (p.tcp.flags & Flag.SYN ? 1 : 0) + (p.tcp.flags & Flag.FIN ? 1 : 0);
    const when = `frame ${f.frame}, ${(Number(f.timestampUs - start) / 1e6).toFixed(6)} s`;
    const notes = analysis[i]!.length ? ` [${analysis[i]!.join(', ')}]` : '';
    const ts = p.tcp.options.find((x) => x.kind === 'timestamp') as Extract<TcpOption, { kind: 'timestamp' }> | undefined;
    if (mine) {
      const fields: Array<[string, Val]> = [];
      const isSyn = (p.tcp.flags & Flag.SYN) !== 0;
      if (isSyn || resetSeen || seq !== sndNxt) fields.push(['seq', n(signed(seq))]);
      // Before their SYN there is nothing to count from: the acknowledgment goes out raw, as captured.
      if (hasAck && theirSyn && ackRel !== rcvNxt) fields.push(['ack', n(signed(ackRel))]);
      if ((hasAck && !theirSyn) || (!hasAck && p.tcp.ack !== 0)) fields.push(['tcp', obj([['ack', n(p.tcp.ack)]])]);
      if (p.tcp.window !== 65535) fields.push(['window', n(p.tcp.window)]);
      if (p.tcp.urgent) fields.push(['urgent', n(p.tcp.urgent)]);
      if (p.tcp.options.length) {
        const items = p.tcp.options.map((x): Val => (x.kind === 'timestamp' && lastTs && x.tsecr === lastTs.value ? fn('timestamp', n(x.tsval), fn('use', q(lastTs.name))) : optionValue(x)));
        fields.push(['options', { k: 'arr', items }]);
      }
      if (len) fields.push(['payload', payloadValue(p.payload)]);
      steps.push({ comment: `${when}${notes}`, kind: 'send', flags, ...(fields.length ? { fields: obj(fields) } : {}) });
      const end = (seq + segLen) >>> 0;
      if (end - sndNxt < 0x80000000 || isSyn) sndNxt = end;
      if (p.tcp.flags & Flag.RST) resetSeen = true;
      return;
    }
    // Their segment: what the capture had, then the expectation.
    const optional = (flags === 'A' && len === 0) || analysis[i]!.some((a: Analysis) => a === 'retransmission' || a === 'fast retransmission' || a === 'duplicate ACK' || a === 'keep-alive' || a === 'window update');
    // A SYN is numbered from itself (0); before any SYN of theirs their seq is compared raw (a
    // RST from a closed port carries what we sent, so the captured value holds).
    const fields: Array<[string, Val]> = [['seq', p.tcp.flags & Flag.SYN ? n(0) : theirSyn ? n(signed(seq)) : n(p.tcp.seq)]];
    if (hasAck) fields.push(['ack', n(signed(ackRel))]);
    fields.push(['len', n(len)]);
    let tsName: string | undefined;
    if (ts && !optional) {
      tsName = `ts${++tsCount}`;
      fields.push(['options', obj([['timestamp', obj([['tsval', fn('capture', q(tsName))]])]])]);
    }
    if (optional) fields.push(['optional', { k: 'true' }], ['timeout', n(1000)]);
    const had = [`window ${p.tcp.window}`, ...(p.tcp.options.length ? [formatOptions(p.tcp.options)] : []), ...(len ? [`payload ${preview(p.payload)}`] : [])];
    const comment = `${when}${notes}: ${had.join('; ')}`;
    // Where PSH goes is the sender's choice: data may come with or without it.
    const alt = flags.includes('P') ? flags.replace('P', '') : len > 0 ? flags.replace('A', 'PA') : undefined;
    if (alt !== undefined && alt !== flags) steps.push({ comment, kind: 'either', flags: [flags, alt], fields: obj(fields) });
    else steps.push({ comment, kind: 'expect', flags, fields: obj(fields) });
    if (tsName && ts) lastTs = { name: tsName, value: ts.tsval };
    if (p.tcp.flags & Flag.RST) resetSeen = true;
    const end = (seq + segLen) >>> 0;
    if (rcvNxt === undefined || (p.tcp.flags & Flag.SYN) !== 0 || (end - rcvNxt) >>> 0 < 0x80000000) rcvNxt = end;
  });
  const fileName = o.source.split('/').pop() ?? o.source;
  return {
    header: [
      `Imported by \`tcpcraft import\` from ${o.source}: stream ${conv.index}, ${endpointText(conv.a.ip, conv.a.port)} -> ${endpointText(conv.b.ip, conv.b.port)},`,
      `frames ${frames[0]?.frame ?? '-'}-${frames.at(-1)?.frame ?? '-'}, played as the ${o.as} (${endpointText(us.ip, us.port)}).`,
      "Our segments are sent as captured; the other side's are checked for flags, relative seq/ack",
      'and length only, since its window, options, timestamps and data are its own choice (the',
      "capture's values are in the comments). Edit freely.",
    ],
    name: o.name,
    description: `Replay of stream ${conv.index} of ${fileName} as the ${o.as}`,
    server: o.as === 'server',
    ...(o.as === 'server' ? { local: us.port } : { peer: { host: them.ip, port: them.port } }),
    steps,
  };
}

/** The DSL functions a value calls, for the import line. */
function calls(v: Val | undefined, into: Set<string>): void {
  if (!v) return;
  if (v.k === 'call') into.add(v.fn);
  if (v.k === 'call') for (const a of v.args) calls(a, into);
  if (v.k === 'arr') for (const x of v.items) calls(x, into);
  if (v.k === 'obj') for (const [, x] of v.fields) calls(x, into);
}

const usesB64 = (v: Val | undefined): boolean =>
  v !== undefined && (v.k === 'b64' || (v.k === 'call' && v.args.some(usesB64)) || (v.k === 'arr' && v.items.some(usesB64)) || (v.k === 'obj' && v.fields.some(([, x]) => usesB64(x))));

/** The scenario source for `frames` (one conversation, file order), played from side `o.as`. */
export function importScenario(conv: Conversation, frames: readonly TcpFrame[], o: ImportOptions): string {
  const m = importModel(conv, frames, o);
  const used = new Set<string>(['scenario', 'send', 'expect']);
  const steps: Code[] = [];
  for (const st of m.steps) {
    calls(st.fields, used);
    steps.push(code`    ${lineComment(st.comment)}`);
    if (st.kind === 'either') {
      used.add('either');
      const body = render(st.fields);
      steps.push(code`    either(expect(${str(st.flags[0], "'")}, ${body}), expect(${str(st.flags[1], "'")}, ${body})),`);
    } else {
      const f = str(st.flags, "'");
      const verb = st.kind === 'send' ? code`send` : code`expect`;
      steps.push(st.fields ? code`    ${verb}(${f}, ${render(st.fields)}),` : code`    ${verb}(${f}),`);
    }
  }
  const needsB64 = m.steps.some((st) => usesB64(st.fields));
  const imports = [...used].sort().map(ident);
  const lines: Code[] = [
    blockComment(m.header),
    code`import { ${join(imports)} } from 'tcpcraft';`,
    code``,
    ...(needsB64 ? [blockComment(['Long or binary payloads, as captured.']), code`const b64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));`, code``] : []),
    code`export default scenario({`,
    code`  name: ${str(m.name)},`,
    code`  description: ${str(m.description)},`,
    ...(m.server ? [code`  role: 'server',`, code`  local: { port: ${num(m.local!)} },`] : [code`  peer: { host: ${str(m.peer!.host, "'")}, port: ${num(m.peer!.port)} },`]),
    code`  steps: [`,
    ...steps,
    code`  ],`,
    code`});`,
    code``,
  ];
  return source(lines);
}

/**
 * The same scenario as {@link importScenario} writes, built as a value, without writing or running
 * any code (`tcpcraft replay`): validated as a scenario file would be, `source` naming it.
 */
export function importedScenario(conv: Conversation, frames: readonly TcpFrame[], o: ImportOptions): ValidScenario {
  const m = importModel(conv, frames, o);
  // No step has a place in a file: reports name the capture and the step number.
  const unsited = <T extends { readonly site?: unknown }>(step: T): T => {
    const { site: _site, ...rest } = step;
    return rest as T;
  };
  const steps = m.steps.map((st) => {
    if (st.kind === 'either') {
      const fields = evaluate(st.fields) as ExpectFields;
      const alternatives = [expect(st.flags[0], fields), expect(st.flags[1], fields)].map(unsited);
      return unsited(either(...alternatives));
    }
    const fields = st.fields ? evaluate(st.fields) : undefined;
    return unsited(st.kind === 'send' ? send(st.flags, fields as SendFields | undefined) : expect(st.flags, fields as ExpectFields | undefined));
  });
  const sc = scenario({ name: m.name, description: m.description, ...(m.server ? { role: 'server' as const, local: { port: m.local! } } : { peer: m.peer! }), steps });
  return validateScenario(sc, o.source);
}
