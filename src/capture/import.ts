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

function payloadLiteral(b: Uint8Array): string {
  if (b.length <= INLINE_MAX && printable(b)) return JSON.stringify(Buffer.from(b).toString('latin1'));
  return `b64('${Buffer.from(b).toString('base64')}')`;
}

function preview(b: Uint8Array): string {
  const text = printable(b) ? JSON.stringify(Buffer.from(b.subarray(0, 40)).toString('latin1')) : `0x${Buffer.from(b.subarray(0, 16)).toString('hex')}`;
  return `${text}${b.length > 40 ? '…' : ''}`;
}

/** DSL source for one option we send (timestamps are handled by the caller). */
function optionSource(o: TcpOption): string {
  switch (o.kind) {
    case 'mss':
      return `mss(${o.value})`;
    case 'wscale':
      return `wscale(${o.shift})`;
    case 'sackOk':
      return 'sackOk()';
    case 'sack':
      return `sack(${o.blocks.map(([l, r]) => `[${l}, ${r}]`).join(', ')})`;
    case 'nop':
      return 'nop()';
    case 'eol':
      return 'eol()';
    case 'fastOpen':
      return `fastOpen([${Array.from(o.cookie).join(', ')}])`;
    case 'timestamp':
      return `timestamp(${o.tsval}, ${o.tsecr})`;
    case 'unknown':
      return `option(${o.code}, [${Array.from(o.data).join(', ')}])`;
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
  const steps: string[] = [];
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
      const fields: string[] = [];
      const isSyn = (p.tcp.flags & Flag.SYN) !== 0;
      if (isSyn || resetSeen || seq !== sndNxt) fields.push(`seq: ${signed(seq)}`);
      // Before their SYN there is nothing to count from: the acknowledgment goes out raw, as captured.
      if (hasAck && theirSyn && ackRel !== rcvNxt) fields.push(`ack: ${signed(ackRel)}`);
      if ((hasAck && !theirSyn) || (!hasAck && p.tcp.ack !== 0)) fields.push(`tcp: { ack: ${p.tcp.ack} }`);
      if (p.tcp.window !== 65535) fields.push(`window: ${p.tcp.window}`);
      if (p.tcp.urgent) fields.push(`urgent: ${p.tcp.urgent}`);
      if (p.tcp.options.length) {
        const opts = p.tcp.options.map((x) => {
          if (x.kind === 'timestamp' && lastTs && x.tsecr === lastTs.value) {
            used.add('timestamp').add('use');
            return `timestamp(${x.tsval}, use('${lastTs.name}'))`;
          }
          const src = optionSource(x);
          used.add(src.slice(0, src.indexOf('(')));
          return src;
        });
        fields.push(`options: [${opts.join(', ')}]`);
      }
      if (len) fields.push(`payload: ${payloadLiteral(p.payload)}`);
      steps.push(`    // ${when}${notes}`);
      steps.push(`    send('${flags}'${fields.length ? `, { ${fields.join(', ')} }` : ''}),`);
      const end = (seq + segLen) >>> 0;
      if (end - sndNxt < 0x80000000 || isSyn) sndNxt = end;
      if (p.tcp.flags & Flag.RST) resetSeen = true;
      return;
    }
    // Their segment: what the capture had, then the expectation.
    const optional = (flags === 'A' && len === 0) || analysis[i]!.some((a: Analysis) => a === 'retransmission' || a === 'fast retransmission' || a === 'duplicate ACK' || a === 'keep-alive' || a === 'window update');
    // A SYN is numbered from itself (0); before any SYN of theirs their seq is compared raw (a
    // RST from a closed port carries what we sent, so the captured value holds).
    const fields: string[] = [p.tcp.flags & Flag.SYN ? 'seq: 0' : theirSyn ? `seq: ${signed(seq)}` : `seq: ${p.tcp.seq}`];
    if (hasAck) fields.push(`ack: ${signed(ackRel)}`);
    fields.push(`len: ${len}`);
    let tsName: string | undefined;
    if (ts && !optional) {
      tsName = `ts${++tsCount}`;
      used.add('capture');
      fields.push(`options: { timestamp: { tsval: capture('${tsName}') } }`);
    }
    if (optional) fields.push('optional: true', 'timeout: 1000');
    const had = [`window ${p.tcp.window}`, ...(p.tcp.options.length ? [formatOptions(p.tcp.options)] : []), ...(len ? [`payload ${preview(p.payload)}`] : [])];
    steps.push(`    // ${when}${notes}: ${had.join('; ')}`);
    const body = `{ ${fields.join(', ')} }`;
    // Where PSH goes is the sender's choice: data may come with or without it.
    const alt = flags.includes('P') ? flags.replace('P', '') : len > 0 ? flags.replace('A', 'PA') : undefined;
    if (alt !== undefined && alt !== flags) {
      used.add('either');
      steps.push(`    either(expect('${flags}', ${body}), expect('${alt}', ${body})),`);
    } else {
      steps.push(`    expect('${flags}', ${body}),`);
    }
    if (tsName && ts) lastTs = { name: tsName, value: ts.tsval };
    if (p.tcp.flags & Flag.RST) resetSeen = true;
    const end = (seq + segLen) >>> 0;
    if (rcvNxt === undefined || (p.tcp.flags & Flag.SYN) !== 0 || (end - rcvNxt) >>> 0 < 0x80000000) rcvNxt = end;
  });
  const needsB64 = steps.some((s) => s.includes("b64('"));
  const imports = [...used].filter((n) => n !== 'b64').sort();
  const server = o.as === 'server';
  const lines = [
    '/**',
    ` * Imported by \`tcpcraft import\` from ${o.source}: stream ${conv.index}, ${endpointText(conv.a.ip, conv.a.port)} -> ${endpointText(conv.b.ip, conv.b.port)},`,
    ` * frames ${frames[0]?.frame ?? '-'}-${frames.at(-1)?.frame ?? '-'}, played as the ${o.as} (${endpointText(us.ip, us.port)}).`,
    ' * Our segments are sent as captured; the other side\'s are checked for flags, relative seq/ack',
    ' * and length only, since its window, options, timestamps and data are its own choice (the',
    ' * capture\'s values are in the comments). Edit freely.',
    ' */',
    `import { ${imports.join(', ')} } from 'tcpcraft';`,
    '',
    ...(needsB64 ? ['/** Long or binary payloads, as captured. */', "const b64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));", ''] : []),
    'export default scenario({',
    `  name: ${JSON.stringify(o.name)},`,
    `  description: ${JSON.stringify(`Replay of stream ${conv.index} of ${o.source.split('/').pop()} as the ${o.as}`)},`,
    ...(server ? [`  role: 'server',`, `  local: { port: ${us.port} },`] : [`  peer: { host: '${them.ip}', port: ${them.port} },`]),
    '  steps: [',
    ...steps,
    '  ],',
    '});',
    '',
  ];
  return lines.join('\n');
}
