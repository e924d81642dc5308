/**
 * Scenarios written from the learner's queries (issue 27): the text of a scenario file that
 * replays one query's trace (src/session/mapper.ts) exactly, so that a difference two learned
 * machines show (src/learn/compare.ts) becomes a test any target can be run against.
 *
 * The file sends what the mapper sent, with the same numbers (our ISN fixed, seq and ack relative
 * as Wireshark shows them, raw where the target's ISN is not known yet), makes the target's
 * application do what the app inputs did, and expects each segment the target answered with, in
 * order; an input that got no answer becomes a silence as long as the learner's wait.
 *
 * Traces, names and comments may come from files on disk: everything textual goes into the file
 * as a JSON string literal (never as code), and inputs, flags and numbers are checked first.
 */
import { UsageError } from '../errors.js';
import { parseFlagLetters, Flag } from '../wire/tcp.js';
import { alphabet, APP_INPUTS, DATA_BYTE, QUERY_WINDOW, SYN_OPTIONS, type LearnRole, type QueryTrace, type TraceSegment } from './mapper.js';

/** What {@link scenarioText} needs besides the trace. */
export interface ScenarioTextOptions {
  /** The scenario's name. */
  readonly name: string;
  /** The target's role when the trace was made (the mapper's): `server`, it listened; `client`, it connected to us. */
  readonly role: LearnRole;
  /** The target's address. */
  readonly host: string;
  /** How long the learner waited for answers after each input, ms: each answer must come within it, and no answer is a silence that long. */
  readonly waitMs: number;
  readonly description: string;
  /** Lines of the file's leading comment (each shown as a string literal). */
  readonly comment: readonly string[];
}

/** Our port in a replay of a client target's query: its application connects to it. */
export const REPLAY_LOCAL_PORT = 2300;

/** Names of the background calls the replay starts. */
const ACCEPT = 'accept';
const CONNECT = 'connect';

/** The longest wait a scenario takes (the validator's bound), ms. */
const MAX_WAIT_MS = 600_000;

/**
 * `text` as a string literal that is safe anywhere in a source file: JSON's quoting, with the
 * slash of every star-slash escaped (so it cannot end a block comment) and U+2028 and U+2029
 * escaped (so they cannot end a line comment). Each escape stands for the same character in
 * JavaScript and in JSON: `JSON.parse(literal(t)) === t`.
 */
export function literal(text: string): string {
  if (typeof text !== 'string') throw new UsageError(`expected text, got ${typeof text}`);
  return JSON.stringify(text).replace(/\*\//g, '*\\/').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A safe file name for a scenario called `name`: lower-case ASCII letters (accents dropped), digits
 * and single dashes, at most 80 of them, then `.ts`; `scenario.ts` when nothing is left.
 */
export function scenarioFileName(name: string): string {
  const stem = String(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return `${stem || 'scenario'}.ts`;
}

/** `n` checked to be a raw 32-bit sequence number. */
function u32(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new UsageError(`the trace's ${what} is not a 32-bit number: ${String(n)}`);
  return n;
}

/** `raw` relative to `isn`, modulo 2^32. */
const rel = (raw: number, isn: number): number => (raw - isn + 0x1_0000_0000) % 0x1_0000_0000;

/** A segment's flags, checked, as a literal and as bits. */
function flagsOf(seg: TraceSegment, what: string): { text: string; bits: number } {
  const parsed = typeof seg.flags === 'string' ? parseFlagLetters(seg.flags) : undefined;
  if (!parsed?.ok) throw new UsageError(`the trace's ${what} has flags ${JSON.stringify(seg.flags)}, not flag letters`);
  return { text: literal(seg.flags), bits: parsed.flags };
}

/** A segment's payload length, checked. */
function lenOf(seg: TraceSegment, what: string): number {
  if (!Number.isInteger(seg.len) || seg.len < 0 || seg.len > 0xffff) throw new UsageError(`the trace's ${what} has length ${String(seg.len)}`);
  return seg.len;
}

/**
 * What an app input's output says of the call (see the mapper's appInput): `''` when it was made
 * and returned, `nosock` or `again` when none was made, `noapp` when there was no application,
 * else the errno it failed with.
 */
function noteOf(output: string, what: string): string {
  if (typeof output !== 'string') throw new UsageError(`the trace's ${what} has no output`);
  const at = output.lastIndexOf('/');
  if (at < 0) return '';
  const note = output.slice(at + 1);
  if (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(note)) throw new UsageError(`the trace's ${what} has output ${JSON.stringify(output)}, whose note is not a word`);
  return note;
}

/**
 * The text of a TypeScript scenario file that replays `trace` exactly. Our ISN is the trace's.
 * Each input's segment goes out with the numbers it had (seq relative to our ISN; ack relative to
 * the ISN of the target's latest SYN, or raw before any), the mapper's window and SYN options.
 * Each segment the target answered with is expected in order, within `o.waitMs` (the scenario's
 * timeout): seq relative to its latest SYN (raw before any), ack relative to our ISN, length. An
 * input without an answer is a silence of `o.waitMs`. The target's application is driven as the
 * mapper drove it: a server target listens on the trace's port and accepts in the background
 * (waited for before its first write or close); a client target connects to us on the `connect`
 * input, in the background. App inputs the mapper could not carry out (no connection yet) make
 * no call.
 *
 * Throws a UsageError for an input outside the role's full alphabet, a malformed trace or
 * option, or a query that cannot be replayed (made without the target's application, or a client
 * target that never connected).
 */
export function scenarioText(trace: QueryTrace, o: ScenarioTextOptions): string {
  if (o.role !== 'server' && o.role !== 'client') throw new UsageError(`role must be 'server' or 'client' (the target's), not ${JSON.stringify(o.role)}`);
  if (typeof o.name !== 'string' || o.name.trim() === '') throw new UsageError('a scenario needs a name');
  if (!Number.isInteger(o.waitMs) || o.waitMs < 1 || o.waitMs > MAX_WAIT_MS) throw new UsageError(`waitMs must be a whole number of ms in 1..${MAX_WAIT_MS}, not ${String(o.waitMs)}`);
  if (!Array.isArray(o.comment as unknown)) throw new UsageError('comment must be a list of lines');
  const known = alphabet('full', o.role);
  const isn = u32(trace.localIsn, 'localIsn');
  if (!Number.isInteger(trace.targetPort) || trace.targetPort < 1 || trace.targetPort > 0xffff) throw new UsageError(`the trace's targetPort is not a port: ${String(trace.targetPort)}`);
  if (!Array.isArray(trace.steps as unknown) || trace.steps.length === 0) throw new UsageError('the trace has no steps');
  const server = o.role === 'server';
  const waitMs = o.waitMs;
  const used = new Set<string>(['scenario']);
  const lines: string[] = [];
  const step = (fn: string, text: string): void => {
    used.add(fn);
    lines.push(`${text},`);
  };
  // The ISN of the target's latest SYN, as the engine relearns it from each one.
  let peerIsn: number | undefined;
  let accepted = false;
  let connected = false;

  if (server) {
    // As the mapper does: the application listens and accepts at once. The accept returns once
    // a connection is established; waited for before the first write or close, it may take as
    // long as the replay takes to get there (an input's answers come within the wait).
    const acceptBound = Math.min(MAX_WAIT_MS, (trace.steps.length + 1) * waitMs + 3000);
    step('app', "app('listen')");
    step('app', `app('accept', { background: ${literal(ACCEPT)}, timeout: ${acceptBound} })`);
  }

  trace.steps.forEach((s, k) => {
    const what = `step ${k + 1}`;
    const input = known.find((x) => x === s.input);
    if (input === undefined) throw new UsageError(`the trace's ${what} has input ${JSON.stringify(s.input)}, not one of the ${o.role} role's: ${known.join(', ')}`);
    lines.push(`// input ${k + 1}: ${literal(input)} -> ${literal(String(s.output))}`);
    if ((APP_INPUTS as readonly string[]).includes(input)) {
      if (s.sent) throw new UsageError(`the trace's ${what} (${input}) sent a segment, which an app input never does`);
      const note = noteOf(s.output, what);
      if (note === 'noapp') throw new UsageError(`the trace's ${what} (${input}) was made without the target's application: the query cannot be replayed`);
      if (s.call?.connection !== undefined && s.call.connection > 1) {
        throw new UsageError(`the trace's ${what} (${input}) acts on the connection the application accepted after the first one: a scenario accepts once, so it cannot replay this`);
      }
      if (s.call?.made === false || note === 'nosock' || note === 'again') {
        lines.push(`// no call: the application had ${note === 'again' ? 'its connection already' : 'no connection to act on'}`);
      } else if (input === 'connect') {
        if (note !== '') throw new UsageError(`the trace's ${what} (connect) has the note ${JSON.stringify(note)}`);
        step('app', `app('connect', { background: ${literal(CONNECT)} })`);
        connected = true;
      } else {
        if (server && !accepted) {
          step('appWait', `appWait(${literal(ACCEPT)})`);
          accepted = true;
        }
        const errno = s.call?.errno ?? (note === '' ? undefined : note);
        const checks = errno === undefined ? '' : `, { errno: ${literal(errno)} }`;
        step('app', input === 'write' ? `app('write', 1${checks})` : `app('close'${checks})`);
      }
    } else if (!s.sent) {
      if (server || connected) throw new UsageError(`the trace's ${what} (${input}) sent no segment`);
      lines.push('// nothing sent: the target has not connected yet');
    } else {
      step('send', sendText(s.sent, what, isn, peerIsn, used));
    }
    if (!Array.isArray(s.received as unknown)) throw new UsageError(`the trace's ${what} has no list of segments received`);
    s.received.forEach((r, n) => {
      const seg = expectText(r, `${what}'s answer ${n + 1}`, isn, peerIsn);
      peerIsn = seg.peerIsn;
      step('expect', seg.text);
    });
    if (s.received.length === 0) step('silence', `silence(${waitMs})`);
  });
  if (!server && !connected) throw new UsageError("the target's application never connected in this query: nothing of it went on the wire, and there is nothing to replay");

  const head = [...o.comment.map((c) => ` * ${literal(String(c))}`), ...(o.comment.length ? [' *'] : []), ` * Replays one query of the learner (the target as ${o.role}), written by tcpcraft from its trace.`];
  const names = [...used].sort();
  const setup = server
    ? [`  requires: ['app-puppet'],`, `  peer: { host: ${literal(o.host)}, port: ${trace.targetPort} },`]
    : [`  requires: ['app-puppet'],`, `  role: 'server',`, `  local: { port: ${REPLAY_LOCAL_PORT} },`, `  peer: { host: ${literal(o.host)} },`];
  return [
    '/**',
    ...head,
    ' */',
    `import { ${names.join(', ')} } from 'tcpcraft';`,
    '',
    'export default scenario({',
    `  name: ${literal(o.name)},`,
    `  description: ${literal(o.description)},`,
    ...setup,
    `  isn: ${isn},`,
    `  window: ${QUERY_WINDOW},`,
    `  timeout: ${waitMs},`,
    '  steps: [',
    ...lines.map((l) => `    ${l}`),
    '  ],',
    '});',
    '',
  ].join('\n');
}

/** The send() step for a segment the mapper sent. */
function sendText(sent: TraceSegment, what: string, isn: number, peerIsn: number | undefined, used: Set<string>): string {
  const { text, bits } = flagsOf(sent, `${what}'s segment`);
  const seq = u32(sent.seq, `${what}'s seq`);
  const ack = u32(sent.ack, `${what}'s ack`);
  const len = lenOf(sent, `${what}'s segment`);
  const fields = [`seq: ${rel(seq, isn)}`];
  const raw: string[] = [];
  if (bits & Flag.ACK) {
    if (peerIsn === undefined) raw.push(`ack: ${ack}`);
    else fields.push(`ack: ${rel(ack, peerIsn)}`);
  } else if (ack !== 0) {
    raw.push(`ack: ${ack}`);
  }
  if (len > 0) fields.push(`payload: ${literal(String.fromCharCode(DATA_BYTE).repeat(len))}`);
  if (bits & Flag.SYN) {
    const opts = SYN_OPTIONS.map((x) => {
      used.add(x.kind);
      return `${x.kind}(${x.value})`;
    });
    fields.push(`options: [${opts.join(', ')}]`);
  }
  if (raw.length) fields.push(`tcp: { ${raw.join(', ')} }`);
  return `send(${text}, { ${fields.join(', ')} })`;
}

/** The expect() step for a segment the target sent, and the ISN of its latest SYN after it. */
function expectText(r: TraceSegment, what: string, isn: number, peerIsnBefore: number | undefined): { text: string; peerIsn: number | undefined } {
  const { text, bits } = flagsOf(r, what);
  const seq = u32(r.seq, `${what}'s seq`);
  const ack = u32(r.ack, `${what}'s ack`);
  const len = lenOf(r, what);
  const peerIsn = bits & Flag.SYN ? seq : peerIsnBefore;
  // A reset answering a segment without ACK has sequence number zero (RFC 9293 §3.10.7.1), not one
  // relative to the target's ISN, which differs from run to run.
  const zeroReset = (bits & Flag.RST) !== 0 && seq === 0;
  const fields = [peerIsn === undefined || zeroReset ? `rawSeq: ${seq}` : `seq: ${rel(seq, peerIsn)}`];
  if (bits & Flag.ACK) fields.push(`ack: ${rel(ack, isn)}`);
  fields.push(`len: ${len}`);
  return { text: `expect(${text}, { ${fields.join(', ')} })`, peerIsn };
}
