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

/** A payload as a value: a string literal when short and printable, else `b64('...')` (the file's own helper). */
function payloadLiteral(b: Uint8Array): { value: Code; b64: boolean } {
  if (b.length <= INLINE_MAX && printable(b)) return { value: str(Buffer.from(b).toString('latin1')), b64: false };
  return { value: code`b64(${str(Buffer.from(b).toString('base64'), "'")})`, b64: true };
}

/** The start of a payload, for a comment (plain text: the comment writer makes it safe). */
function preview(b: Uint8Array): string {
  const text = printable(b) ? JSON.stringify(Buffer.from(b.subarray(0, 40)).toString('latin1')) : `0x${Buffer.from(b.subarray(0, 16)).toString('hex')}`;
  return `${text}${b.length > 40 ? '…' : ''}`;
}

/** The DSL call for one option we send (timestamps are handled by the caller): the helper's name, for the import line, and the call. */
function optionSource(o: TcpOption): { fn: string; call: Code } {
  const c = (fn: string, ...args: Code[]) => ({ fn, call: call(fn, args) });
  switch (o.kind) {
    case 'mss':
      return c('mss', num(o.value));
    case 'wscale':
      return c('wscale', num(o.shift));
    case 'sackOk':
      return c('sackOk');
    case 'sack':
      return c('sack', ...o.blocks.map(([l, r]) => array([num(l), num(r)])));
    case 'nop':
      return c('nop');
    case 'eol':
      return c('eol');
    case 'fastOpen':
      return c('fastOpen', byteList(o.cookie));
    case 'timestamp':
      return c('timestamp', num(o.tsval), num(o.tsecr));
    case 'unknown':
      return c('option', num(o.code), byteList(o.data));
  }
}

/** The scenario source for `frames` (one conversation, file order), played from side `o.as`. */
export function importScenario(conv: Conversation, frames: readonly TcpFrame[], o: ImportOptions): string {
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
  const used = new Set<string>(['scenario', 'send', 'expect']);
  const steps: Code[] = [];
  let needsB64 = false;
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
    const flagsLit = str(flags, "'");
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
      const fields: Array<[string, Code]> = [];
      const isSyn = (p.tcp.flags & Flag.SYN) !== 0;
      if (isSyn || resetSeen || seq !== sndNxt) fields.push(['seq', num(signed(seq))]);
      // Before their SYN there is nothing to count from: the acknowledgment goes out raw, as captured.
      if (hasAck && theirSyn && ackRel !== rcvNxt) fields.push(['ack', num(signed(ackRel))]);
      if ((hasAck && !theirSyn) || (!hasAck && p.tcp.ack !== 0)) fields.push(['tcp', object([['ack', num(p.tcp.ack)]])]);
      if (p.tcp.window !== 65535) fields.push(['window', num(p.tcp.window)]);
      if (p.tcp.urgent) fields.push(['urgent', num(p.tcp.urgent)]);
      if (p.tcp.options.length) {
        const opts = p.tcp.options.map((x): Code => {
          if (x.kind === 'timestamp' && lastTs && x.tsecr === lastTs.value) {
            used.add('timestamp').add('use');
            return call('timestamp', [num(x.tsval), call('use', [str(lastTs.name, "'")])]);
          }
          const src = optionSource(x);
          used.add(src.fn);
          return src.call;
        });
        fields.push(['options', array(opts)]);
      }
      if (len) {
        const payload = payloadLiteral(p.payload);
        needsB64 ||= payload.b64;
        fields.push(['payload', payload.value]);
      }
      steps.push(code`    ${lineComment(`${when}${notes}`)}`);
      steps.push(fields.length ? code`    send(${flagsLit}, ${object(fields)}),` : code`    send(${flagsLit}),`);
      const end = (seq + segLen) >>> 0;
      if (end - sndNxt < 0x80000000 || isSyn) sndNxt = end;
      if (p.tcp.flags & Flag.RST) resetSeen = true;
      return;
    }
    // Their segment: what the capture had, then the expectation.
    const optional = (flags === 'A' && len === 0) || analysis[i]!.some((a: Analysis) => a === 'retransmission' || a === 'fast retransmission' || a === 'duplicate ACK' || a === 'keep-alive' || a === 'window update');
    // A SYN is numbered from itself (0); before any SYN of theirs their seq is compared raw (a
    // RST from a closed port carries what we sent, so the captured value holds).
    const fields: Array<[string, Code]> = [['seq', p.tcp.flags & Flag.SYN ? num(0) : theirSyn ? num(signed(seq)) : num(p.tcp.seq)]];
    if (hasAck) fields.push(['ack', num(signed(ackRel))]);
    fields.push(['len', num(len)]);
    let tsName: string | undefined;
    if (ts && !optional) {
      tsName = `ts${++tsCount}`;
      used.add('capture');
      fields.push(['options', object([['timestamp', object([['tsval', call('capture', [str(tsName, "'")])]])]])]);
    }
    if (optional) fields.push(['optional', code`true`], ['timeout', num(1000)]);
    const had = [`window ${p.tcp.window}`, ...(p.tcp.options.length ? [formatOptions(p.tcp.options)] : []), ...(len ? [`payload ${preview(p.payload)}`] : [])];
    steps.push(code`    ${lineComment(`${when}${notes}: ${had.join('; ')}`)}`);
    const body = object(fields);
    // Where PSH goes is the sender's choice: data may come with or without it.
    const alt = flags.includes('P') ? flags.replace('P', '') : len > 0 ? flags.replace('A', 'PA') : undefined;
    if (alt !== undefined && alt !== flags) {
      used.add('either');
      steps.push(code`    either(expect(${flagsLit}, ${body}), expect(${str(alt, "'")}, ${body})),`);
    } else {
      steps.push(code`    expect(${flagsLit}, ${body}),`);
    }
    if (tsName && ts) lastTs = { name: tsName, value: ts.tsval };
    if (p.tcp.flags & Flag.RST) resetSeen = true;
    const end = (seq + segLen) >>> 0;
    if (rcvNxt === undefined || (p.tcp.flags & Flag.SYN) !== 0 || (end - rcvNxt) >>> 0 < 0x80000000) rcvNxt = end;
  });
  const imports = [...used].sort().map(ident);
  const server = o.as === 'server';
  const fileName = o.source.split('/').pop() ?? o.source;
  const lines: Code[] = [
    blockComment([
      `Imported by \`tcpcraft import\` from ${o.source}: stream ${conv.index}, ${endpointText(conv.a.ip, conv.a.port)} -> ${endpointText(conv.b.ip, conv.b.port)},`,
      `frames ${frames[0]?.frame ?? '-'}-${frames.at(-1)?.frame ?? '-'}, played as the ${o.as} (${endpointText(us.ip, us.port)}).`,
      "Our segments are sent as captured; the other side's are checked for flags, relative seq/ack",
      'and length only, since its window, options, timestamps and data are its own choice (the',
      "capture's values are in the comments). Edit freely.",
    ]),
    code`import { ${join(imports)} } from 'tcpcraft';`,
    code``,
    ...(needsB64 ? [blockComment(['Long or binary payloads, as captured.']), code`const b64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));`, code``] : []),
    code`export default scenario({`,
    code`  name: ${str(o.name)},`,
    code`  description: ${str(`Replay of stream ${conv.index} of ${fileName} as the ${o.as}`)},`,
    ...(server ? [code`  role: 'server',`, code`  local: { port: ${num(us.port)} },`] : [code`  peer: { host: ${str(them.ip, "'")}, port: ${num(them.port)} },`]),
    code`  steps: [`,
    ...steps,
    code`  ],`,
    code`});`,
    code``,
  ];
  return source(lines);
}
