/**
 * packetdrill scripts as tcpcraft scenarios (pure: text in, source text out; no I/O).
 *
 * A packetdrill script (https://github.com/google/packetdrill, syntax.md there) drives a TCP stack
 * from both ends at once: its system calls run on the machine under test, `<` lines are segments
 * it injects into that machine's stack, `>` lines are segments that stack must send. tcpcraft plays
 * the same script from the outside, black-box: the stack is a lab target, tcpcraft is the remote
 * end, and the script's system calls become `app()` steps that the target's application makes.
 *
 * - `<` segments become `send()`s with their flags, seq, ack, window, options and a payload of
 *   zeros (as packetdrill sends); `>` segments become `expect()`s of flags, seq, ack, length,
 *   options (exactly as listed, `<...>` not at all), window and urgent pointer when given.
 *   Numbers keep the script's relative values; a SYN's numbers, absolute in packetdrill, are made
 *   relative to that side's first SYN. The stack's timestamp values are captured and echoed
 *   where the script echoes them.
 * - Timing: `+T` before a `<` segment or a system call is a pause up to that point; before a `>`
 *   segment it is `at:` (measured, as tcpcraft does, from the previous segment, so the times of the
 *   events in between are added up); `+a~+b` is `after`/`within` widened by the tolerance, `*` is
 *   no timing. A blocking call (`T...E`) checks how long it blocked, and runs in the background
 *   when something must happen before it returns.
 * - Listening scripts become client-role scenarios (we send the SYN, the target's application
 *   listens and accepts); connecting scripts become server-role ones.
 * - What cannot be done from outside (shell commands, python blocks, most `--options`, poll,
 *   ioctl, TCP_INFO, ancillary data, socket options the lab's application does not know, UDP...)
 *   is listed by line: the conversion is refused, or, asked to, done without those lines, each
 *   left as a `// dropped (line N)` comment.
 *
 * Everything taken from the script (its comments, the text of its lines, its file name) enters
 * the generated source only through the code writer (src/scenario/code.ts).
 */
import { array, blockComment, call, code, ident, join, lineComment, num, object, source, str, uint8Array, type Code } from '../scenario/code.js';
import { SOCKOPTS, MAX_IO, type SockoptName } from '../lab/puppet.js';
import { flagLetters, parseFlagLetters, Flag } from '../wire/tcp.js';

// ---------------------------------------------------------------------------------------------
// Lexer

/** Token kinds, after packetdrill's own lexer (gtests/net/packetdrill/lexer.l). */
type TokKind = 'int' | 'float' | 'hex' | 'word' | 'str' | 'bq' | 'code' | 'ellipsis' | 'ip' | 'option' | 'p' | 'eof';

interface Tok {
  readonly k: TokKind;
  readonly text: string;
  readonly line: number;
  readonly col: number;
  /** Offsets in the text, for quoting the line in comments. */
  readonly start: number;
  readonly end: number;
  /** The first token on its line. */
  readonly first: boolean;
}

/** A `//` or `/* *\/` comment of the script, with the line it starts on. */
interface ScriptComment {
  readonly line: number;
  readonly start: number;
  readonly text: string;
}

/** A place in the script, 1-based. */
export interface PktPosition {
  readonly line: number;
  readonly column: number;
}

/** A script that cannot be read: where, and why. */
export class PktSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const WORD = /[A-Za-z0-9_]+/y;
const IPV4 = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/y;
const FLOAT = /-?[0-9]*\.[0-9]+/y;
const INT = /-?[0-9]+/y;
const HEX = /0x[0-9a-fA-F]+/y;
const OPTION = /--[A-Za-z0-9_]+(?:=(?:"(?:\\.|[^"\\\n])*"|[^\s]*))?/y;

function lex(text: string): { toks: Tok[]; comments: ScriptComment[] } {
  const toks: Tok[] = [];
  const comments: ScriptComment[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let lastTokLine = 0;
  const col = (at: number): number => at - lineStart + 1;
  /** Moves `i` to `to`, counting the newlines passed. */
  const advance = (to: number): void => {
    for (let j = i; j < to; j++) {
      if (text.charCodeAt(j) === 10) {
        line += 1;
        lineStart = j + 1;
      }
    }
    i = to;
  };
  const push = (k: TokKind, end: number): void => {
    const t: Tok = { k, text: text.slice(i, end), line, col: col(i), start: i, end, first: lastTokLine !== line };
    lastTokLine = line;
    toks.push(t);
    advance(end);
  };
  const sticky = (re: RegExp): number => {
    re.lastIndex = i;
    return re.exec(text) ? re.lastIndex : -1;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      advance(i + 1);
      continue;
    }
    if (text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      comments.push({ line, start: i, text: text.slice(i + 2, end).trim() });
      advance(end);
      continue;
    }
    if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new PktSyntaxError('a /* comment is never closed', line, col(i));
      comments.push({ line, start: i, text: text.slice(i + 2, close).replace(/\s+/g, ' ').trim() });
      advance(close + 2);
      continue;
    }
    if (text.startsWith('%{', i)) {
      const close = text.indexOf('}%', i + 2);
      if (close < 0) throw new PktSyntaxError('a %{ code block is never closed with }%', line, col(i));
      push('code', close + 2);
      continue;
    }
    if (c === '`' || c === '"') {
      // A quoted string or a back-quoted command: backslash escapes, may span lines.
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new PktSyntaxError(c === '`' ? 'a `command` is never closed' : 'a "string" is never closed', line, col(i));
      push(c === '`' ? 'bq' : 'str', j + 1);
      continue;
    }
    if (text.startsWith('...', i)) {
      push('ellipsis', i + 3);
      continue;
    }
    if (text.startsWith('--', i) && /[A-Za-z]/.test(text[i + 2] ?? '')) {
      push('option', sticky(OPTION));
      continue;
    }
    // The longest of the number and word rules wins, as in lex; on a tie the earlier rule.
    const candidates: Array<[TokKind, number]> = [
      ['ip', sticky(IPV4)],
      ['float', sticky(FLOAT)],
      ['int', sticky(INT)],
      ['hex', sticky(HEX)],
      ['word', sticky(WORD)],
    ];
    let best: [TokKind, number] | undefined;
    for (const cand of candidates) if (cand[1] > i && (!best || cand[1] > best[1])) best = cand;
    if (best) {
      push(best[0], best[1]);
      continue;
    }
    push('p', i + (text.codePointAt(i)! > 0xffff ? 2 : 1));
  }
  toks.push({ k: 'eof', text: '', line, col: col(i), start: i, end: i, first: true });
  return { toks, comments };
}

// ---------------------------------------------------------------------------------------------
// The script, parsed

/** When an event happens, in µs; see packetdrill's event_time. */
export type PktTime =
  | { readonly kind: 'abs'; readonly t: number }
  | { readonly kind: 'rel'; readonly t: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'absRange'; readonly a: number; readonly b: number }
  | { readonly kind: 'relRange'; readonly a: number; readonly b: number };

/** A TCP option as the script writes it. */
export type PktOption =
  | { readonly kind: 'nop' }
  | { readonly kind: 'eol' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'wscale'; readonly shift: number }
  | { readonly kind: 'sackOk' }
  | { readonly kind: 'sack'; readonly blocks: ReadonlyArray<readonly [number, number]> }
  | { readonly kind: 'timestamp'; readonly tsval: number; readonly tsecr: number }
  | { readonly kind: 'fastOpen'; readonly cookie: Uint8Array; readonly exp: boolean }
  /** md5, AccECN, a cookie given by name...: parsed, not convertible; `code` is its option kind when known. */
  | { readonly kind: 'unsupported'; readonly name: string; readonly code?: number };

/** The IP header values a packet line gives in brackets. */
export interface PktIpInfo {
  /** ECN codepoint: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE; 'either' for ect01 (ECT(0) or ECT(1)). */
  readonly ecn?: number | 'either';
  readonly tos?: number;
  readonly flowLabel?: number;
  readonly ttl?: number;
  /** IPv6 (packetdrill's `hlim`, `class`). */
  readonly hopLimit?: number;
  readonly trafficClass?: number;
}

export interface PktPacket {
  readonly type: 'tcp';
  readonly dir: '<' | '>';
  readonly ip: PktIpInfo;
  readonly ports?: readonly [number, number];
  /** packetdrill's letters: . F S R P U E W A (A is AE, the former NS bit). */
  readonly flags: string;
  readonly seq: number;
  readonly end: number;
  readonly len: number;
  readonly ack?: number;
  readonly win?: number;
  readonly urg?: number;
  /** undefined: none listed; 'any': `<...>`. */
  readonly options?: readonly PktOption[] | 'any';
}

export interface PktIcmp {
  readonly type: 'icmp';
  readonly dir: '<' | '>';
  readonly icmpType: string;
  readonly icmpCode?: string;
  readonly mtu?: number;
  /** What the script says the ICMP message quotes, as written. */
  readonly quoted?: string;
}

/** A packet line packetdrill can read but tcpcraft cannot send or check (UDP, GRE, MPLS...). */
export interface PktOtherPacket {
  readonly type: 'other';
  readonly dir: '<' | '>';
  readonly what: string;
}

/** A system call's argument or result, as written. */
export type PktExpr =
  | { readonly k: 'ellipsis' }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'word'; readonly v: string }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'or'; readonly items: readonly PktExpr[] }
  | { readonly k: 'assign'; readonly name: string; readonly args?: readonly PktExpr[]; readonly value: PktExpr }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly PktExpr[] }
  | { readonly k: 'array'; readonly items: readonly PktExpr[] }
  | { readonly k: 'struct'; readonly items: readonly PktExpr[] };

export interface PktSyscall {
  readonly type: 'syscall';
  readonly name: string;
  readonly args: readonly PktExpr[];
  readonly result: PktExpr;
  readonly errno?: string;
  /** µs: the call blocks until this time (`T...E`). */
  readonly endTime?: number;
}

export interface PktCommand {
  readonly type: 'command';
  readonly text: string;
}

export interface PktCode {
  readonly type: 'code';
  readonly text: string;
}

export type PktAction = PktPacket | PktIcmp | PktOtherPacket | PktSyscall | PktCommand | PktCode;

export interface PktEvent {
  readonly line: number;
  readonly column: number;
  /** undefined for a command without a time (the script's first and last lines may be). */
  readonly time?: PktTime;
  readonly action: PktAction;
  /** The line(s) as written, white space collapsed. */
  readonly text: string;
  /** The script's comments just before this event. */
  readonly comments: readonly string[];
  /** The script's comments at the end of its (last) line. */
  readonly after: readonly string[];
}

export interface PktOptionLine {
  readonly line: number;
  readonly name: string;
  readonly value?: string;
  readonly text: string;
}

export interface PktScript {
  readonly options: readonly PktOptionLine[];
  readonly events: readonly PktEvent[];
  /** The comments before the first option or event (the script's own description). */
  readonly heading: readonly string[];
  /** Comments after the last event. */
  readonly trailing: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Parser

const ICMP_KINDS = new Set(['icmp']);
const OTHER_PACKETS = new Set(['udp', 'ipv4', 'ipv6', 'gre', 'GREv0', 'mpls', 'encap', 'psp', 'raw']);

class Parser {
  private i = 0;
  private c = 0;
  constructor(
    private readonly text: string,
    private readonly toks: readonly Tok[],
    private readonly comments: readonly ScriptComment[],
  ) {}

  private get t(): Tok {
    return this.toks[this.i]!;
  }
  private at(n: number): Tok {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  private next(): Tok {
    const t = this.t;
    if (t.k !== 'eof') this.i += 1;
    return t;
  }
  private is(k: TokKind, text?: string, tok: Tok = this.t): boolean {
    return tok.k === k && (text === undefined || tok.text === text);
  }
  private fail(message: string, tok: Tok = this.t): never {
    throw new PktSyntaxError(message, tok.line, tok.col);
  }
  private found(tok: Tok = this.t): string {
    return tok.k === 'eof' ? 'the end of the script' : `'${tok.text.length > 40 ? `${tok.text.slice(0, 40)}…` : tok.text}'`;
  }
  private expectP(ch: string, what = `'${ch}'`): Tok {
    if (!this.is('p', ch)) this.fail(`expected ${what}, found ${this.found()}`);
    return this.next();
  }
  private int(what: string): number {
    const t = this.t;
    if (t.k === 'int') {
      this.next();
      return Number(t.text);
    }
    if (t.k === 'hex') {
      this.next();
      return Number.parseInt(t.text.slice(2), 16);
    }
    return this.fail(`expected ${what} (a whole number), found ${this.found()}`);
  }
  private word(what: string): string {
    if (!this.is('word')) this.fail(`expected ${what}, found ${this.found()}`);
    return this.next().text;
  }

  /** The comments from the last one taken up to `offset`. */
  private commentsBefore(offset: number): string[] {
    const out: string[] = [];
    while (this.c < this.comments.length && this.comments[this.c]!.start < offset) out.push(this.comments[this.c++]!.text);
    return out;
  }

  script(): PktScript {
    const options: PktOptionLine[] = [];
    const events: PktEvent[] = [];
    const firstTok = this.t;
    const heading = this.commentsBefore(firstTok.start);
    while (this.is('option')) {
      const t = this.next();
      const m = /^--([A-Za-z0-9_]+)(?:=(.*))?$/s.exec(t.text)!;
      options.push({ line: t.line, name: m[1]!, ...(m[2] !== undefined ? { value: m[2].replace(/^"(.*)"$/s, '$1') } : {}), text: t.text });
      this.commentsBefore(t.end);
    }
    while (!this.is('eof')) events.push(this.event());
    return { options, events, heading, trailing: this.commentsBefore(Number.POSITIVE_INFINITY) };
  }

  private event(): PktEvent {
    const start = this.t;
    const comments = this.commentsBefore(start.start);
    if (this.is('p', '#') && start.first) this.fail('a C preprocessor line (#ifdef...): give the script to cpp first, e.g. cpp -P -DFreeBSD FILE.pkt > OUT.pkt, so that one branch is chosen');
    if (this.is('option')) this.fail(`an option (${start.text}) after the script's first event: options go at the top`);
    let time: PktTime | undefined;
    let action: PktAction;
    if (this.is('bq')) {
      action = { type: 'command', text: this.next().text.slice(1, -1) };
    } else if (this.is('code')) {
      action = { type: 'code', text: this.next().text.slice(2, -2) };
    } else {
      time = this.time();
      action = this.action(time);
    }
    const last = this.toks[this.i - 1]!;
    if (!this.t.first && !this.is('eof')) this.fail(`expected the end of the line after this event, found ${this.found()}`);
    const text = this.text.slice(start.start, last.end).replace(/\s+/g, ' ').trim();
    // A comment at the end of the event's last line belongs to it.
    const after: string[] = [];
    while (this.c < this.comments.length && this.comments[this.c]!.line === last.line && this.comments[this.c]!.start >= last.end) after.push(this.comments[this.c++]!.text);
    return { line: start.line, column: start.col, ...(time ? { time } : {}), action, text, comments, after };
  }

  /** Seconds as written (`1`, `.1`, `0.200`) in µs. */
  private seconds(): number {
    const t = this.t;
    if (t.k !== 'int' && t.k !== 'float') return this.fail(`expected a time in seconds, found ${this.found()}`);
    this.next();
    const v = Number(t.text);
    if (!Number.isFinite(v) || v < 0) this.fail('a time cannot be negative', t);
    if (v > 100_000) this.fail('a time beyond 100000 s', t);
    return Math.round(v * 1e6);
  }

  private time(): PktTime {
    const start = this.t;
    if (this.is('p', '*')) {
      this.next();
      return { kind: 'any' };
    }
    if (this.is('p', '+')) {
      this.next();
      const a = this.seconds();
      if (!this.is('p', '~')) return { kind: 'rel', t: a };
      this.next();
      this.expectP('+', "'+' (a relative range is +a~+b)");
      const b = this.seconds();
      if (b < a) this.fail('the time range is backwards', start);
      return { kind: 'relRange', a, b };
    }
    if (this.is('int') || this.is('float')) {
      const a = this.seconds();
      if (!this.is('p', '~')) return { kind: 'abs', t: a };
      this.next();
      const b = this.seconds();
      if (b < a) this.fail('the time range is backwards', start);
      return { kind: 'absRange', a, b };
    }
    return this.fail(`expected an event: a time (0, +0.1, .1, +.1~+.2, *), an option (--name=value) or a \`command\`, found ${this.found()}`);
  }

  private action(time: PktTime): PktAction {
    if (this.is('p', '<') || this.is('p', '>')) return this.packet();
    if (this.is('bq')) return { type: 'command', text: this.next().text.slice(1, -1) };
    if (this.is('code')) return { type: 'code', text: this.next().text.slice(2, -2) };
    let endTime: number | undefined;
    if (this.is('ellipsis')) {
      this.next();
      endTime = this.seconds();
      if (time.kind !== 'rel' && time.kind !== 'abs') this.fail('a blocking system call needs a plain start time (T...E)');
    }
    if (this.is('word') && this.is('p', '(', this.at(1))) return this.syscall(endTime);
    return this.fail(`expected a packet (< or >), a system call, a \`command\` or a %{ code }% block, found ${this.found()}`);
  }

  // -- packets

  private packet(): PktAction {
    const dir = this.next().text as '<' | '>';
    const ip = this.ipInfo();
    if (this.is('word') && ICMP_KINDS.has(this.t.text)) return this.icmp(dir);
    if (this.is('word') && OTHER_PACKETS.has(this.t.text)) {
      const what = this.t.text;
      this.skipEvent();
      return { type: 'other', dir, what };
    }
    let ports: [number, number] | undefined;
    if (this.is('int') && this.is('p', '>', this.at(1))) {
      const a = this.int('a port');
      this.next();
      const b = this.int('a port');
      if (a < 1 || a > 65535 || b < 1 || b > 65535) this.fail('a port must be 1..65535');
      ports = [a, b];
    }
    const flags = this.flags();
    const seqTok = this.t;
    const seq = this.u32('the sequence number (seq:end(len))');
    this.expectP(':', "':' (seq:end(len))");
    const end = this.u32('the end sequence number (seq:end(len))');
    this.expectP('(', "'(' (seq:end(len))");
    const len = this.int('the payload length');
    this.expectP(')');
    if (len < 0 || len > 65535) this.fail('a payload length must be 0..65535', seqTok);
    if (((end - seq) >>> 0) !== len) this.fail(`seq:end(len) does not add up: ${seq}:${end} spans ${(end - seq) >>> 0}, not ${len}`, seqTok);
    let ack: number | undefined;
    let win: number | undefined;
    let urg: number | undefined;
    if (this.is('word', 'ack')) {
      this.next();
      ack = this.u32('the acknowledgment number');
    }
    if (this.is('word', 'win')) {
      this.next();
      const at = this.t;
      win = this.int('the window');
      if (win < 0 || win > 65535) this.fail('a window must be 0..65535', at);
    }
    if (this.is('word', 'urg')) {
      this.next();
      const at = this.t;
      urg = this.int('the urgent pointer');
      if (urg < 0 || urg > 65535) this.fail('an urgent pointer must be 0..65535', at);
    }
    let options: PktOption[] | 'any' | undefined;
    if (this.is('p', '<')) options = this.options();
    if (this.is('p', '/') && this.is('word', 'udp', this.at(1))) {
      // TCP in UDP (the tcp-testsuite's `/udp(1 > 9811)`, RFC 6951-style encapsulation).
      this.skipEvent();
      return { type: 'other', dir, what: 'UDP-encapsulated TCP' };
    }
    return { type: 'tcp', dir, ip, ...(ports ? { ports } : {}), flags, seq, end, len, ...(ack !== undefined ? { ack } : {}), ...(win !== undefined ? { win } : {}), ...(urg !== undefined ? { urg } : {}), ...(options !== undefined ? { options } : {}) };
  }

  private u32(what: string): number {
    const t = this.t;
    const v = this.int(what);
    if (v < 0 || v > 0xffffffff) this.fail(`${what} must be 0..4294967295`, t);
    return v;
  }

  /** `[ect0]`, `(tos 0x2)`, `[ce, flowlabel 0x12345]`, `[ttl 64]`. */
  private ipInfo(): PktIpInfo {
    let info: PktIpInfo = {};
    while (this.is('p', '[') || this.is('p', '(')) {
      const close = this.next().text === '[' ? ']' : ')';
      for (;;) {
        const w = this.word('an IP field (ect0, ect1, ce, noecn, ect01, tos, flowlabel, ttl, hlim, class)');
        if (w === 'ect0') info = { ...info, ecn: 2 };
        else if (w === 'ect1') info = { ...info, ecn: 1 };
        else if (w === 'ce') info = { ...info, ecn: 3 };
        else if (w === 'noecn') info = { ...info, ecn: 0 };
        else if (w === 'ect01') info = { ...info, ecn: 'either' };
        else if (w === 'tos') info = { ...info, tos: this.byte('the TOS byte') };
        else if (w === 'ttl') info = { ...info, ttl: this.byte('the TTL') };
        else if (w === 'hlim') info = { ...info, hopLimit: this.byte('the hop limit') };
        else if (w === 'class') info = { ...info, trafficClass: this.byte('the traffic class') };
        else if (w === 'flowlabel') {
          const at = this.t;
          const v = this.int('the flow label');
          if (v < 0 || v > 0xfffff) this.fail('a flow label must be 0..0xfffff', at);
          info = { ...info, flowLabel: v };
        } else this.fail(`'${w}' is not an IP field packetdrill knows (ect0, ect1, ce, noecn, ect01, tos, flowlabel, ttl, hlim, class)`, this.toks[this.i - 1]);
        if (this.is('p', ',')) {
          this.next();
          continue;
        }
        this.expectP(close);
        break;
      }
    }
    return info;
  }

  private byte(what: string): number {
    const v = this.int(what);
    if (v < 0 || v > 255) this.fail(`${what} must be 0..255`, this.toks[this.i - 1]);
    return v;
  }

  /** `S`, `S.`, `.`, `P.`, `F.`, `-` (no flag), `SEW`... */
  private flags(): string {
    if (this.is('p', '.')) {
      this.next();
      return '.';
    }
    if (this.is('p', '-')) {
      this.next();
      return '';
    }
    if (this.is('word')) {
      const w = this.next();
      let f = w.text;
      // `S.`, or `F .` (packetdrill's lexer drops the space): no seq starts with a dot.
      if (this.is('p', '.')) f += this.next().text;
      else if (this.is('float') && this.t.start === w.end) f += this.next().text;
      const bad = /[^.FSRPUEWA0-7]/.exec(f);
      if (bad) this.fail(`'${bad[0]}' is not a TCP flag (packetdrill's are . F S R P U E W A and the AccECN counts 0-7)`, w);
      return f;
    }
    if (this.is('float')) return this.next().text;
    return this.fail(`expected TCP flags (S, S., ., P., F., R, -...), found ${this.found()}`);
  }

  private options(): PktOption[] | 'any' {
    this.expectP('<');
    if (this.is('ellipsis')) {
      this.next();
      this.expectP('>');
      return 'any';
    }
    const out: PktOption[] = [];
    for (;;) {
      out.push(this.option());
      if (this.is('p', ',')) {
        this.next();
        continue;
      }
      this.expectP('>', "',' or '>' in the option list");
      return out;
    }
  }

  private option(): PktOption {
    const w = this.word('a TCP option (nop, eol, mss N, wscale N, sackOK, sack A:B, TS val X ecr Y, FO, FOEXP)');
    const wTok = this.toks[this.i - 1]!;
    switch (w) {
      case 'nop':
        return { kind: 'nop' };
      case 'eol':
        return { kind: 'eol' };
      case 'sackOK':
        return { kind: 'sackOk' };
      case 'mss': {
        const v = this.int('the MSS');
        if (v < 0 || v > 65535) this.fail('an MSS must be 0..65535', wTok);
        return { kind: 'mss', value: v };
      }
      case 'wscale': {
        const v = this.int('the window scale shift');
        if (v < 0 || v > 255) this.fail('a window scale must be 0..255', wTok);
        return { kind: 'wscale', shift: v };
      }
      case 'sack': {
        const blocks: Array<[number, number]> = [];
        while (this.is('int')) {
          const a = this.u32('a SACK block edge');
          this.expectP(':', "':' in a SACK block (left:right)");
          blocks.push([a, this.u32('a SACK block edge')]);
        }
        if (blocks.length === 0 || blocks.length > 4) this.fail('a SACK option takes 1 to 4 blocks (left:right)', wTok);
        return { kind: 'sack', blocks };
      }
      case 'TS': {
        if (!this.is('word', 'val')) this.fail(`expected 'val' (TS val X ecr Y), found ${this.found()}`);
        this.next();
        const tsval = this.u32('the TS value');
        if (!this.is('word', 'ecr')) this.fail(`expected 'ecr' (TS val X ecr Y), found ${this.found()}`);
        this.next();
        return { kind: 'timestamp', tsval, tsecr: this.u32('the TS echo reply') };
      }
      case 'FO':
      case 'FOEXP': {
        let cookie = new Uint8Array(0);
        if (this.is('word') || this.is('int')) {
          const t = this.next();
          // Hex digits, two per byte, as much as an option holds; a name (TFO_COOKIE) is the script's
          // own definition, which tcpcraft does not know.
          if (!/^([0-9a-fA-F]{2}){1,36}$/.test(t.text)) return { kind: 'unsupported', name: 'Fast Open cookie given by name or in odd digits', code: w === 'FOEXP' ? 254 : 34 };
          cookie = Uint8Array.from(Buffer.from(t.text, 'hex'));
        }
        return { kind: 'fastOpen', cookie, exp: w === 'FOEXP' };
      }
      case 'md5':
      case 'ECN':
      case 'exp': {
        // Parsed to the next ',' or '>', not converted.
        while (!this.is('p', ',') && !this.is('p', '>') && !this.is('eof') && !(this.t.first && this.startsEvent(this.t))) this.next();
        return w === 'md5' ? { kind: 'unsupported', name: 'MD5 signature option', code: 19 } : { kind: 'unsupported', name: w === 'ECN' ? 'AccECN option' : `option '${w}'` };
      }
      default:
        return this.fail(`'${w}' is not a TCP option packetdrill knows (nop, eol, mss, wscale, sackOK, sack, TS, FO, FOEXP, md5, ECN)`, wTok);
    }
  }

  /** `< icmp unreachable frag_needed mtu 1200 [1:1461(1460)]`. */
  private icmp(dir: '<' | '>'): PktIcmp {
    this.next();
    const icmpType = this.word('the ICMP type (unreachable, packet_too_big, time_exceeded, ...)');
    let icmpCode: string | undefined;
    if (this.is('word') && !['mtu', 'id'].includes(this.t.text)) icmpCode = this.next().text;
    else if (this.is('int')) icmpCode = this.next().text;
    let mtu: number | undefined;
    if (this.is('word', 'mtu')) {
      this.next();
      mtu = this.int('the MTU');
    }
    if (this.is('word', 'id')) {
      this.next();
      this.int('the echo id');
    }
    let quoted: string | undefined;
    if (this.is('p', '[')) {
      const open = this.next();
      let depth = 1;
      while (depth > 0) {
        if (this.is('eof')) this.fail("a '[' is never closed", open);
        const t = this.next();
        if (t.k === 'p' && t.text === '[') depth += 1;
        if (t.k === 'p' && t.text === ']') depth -= 1;
      }
      quoted = this.text.slice(open.end, this.toks[this.i - 1]!.start).trim();
    }
    return { type: 'icmp', dir, icmpType, ...(icmpCode !== undefined ? { icmpCode } : {}), ...(mtu !== undefined ? { mtu } : {}), ...(quoted !== undefined ? { quoted } : {}) };
  }

  /** True for a token that can start an event. */
  private startsEvent(t: Tok): boolean {
    return (t.k === 'p' && (t.text === '+' || t.text === '*')) || t.k === 'int' || t.k === 'float' || t.k === 'bq' || t.k === 'code';
  }

  /** Skips the rest of an event packetdrill can read but tcpcraft does not need to (to the next line that starts an event). */
  private skipEvent(): void {
    this.next();
    while (!this.is('eof') && !(this.t.first && this.startsEvent(this.t))) this.next();
  }

  // -- system calls

  private syscall(endTime: number | undefined): PktSyscall {
    const name = this.next().text;
    const args = this.exprList('(', ')');
    this.expectP('=', "'=' and the call's result");
    const result = this.expr();
    let errno: string | undefined;
    if (this.is('word') && !this.t.first) errno = this.next().text;
    if (this.is('p', '(') && !this.t.first) {
      // A note such as (Operation now in progress): words, read and ignored.
      const open = this.next();
      let depth = 1;
      while (depth > 0) {
        if (this.is('eof')) this.fail("a '(' is never closed", open);
        const t = this.next();
        if (t.k === 'p' && t.text === '(') depth += 1;
        if (t.k === 'p' && t.text === ')') depth -= 1;
      }
    }
    return { type: 'syscall', name, args, result, ...(errno !== undefined ? { errno } : {}), ...(endTime !== undefined ? { endTime } : {}) };
  }

  private exprList(open: string, close: string): PktExpr[] {
    this.expectP(open);
    const out: PktExpr[] = [];
    if (this.is('p', close)) {
      this.next();
      return out;
    }
    for (;;) {
      out.push(this.expr());
      if (this.is('p', ',')) {
        this.next();
        continue;
      }
      this.expectP(close, `',' or '${close}'`);
      return out;
    }
  }

  private expr(): PktExpr {
    const first = this.unary();
    if (!this.is('p', '|')) return first;
    const items = [first];
    while (this.is('p', '|')) {
      this.next();
      items.push(this.unary());
    }
    return { k: 'or', items };
  }

  private unary(): PktExpr {
    const t = this.t;
    switch (t.k) {
      case 'ellipsis':
        this.next();
        return { k: 'ellipsis' };
      case 'int':
      case 'hex':
        return { k: 'num', v: this.int('a number') };
      case 'str': {
        this.next();
        if (this.is('ellipsis')) this.next();
        return { k: 'str', v: t.text.slice(1, -1) };
      }
      case 'ip':
        this.next();
        return { k: 'word', v: t.text };
      case 'word': {
        this.next();
        if (this.is('p', '(')) {
          const args = this.exprList('(', ')');
          if (this.is('p', '=')) {
            this.next();
            return { k: 'assign', name: t.text, args, value: this.expr() };
          }
          return { k: 'call', name: t.text, args };
        }
        if (this.is('p', '=')) {
          this.next();
          return { k: 'assign', name: t.text, value: this.expr() };
        }
        return { k: 'word', v: t.text };
      }
      case 'p':
        if (t.text === '[') return { k: 'array', items: this.exprList('[', ']') };
        if (t.text === '{') return { k: 'struct', items: this.exprList('{', '}') };
        break;
      default:
        break;
    }
    return this.fail(`expected an argument (..., a number, a NAME, "text", [list] or {struct}), found ${this.found()}`);
  }
}

/** Reads a packetdrill script; a script it cannot read throws a {@link PktSyntaxError} with its line and column. */
export function parsePacketdrill(text: string): PktScript {
  const { toks, comments } = lex(text);
  return new Parser(text, toks, comments).script();
}

// ---------------------------------------------------------------------------------------------
// Conversion

/** How to convert a script. */
export interface PktConvertOptions {
  /** The scenario's name. */
  readonly name: string;
  /** Where the script came from (its path as given), for the header comment. */
  readonly source: string;
  /** The target's address (default: the lab's server, 10.77.0.2; fd77::2 for an IPv6 script). */
  readonly dst?: string;
  /** Convert without what cannot be done from outside, each line left as a comment, instead of refusing. */
  readonly drop?: boolean;
}

/** A line that cannot be played from outside (or a note about one that can, loosely). */
export interface PktIssue {
  readonly line: number;
  /** Short, the same for every line of its kind (for summaries): 'a shell command', 'poll()'... */
  readonly reason: string;
  /** The line as written. */
  readonly text: string;
}

/** The outcome of {@link convertPacketdrill}. */
export type PktConversion =
  | {
      readonly ok: true;
      /** The scenario's source text. */
      readonly source: string;
      readonly role: 'client' | 'server';
      /** How many steps the scenario has. */
      readonly steps: number;
      /** The lines left out (with `drop`). */
      readonly dropped: readonly PktIssue[];
      /** What is converted more loosely than packetdrill would check it. */
      readonly warnings: readonly PktIssue[];
    }
  | { readonly ok: false; readonly kind: 'syntax'; readonly line: number; readonly column: number; readonly message: string }
  | { readonly ok: false; readonly kind: 'unsupported'; readonly issues: readonly PktIssue[] };

/** The lab's target address, by family. */
const LAB_TARGET = { 4: '10.77.0.2', 6: 'fd77::2' } as const;
/** packetdrill's default port on the stack's side (its bind and connect port). */
const DEFAULT_PORT = 8080;
/** The largest segment a 1500-byte link carries, by family (the lab's veth). */
const LINK_MSS = { 4: 1460, 6: 1440 } as const;
/** The MSS a stack assumes when the SYN carries none (RFC 9293 MUST-15; RFC 8200 §5). */
const DEFAULT_MSS = { 4: 536, 6: 1220 } as const;

/** The scenario language's functions a converted scenario calls. */
type DslName = 'send' | 'expect' | 'pause' | 'either' | 'app' | 'appWait' | 'icmp' | 'mss' | 'nop' | 'wscale' | 'sackOk' | 'sack' | 'timestamp' | 'eol' | 'fastOpen' | 'option' | 'capture' | 'use' | 'oneOf';

/** A value of the converted scenario, as data; {@link render} writes it as code. */
type Val =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'str'; readonly v: string }
  | { readonly k: 'true' }
  | { readonly k: 'false' }
  | { readonly k: 'call'; readonly fn: DslName; readonly args: readonly Val[] }
  | { readonly k: 'arr'; readonly items: readonly Val[] }
  | { readonly k: 'obj'; readonly fields: ReadonlyArray<readonly [string, Val]> }
  /** `new Uint8Array(n)`: n zero bytes, the payload packetdrill sends. */
  | { readonly k: 'zeros'; readonly n: number }
  /** `new Uint8Array([1, 2, 3])`. */
  | { readonly k: 'bytes'; readonly v: Uint8Array }
  /** `use(name, (v) => (v + by) >>> 0)`: a captured timestamp, moved as the script moves it. */
  | { readonly k: 'shifted'; readonly name: string; readonly by: number };

const n = (v: number): Val => ({ k: 'num', v });
const s = (v: string): Val => ({ k: 'str', v });
const T: Val = { k: 'true' };
const F: Val = { k: 'false' };
const fn = (name: DslName, ...args: Val[]): Val => ({ k: 'call', fn: name, args });
const obj = (fields: ReadonlyArray<readonly [string, Val | undefined]>): Val => ({ k: 'obj', fields: fields.filter((f): f is [string, Val] => f[1] !== undefined) });
const arr = (items: readonly Val[]): Val => ({ k: 'arr', items });

/** Milliseconds from µs, as written in a scenario (µs precision). */
const ms = (us: number): number => Math.round(us) / 1000;

function render(v: Val): Code {
  switch (v.k) {
    case 'num':
      return num(v.v);
    case 'str':
      return str(v.v, "'");
    case 'true':
      return code`true`;
    case 'false':
      return code`false`;
    case 'call':
      return call(v.fn, v.args.map(render));
    case 'arr':
      return array(v.items.map(render));
    case 'obj':
      return object(v.fields.map(([k, x]) => [k, render(x)] as const));
    case 'zeros':
      return code`new Uint8Array(${num(v.n)})`;
    case 'bytes':
      return uint8Array(v.v);
    case 'shifted':
      return v.by >= 0 ? code`use(${str(v.name, "'")}, (v) => (v + ${num(v.by)}) >>> 0)` : code`use(${str(v.name, "'")}, (v) => (v - ${num(-v.by)}) >>> 0)`;
  }
}

/** The DSL functions a value calls (for the import line). */
function callsIn(v: Val, into: Set<string>): void {
  if (v.k === 'call') {
    into.add(v.fn);
    v.args.forEach((a) => callsIn(a, into));
  } else if (v.k === 'arr') v.items.forEach((x) => callsIn(x, into));
  else if (v.k === 'obj') v.fields.forEach(([, x]) => callsIn(x, into));
  else if (v.k === 'shifted') into.add('use');
}

/** One line of the scenario's step list: comments, then a step (or none: a dropped line). */
interface Item {
  readonly comments: readonly string[];
  readonly step?: Val;
}

/** An app() step being made: its call's arguments and its checks; steps to make before it (the first parts of a long write). */
interface AppCallModel {
  readonly call: readonly Val[];
  readonly checks: ReadonlyArray<readonly [string, Val]>;
  readonly blocks?: 'accept' | 'connect' | 'read' | 'write';
  readonly before?: readonly Val[];
  readonly note?: readonly string[];
}

/** A call made in the background, waited for later. */
interface Pending {
  readonly name: string;
  /** When it can return: once the handshake is complete (accept), once the SYN/ACK came (connect), or by a time. */
  readonly until: 'established' | 'synack' | number;
}

/** Thrown inside the converter for a line it cannot convert; collected, never escapes. */
class Unsupported extends Error {}
const unsupported = (reason: string): never => {
  throw new Unsupported(reason);
};

/** The sockopt levels packetdrill scripts name, for the check that a name is at home there. */
const SOCKOPT_LEVELS: Readonly<Record<string, string>> = { SOL_SOCKET: 'socket', SOL_TCP: 'tcp', IPPROTO_TCP: 'tcp', SOL_IP: 'ip', IPPROTO_IP: 'ip', SOL_IPV6: 'ipv6', IPPROTO_IPV6: 'ipv6' };

/** ICMPv4 and ICMPv6 messages an `icmp()` step can send, by packetdrill's names. */
const ICMP4: Readonly<Record<string, { type: number; codes?: readonly string[] }>> = {
  unreachable: {
    type: 3,
    codes: ['net_unreachable', 'host_unreachable', 'protocol_unreachable', 'port_unreachable', 'frag_needed', 'source_route_failed', 'net_unknown', 'host_unknown', 'source_host_isolated', 'net_prohibited', 'host_prohibited', 'net_unreachable_for_tos', 'host_unreachable_for_tos', 'packet_filtered', 'precedence_violation', 'precedence_cutoff'],
  },
  source_quench: { type: 4 },
  time_exceeded: { type: 11, codes: ['ttl_exceeded_in_transit', 'frag_reassembly_time_exceeded'] },
  parameter_problem: { type: 12 },
};
const ICMP6: Readonly<Record<string, { type: number; codes?: readonly string[] }>> = {
  unreachable: { type: 1, codes: ['no_route', 'admin_prohibited', 'not_neighbour', 'address_unreachable', 'port_unreachable'] },
  packet_too_big: { type: 2 },
  time_exceeded: { type: 3, codes: ['exceeded_hop_limit', 'exceeded_frag_time'] },
  parameter_problem: { type: 4, codes: ['header_field', 'unknown_next_header', 'unknown_option'] },
};

/** Options that change nothing a black-box run checks, with what the scenario does instead. */
const IGNORED_OPTIONS: Readonly<Record<string, string>> = {
  local_ip: "the lab's addresses are used",
  remote_ip: "the lab's addresses are used",
  gateway_ip: "the lab's addresses are used",
  netmask_ip: "the lab's addresses are used",
  tcp_ts_tick_usecs: "the stack's timestamp values are captured and echoed, not checked against a clock",
  strict_segments: 'segments longer than the MSS are expected as MSS-sized segments',
  verbose: 'a packetdrill run option',
};

/** A syscall argument as a number, or undefined. */
const numOf = (e: PktExpr | undefined): number | undefined => (e?.k === 'num' ? e.v : undefined);
/** The words of a flags argument (`MSG_MORE`, `O_RDWR|O_NONBLOCK`, `0`). */
function wordsOf(e: PktExpr | undefined): string[] | undefined {
  if (!e) return undefined;
  if (e.k === 'num') return e.v === 0 ? [] : undefined;
  if (e.k === 'word') return [e.v];
  if (e.k === 'or') {
    const parts = e.items.map(wordsOf);
    return parts.every((p) => p !== undefined) ? parts.flat() as string[] : undefined;
  }
  return undefined;
}
/** True when `e` names `word` anywhere in it. */
function mentions(e: PktExpr, word: string): boolean {
  switch (e.k) {
    case 'word':
      return e.v === word;
    case 'or':
    case 'array':
    case 'struct':
      return e.items.some((x) => mentions(x, word));
    case 'assign':
      return mentions(e.value, word) || (e.args ?? []).some((x) => mentions(x, word));
    case 'call':
      return e.args.some((x) => mentions(x, word));
    default:
      return false;
  }
}

/** The value written in `[v]` (setsockopt's and getsockopt's value), a number or undefined. */
const boxed = (e: PktExpr | undefined): number | undefined => (e?.k === 'array' && e.items.length === 1 ? numOf(e.items[0]) : numOf(e));
/** `sin_port=htons(N)` in a sockaddr argument, if given. */
function portIn(e: PktExpr | undefined): number | undefined {
  if (e?.k !== 'struct') return undefined;
  for (const f of e.items) if (f.k === 'assign' && f.name === 'sin_port' || f.k === 'assign' && f.name === 'sin6_port') return f.value.k === 'call' && f.value.name === 'htons' ? numOf(f.value.args[0]) : numOf(f.value);
  return undefined;
}
/** The byte counts of an iovec list `[{..., 100}, {..., 200}]`. */
function iovLengths(e: PktExpr | undefined): number[] | undefined {
  if (e?.k !== 'array') return undefined;
  const out: number[] = [];
  for (const item of e.items) {
    const len = item.k === 'struct' && item.items.length === 2 && item.items[0]!.k === 'ellipsis' ? numOf(item.items[1]) : undefined;
    if (len === undefined) return undefined;
    out.push(len);
  }
  return out;
}

const signed32 = (x: number): number => {
  const u = x >>> 0;
  return u > 0x7fffffff ? u - 0x1_0000_0000 : u;
};

class Converter {
  private readonly issues: PktIssue[] = [];
  private readonly warnings: PktIssue[] = [];
  private readonly items: Item[] = [];
  private readonly requires = new Set<string>();
  private family: 4 | 6 = 4;
  private tolerance = { ms: 4, percent: 12.5 };
  private role: 'client' | 'server' = 'client';
  private port = DEFAULT_PORT;
  private localPort?: number;
  private ports?: readonly [number, number];

  // Sockets: packetdrill's fd numbers.
  private sockFd?: number;
  private listenFd?: number;
  private connFd?: number;
  private listening = false;
  /** After a second socket or connection, everything is beyond one connection. */
  private beyond?: string;

  // The handshake as the script tells it.
  private remoteIsn?: number;
  private localIsn?: number;
  private stackSynAck = false;
  private established = false;
  private synAckIn = false;
  private ourMss?: number;
  private ourTs = false;
  private stackTs = false;
  private userMss?: number;

  /** The stack's timestamp values captured so far, with the script's value for each. */
  private readonly tsCaptures: Array<{ name: string; scriptVal: number }> = [];
  private readonly pending: Pending[] = [];
  private readonly counts = new Map<string, number>();

  // Timing: µs since the latest segment (the reference of tcpcraft's timing checks).
  /** The latest event's time since the latest segment. */
  private frame = 0;
  /** False when `frame` is an estimate (after a line with an open time was dropped): no timing checks then. */
  private frameExact = true;
  /** The script time of the latest segment (for absolute times). */
  private origin = 0;
  /** False when `origin` is an estimate (the segment came within a range, or at '*'). */
  private originExact = true;
  /** How long the steps since the latest segment have paused. */
  private waited = 0;
  /** Estimated script time of each event (for ordering only), and the current index. */
  private est: number[] = [];
  private index = 0;

  constructor(
    private readonly script: PktScript,
    private readonly o: PktConvertOptions,
  ) {}

  convert(): PktConversion {
    this.readOptions();
    // The stack opens the connection when the script connects (or sends with MSG_FASTOPEN, which connects).
    const connects = (a: PktAction): boolean => a.type === 'syscall' && (a.name === 'connect' || ((a.name === 'sendto' || a.name === 'sendmsg') && a.args.some((x) => mentions(x, 'MSG_FASTOPEN'))));
    this.role = this.script.events.some((e) => connects(e.action)) ? 'server' : 'client';
    this.est = this.estimates();
    this.script.events.forEach((e, i) => {
      this.index = i;
      const before = this.items.length;
      const saved = { frame: this.frame, frameExact: this.frameExact, origin: this.origin, originExact: this.originExact, waited: this.waited };
      // When this event happens, since the latest segment: the next relative time counts from it.
      const at = this.frameTime(e.time);
      let segment = e.action.type === 'tcp';
      try {
        if (this.beyond !== undefined && !(e.action.type === 'command' && e.time === undefined)) unsupported(this.beyond);
        this.event(e);
      } catch (err) {
        if (!(err instanceof Unsupported)) throw err;
        this.items.length = before;
        Object.assign(this, saved);
        segment = false;
        this.issues.push({ line: e.line, reason: err.message, text: e.text });
        this.items.push({ comments: [...e.comments, `dropped (line ${e.line}: ${err.message}): ${e.text}`, ...e.after] });
      }
      if (!segment && e.time) {
        this.frame = at ?? this.frame;
        // A dropped line with an open time: what follows it counts from a moment tcpcraft never sees.
        if (e.time.kind === 'any' || e.time.kind === 'relRange' || e.time.kind === 'absRange') this.frameExact = false;
      }
      this.waitFor(i);
    });
    for (const p of this.pending.splice(0)) this.items.push({ comments: [`the ${p.name} call started in the background returns by now`], step: fn('appWait', s(p.name)) });
    if (this.script.trailing.length) this.items.push({ comments: this.script.trailing });
    if (this.issues.length && !this.o.drop) return { ok: false, kind: 'unsupported', issues: this.issues };
    if (!this.items.some((i) => i.step)) return { ok: false, kind: 'unsupported', issues: [...this.issues, { line: 0, reason: 'nothing left to play', text: '' }] };
    return { ok: true, source: this.write(), role: this.role, steps: this.items.filter((i) => i.step).length, dropped: this.issues, warnings: this.warnings };
  }

  private warn(line: number, reason: string, text: string): void {
    this.warnings.push({ line, reason, text });
  }

  // -- options

  private readOptions(): void {
    for (const opt of this.script.options) {
      const v = opt.value;
      const refuse = (reason: string): void => {
        this.issues.push({ line: opt.line, reason, text: opt.text });
        this.items.push({ comments: [`dropped (line ${opt.line}: ${reason}): ${opt.text}`] });
      };
      const number = (min: number, max: number): number | undefined => {
        const x = v !== undefined && /^\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
        if (!(x >= min && x <= max)) {
          refuse(`option --${opt.name} with a value tcpcraft cannot read`);
          return undefined;
        }
        return x;
      };
      switch (opt.name) {
        case 'tolerance_usecs': {
          const x = number(1, 10_000_000);
          if (x !== undefined) this.tolerance = { ...this.tolerance, ms: x / 1000 };
          break;
        }
        case 'tolerance_percent': {
          const x = number(0, 100);
          if (x !== undefined) this.tolerance = { ...this.tolerance, percent: x };
          break;
        }
        case 'bind_port':
        case 'connect_port': {
          const x = number(1, 65535);
          if (x !== undefined && Number.isInteger(x)) this.port = x;
          break;
        }
        case 'ip_version':
          if (v === 'ipv4') this.family = 4;
          else if (v === 'ipv6') this.family = 6;
          else if (v === 'ipv4-mapped-ipv6') {
            this.family = 4;
            this.warn(opt.line, 'an IPv4-mapped IPv6 socket is played as IPv4', opt.text);
          } else refuse(`option --ip_version=${v ?? ''}`);
          break;
        default:
          if (IGNORED_OPTIONS[opt.name] !== undefined) this.warn(opt.line, `--${opt.name} ignored: ${IGNORED_OPTIONS[opt.name]}`, opt.text);
          else refuse(`option --${opt.name}`);
      }
    }
  }

  /** Each event's script time (µs from the start), estimated where the script leaves it open. */
  private estimates(): number[] {
    let prev = 0;
    return this.script.events.map((e) => {
      const t = e.time;
      let at = prev;
      if (t?.kind === 'abs') at = t.t;
      else if (t?.kind === 'rel') at = prev + t.t;
      else if (t?.kind === 'absRange') at = t.a;
      else if (t?.kind === 'relRange') at = prev + t.a;
      prev = at;
      return at;
    });
  }

  /** The tolerance packetdrill allows around a time `us` after the previous event: the larger of the fixed one and the percentage. */
  private tol(us: number): number {
    return Math.max(this.tolerance.ms * 1000, (this.tolerance.percent / 100) * us);
  }

  // -- events

  private event(e: PktEvent): void {
    const a = e.action;
    switch (a.type) {
      case 'command':
        return unsupported(/\bsysctl\b|set_sysctls|\/proc\/sys/.test(a.text) ? 'a shell command setting sysctls' : 'a shell command');
      case 'code':
        return unsupported('a python block (%{ }%)');
      case 'other':
        return unsupported(`${a.what} packets`);
      case 'icmp':
        return this.icmp(e, a);
      case 'tcp':
        return a.dir === '<' ? this.inbound(e, a) : this.outbound(e, a);
      case 'syscall':
        return this.syscall(e, a);
    }
  }

  /**
   * The current event's time since the latest segment (µs), from its own time (a range: its start
   * `a` or end `b`). For a check (`check`), undefined where the script leaves it open or tcpcraft
   * cannot know it; otherwise the best estimate (pauses need one).
   */
  private frameTime(t: PktTime | undefined, start: 'a' | 'b' = 'a', check = false): number | undefined {
    if (!t) return this.frame;
    switch (t.kind) {
      case 'rel':
        return check && !this.frameExact ? undefined : this.frame + t.t;
      case 'relRange':
        return check && !this.frameExact ? undefined : this.frame + (start === 'a' ? t.a : t.b);
      case 'abs':
        return check && !this.originExact ? undefined : Math.max(0, t.t - this.origin);
      case 'absRange':
        return check && !this.originExact ? undefined : Math.max(0, (start === 'a' ? t.a : t.b) - this.origin);
      case 'any':
        return check ? undefined : this.frame;
    }
  }

  /** A pause up to frame time `t` (for something we do: a segment sent, a call made). */
  private pauseTo(t: number | undefined, comments: readonly string[]): string[] {
    if (t === undefined || t <= this.waited) return [...comments];
    this.items.push({ comments, step: fn('pause', n(ms(t - this.waited))) });
    this.waited = t;
    return [];
  }

  /** After a segment: it is the new reference; its script time is known exactly unless it came in a range or at '*'. */
  private segmentDone(t: PktTime | undefined): void {
    const exact = (t?.kind === 'abs' || (t?.kind === 'rel' && this.frameExact)) && (t.kind === 'abs' || this.originExact);
    this.origin = this.est[this.index] ?? this.origin;
    this.originExact = exact;
    this.frame = 0;
    this.frameExact = true;
    this.waited = 0;
  }

  private comments(e: PktEvent): string[] {
    return [...e.comments, `line ${e.line}: ${e.text}`, ...e.after];
  }

  // -- segments we send

  private flagsOf(p: PktPacket): string {
    if (/[0-7]/.test(p.flags)) unsupported('AccECN flags (ACE counts)');
    // packetdrill's `.` is ACK, its `A` the AE bit (tcpcraft's N).
    const letters = p.flags.replace(/A/g, 'N').replace(/\./g, 'A');
    const parsed = parseFlagLetters(letters);
    if (!parsed.ok) return unsupported(`TCP flags '${p.flags}'`);
    return flagLetters(parsed.flags);
  }

  private checkPorts(p: PktPacket): void {
    if (!p.ports) return;
    // Ours first: inbound segments go from our port to the stack's.
    const ours = p.dir === '<' ? p.ports : ([p.ports[1], p.ports[0]] as const);
    if (this.ports && (this.ports[0] !== ours[0] || this.ports[1] !== ours[1])) unsupported('a second connection (other ports)');
    this.ports = ours;
  }

  private inbound(e: PktEvent, p: PktPacket): void {
    this.checkPorts(p);
    const flags = this.flagsOf(p);
    const syn = p.flags.includes('S');
    if (p.win === undefined) throw new PktSyntaxError('a segment to send (<) needs its window (win N), as packetdrill says', e.line, e.column);
    if (syn) this.remoteIsn = p.seq;
    const seq = syn ? 0 : signed32(p.seq);
    const hasAck = p.flags.includes('.');
    // packetdrill maps an acknowledgment only with the ACK flag, and from the stack's ISN: without
    // the flag, or before the stack has sent a SYN, the number goes out as written (raw).
    const raw = (!hasAck && p.ack !== undefined && p.ack !== 0) || (hasAck && this.localIsn === undefined);
    const ack = raw || !hasAck ? undefined : signed32(syn ? (p.ack ?? 0) - this.localIsn! : (p.ack ?? 0));
    const rawAck = raw ? (p.ack ?? 0) : undefined;
    if (p.ip.ecn === 'either') unsupported('ect01 on a segment to send (ECT(0) or ECT(1): which?)');
    const ip = obj([
      ['ecn', typeof p.ip.ecn === 'number' ? n(p.ip.ecn) : p.ip.tos !== undefined ? n(p.ip.tos & 3) : undefined],
      ['dscp', p.ip.tos !== undefined && p.ip.tos >> 2 ? n(p.ip.tos >> 2) : undefined],
      ['ttl', p.ip.ttl !== undefined ? n(p.ip.ttl) : undefined],
      ['hopLimit', p.ip.hopLimit !== undefined ? n(p.ip.hopLimit) : undefined],
      ['trafficClass', p.ip.trafficClass !== undefined ? n(p.ip.trafficClass) : undefined],
      ['flowLabel', p.ip.flowLabel !== undefined ? n(p.ip.flowLabel) : undefined],
    ]);
    let options: Val | undefined;
    if (p.options === 'any') this.warn(e.line, '<...> on a segment to send: sent without options', e.text);
    else if (p.options) options = arr(p.options.map((o) => this.sendOption(o, hasAck)));
    if (syn) {
      const m = p.options !== 'any' ? p.options?.find((o) => o.kind === 'mss') : undefined;
      this.ourMss = m?.kind === 'mss' ? m.value : undefined;
      this.ourTs = p.options !== 'any' && (p.options ?? []).some((o) => o.kind === 'timestamp');
    }
    const headers = (this.family === 4 ? 20 : 40) + 20 + (Array.isArray(p.options) ? p.options.reduce((sum, o) => sum + optionBytes(o), 0) : 0);
    if (headers + p.len > 1500) this.warn(e.line, `a ${p.len}-byte segment to send: ${headers + p.len} bytes of IP, more than a 1500-byte link carries (packetdrill's tun takes it whole); raise the lab link's MTU or expect the send to fail`, e.text);
    const fields = obj([
      ['seq', n(seq)],
      ['ack', ack !== undefined ? n(ack) : undefined],
      ['tcp', rawAck !== undefined ? obj([['ack', n(rawAck)]]) : undefined],
      ['window', n(p.win)],
      ['urgent', p.urg ? n(p.urg) : undefined],
      ['options', options],
      ['payload', p.len > 0 ? { k: 'zeros', n: p.len } : undefined],
      ['ip', ip.k === 'obj' && ip.fields.length ? ip : undefined],
    ]);
    const t = this.frameTime(e.time);
    const comments = this.pauseTo(t, this.comments(e));
    this.items.push({ comments, step: fn('send', s(flags), fields) });
    this.segmentDone(e.time);
    if (syn && hasAck) this.synAckIn = true;
    if (this.role === 'client' && this.stackSynAck && hasAck && !syn && !p.flags.includes('R')) this.established = true;
  }

  /** An option to send; a TS echo refers to the stack's value the script echoes. */
  private sendOption(o: PktOption, hasAck: boolean): Val {
    switch (o.kind) {
      case 'timestamp':
        return fn('timestamp', n(o.tsval), hasAck ? this.echo(o.tsecr) : n(o.tsecr));
      case 'unsupported':
        return unsupported(`the ${o.name}`);
      default:
        return optionVal(o);
    }
  }

  /**
   * A TS echo of the stack's value the script calls `ecr`: the capture of the stack's segment
   * that had that value in the script (the latest one), else the latest capture moved by the
   * difference; before any, the number as written.
   */
  private echo(ecr: number): Val {
    const same = [...this.tsCaptures].reverse().find((c) => c.scriptVal === ecr);
    if (same) return fn('use', s(same.name));
    const latest = this.tsCaptures.at(-1);
    if (!latest) return n(ecr);
    return { k: 'shifted', name: latest.name, by: signed32(ecr - latest.scriptVal) };
  }

  // -- segments we expect

  private outbound(e: PktEvent, p: PktPacket): void {
    this.checkPorts(p);
    const flags = this.flagsOf(p);
    const syn = p.flags.includes('S');
    if (syn) {
      this.localIsn = p.seq;
      const opts = Array.isArray(p.options) ? p.options : [];
      this.stackTs = opts.some((o) => o.kind === 'timestamp');
      if (opts.some((o) => o.kind === 'sackOk')) this.requires.add('sack');
      if (this.stackTs) this.requires.add('timestamps');
      if (opts.some((o) => o.kind === 'wscale')) this.requires.add('wscale');
    }
    const seq = syn ? 0 : signed32(p.seq);
    // Without the ACK flag packetdrill compares the field unmapped: a raw check tcpcraft has not.
    const hasAck = p.flags.includes('.');
    if (p.ack !== undefined && p.ack !== 0 && !hasAck) this.warn(e.line, 'the acknowledgment field of a segment without ACK is not checked', e.text);
    const ack = p.ack === undefined || !hasAck ? undefined : signed32(syn ? p.ack - (this.remoteIsn ?? 0) : p.ack);
    const ip = obj([
      ['ecn', p.ip.ecn === 'either' ? fn('oneOf', n(1), n(2)) : p.ip.ecn !== undefined ? n(p.ip.ecn) : p.ip.tos !== undefined ? n(p.ip.tos & 3) : undefined],
      ['ttl', p.ip.ttl !== undefined ? n(p.ip.ttl) : undefined],
      ['hopLimit', p.ip.hopLimit !== undefined ? n(p.ip.hopLimit) : undefined],
      ['trafficClass', p.ip.trafficClass !== undefined ? n(p.ip.trafficClass) : undefined],
      ['flowLabel', p.ip.flowLabel !== undefined ? n(p.ip.flowLabel) : undefined],
    ]);
    if (p.ip.tos !== undefined && p.ip.tos >> 2) this.warn(e.line, 'the DSCP of the TOS byte is not checked (only its ECN bits)', e.text);
    const tsOpt = Array.isArray(p.options) ? p.options.find((o): o is Extract<PktOption, { kind: 'timestamp' }> => o.kind === 'timestamp') : undefined;
    // An option of the stack's whose value tcpcraft cannot know (a cookie the script names, an MD5
    // signature) is checked for its presence only; one of no known kind makes the segment unconvertible.
    if (Array.isArray(p.options)) {
      for (const o of p.options) {
        if (o.kind !== 'unsupported') continue;
        if (o.code === undefined) unsupported(`the ${o.name}`);
        this.warn(e.line, `the ${o.name}: only its presence is checked`, e.text);
      }
    }

    // Timing, from the latest segment.
    const t = e.time;
    const timing: Array<[string, Val | undefined]> = [];
    let needed: number | undefined;
    let when: number | undefined;
    if (t?.kind === 'relRange' || t?.kind === 'absRange') {
      const a = this.frameTime(t, 'a', true);
      const b = this.frameTime(t, 'b', true);
      if (a !== undefined && b !== undefined) {
        const slack = this.tol(a);
        if (a - slack > 0) timing.push(['after', n(ms(a - slack))]);
        timing.push(['within', n(ms(b + slack))]);
        needed = b + slack;
      }
    } else if (t?.kind !== 'any') {
      when = this.frameTime(t, 'a', true);
      if (when !== undefined) {
        timing.push(['at', n(ms(when))]);
        needed = when + this.tol(when);
      }
    }
    if (needed !== undefined && needed - this.waited > 2_500_000) timing.push(['timeout', n(Math.ceil(ms(needed - this.waited + 1_000_000)))]);

    // Segments longer than the MSS come as several on a wire (packetdrill takes them whole or in pieces).
    const mss = this.sendMss();
    const pieces = p.len > mss && !syn ? Math.ceil(p.len / mss) : 1;
    const comments = this.comments(e);
    if (pieces > 1) comments.push(`${p.len} bytes in ${pieces} segments of at most ${mss} (the stack's MSS here): packetdrill matches them as one`);
    for (let k = 0; k < pieces; k++) {
      const last = k === pieces - 1;
      const len = pieces > 1 ? Math.min(mss, p.len - k * mss) : p.len;
      const options = p.options === 'any' ? undefined : this.expectOptions(p.options ?? [], last ? tsOpt : undefined);
      const fields = obj([
        ['seq', n(signed32(seq + k * mss))],
        ['ack', ack !== undefined ? n(ack) : undefined],
        ['len', n(len)],
        ['window', p.win !== undefined ? n(p.win) : undefined],
        ['urgent', p.urg !== undefined ? n(p.urg) : undefined],
        ['options', options],
        ['ip', ip.k === 'obj' && ip.fields.length ? ip : undefined],
        ...(k === 0 ? timing : []),
      ]);
      if (pieces === 1) this.items.push({ comments, step: fn('expect', s(flags), fields) });
      else {
        // On the wire PSH comes where the stack's own segmentation ends a write, which need not be
        // where the script's TSO packet ended: any piece may have it or not. FIN only on the last.
        const mask = (parseFlagLetters(flags) as { flags: number }).flags & ~Flag.PSH & ~(last ? 0 : Flag.FIN);
        this.items.push({ comments: k === 0 ? comments : [], step: fn('either', fn('expect', s(flagLetters(mask)), fields), fn('expect', s(flagLetters(mask | Flag.PSH)), fields)) });
      }
    }
    this.segmentDone(t);
    if (this.role === 'client' && syn && p.flags.includes('.')) this.stackSynAck = true;
  }

  /** The stack's segment size, as it will be on the lab's link. */
  private sendMss(): number {
    const offered = this.ourMss ?? DEFAULT_MSS[this.family];
    const mss = Math.min(offered, LINK_MSS[this.family], this.userMss ?? Number.POSITIVE_INFINITY);
    return Math.max(1, mss - (this.ourTs && this.stackTs ? 12 : 0));
  }

  /**
   * The options check of a segment we expect: the exact list when it has no timestamp; with one,
   * or with an option whose value tcpcraft cannot know, checks of each listed option's value (of
   * the presence of that option) and of the absence of the others (the stack's TS value is its own:
   * captured, for the echoes that follow).
   */
  private expectOptions(list: readonly PktOption[], ts: Extract<PktOption, { kind: 'timestamp' }> | undefined): Val {
    const hasTs = list.some((o) => o.kind === 'timestamp');
    if (!hasTs && !list.some((o) => o.kind === 'unsupported')) return arr(list.map(optionVal));
    const fields: Array<[string, Val | undefined]> = [];
    // A Fast Open option tcpcraft decodes as another kind (the experimental 254, a cookie of a length
    // RFC 7413 does not allow) is checked by its code.
    const raw = (o: PktOption): number | undefined =>
      o.kind === 'unsupported' ? o.code : o.kind !== 'fastOpen' ? undefined : o.exp ? 254 : o.cookie.length && (o.cookie.length < 4 || o.cookie.length > 16) ? 34 : undefined;
    const kinds = new Set<string>(list.filter((o) => o.kind !== 'nop' && o.kind !== 'eol' && raw(o) === undefined).map((o) => o.kind));
    const codes = [...new Set(list.map(raw).filter((c): c is number => c !== undefined))];
    fields.push(['has', arr([...[...kinds].map(s), ...codes.map(n)])]);
    const absent = ['mss', 'wscale', 'sackOk', 'sack', 'timestamp', 'fastOpen'].filter((k) => !kinds.has(k) && !(k === 'fastOpen' && codes.includes(34)));
    if (absent.length) fields.push(['lacks', arr(absent.map(s))]);
    for (const o of list) {
      if (o.kind === 'mss') fields.push(['mss', n(o.value)]);
      else if (o.kind === 'wscale') fields.push(['wscale', n(o.shift)]);
      else if (o.kind === 'sack') fields.push(['sack', arr(o.blocks.map(([l, r]) => arr([n(signed32(l)), n(signed32(r))])))]);
      else if (o.kind === 'fastOpen' && !o.exp && o.cookie.length >= 4 && o.cookie.length <= 16) fields.push(['fastOpen', { k: 'bytes', v: o.cookie }]);
      else if (o.kind === 'timestamp') {
        let tsval: Val | undefined;
        if (ts) {
          const name = `ts${this.tsCaptures.length + 1}`;
          this.tsCaptures.push({ name, scriptVal: o.tsval });
          tsval = fn('capture', s(name));
        }
        fields.push(['timestamp', obj([['tsval', tsval], ['tsecr', n(o.tsecr)]])]);
      }
    }
    return obj(fields);
  }

  // -- ICMP

  private icmp(e: PktEvent, m: PktIcmp): void {
    if (m.dir === '>') unsupported('an ICMP message from the stack');
    const table = this.family === 4 ? ICMP4 : ICMP6;
    const kind = table[m.icmpType];
    if (!kind) return unsupported(`ICMP ${m.icmpType}`);
    let codeNo = 0;
    if (m.icmpCode !== undefined) {
      const i = kind.codes?.indexOf(m.icmpCode) ?? -1;
      if (i >= 0) codeNo = i;
      else if (/^\d+$/.test(m.icmpCode) && Number(m.icmpCode) <= 255) codeNo = Number(m.icmpCode);
      else unsupported(`ICMP ${m.icmpType} ${m.icmpCode}`);
    }
    const mtuOk = (this.family === 4 && kind.type === 3 && codeNo === 4) || (this.family === 6 && kind.type === 2);
    if (m.mtu !== undefined && !mtuOk) unsupported('an MTU on an ICMP message that carries none');
    const t = this.frameTime(e.time);
    const comments = this.pauseTo(t, this.comments(e));
    if (m.quoted !== undefined) comments.push(`it quotes the stack's latest segment (the script names ${m.quoted})`);
    const args = [n(kind.type), n(codeNo), ...(m.mtu !== undefined ? [obj([['mtu', n(m.mtu)]])] : [])];
    this.items.push({ comments, step: fn('icmp', ...args) });
  }

  // -- system calls

  /** The app() checks that say which socket a call on `fd` is for; unsupported for an fd of no socket we know. */
  private socketOf(fd: number | undefined, name: string): Array<[string, Val]> {
    if (fd === undefined) return unsupported(`${name}() on a file descriptor that is not a number`);
    if (fd === this.connFd) return [];
    if (fd === this.sockFd && (this.role === 'server' || !this.listening)) return [];
    if (fd === this.listenFd && this.listening) return [['listener', T]];
    return unsupported(`${name}() on fd ${fd}, which is no socket of the connection`);
  }

  private next(kind: string): string {
    const k = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, k);
    return k === 1 && (kind === 'accept' || kind === 'connect') ? kind : `${kind}${k}`;
  }

  private syscall(e: PktEvent, c: PktSyscall): void {
    const args = c.args;
    const fd = numOf(args[0]);
    const failed = c.errno !== undefined || numOf(c.result) === -1;
    // A failure names its errno (packetdrill's `= -1 EPIPE (Broken pipe)`), or says -1 only.
    if (c.errno !== undefined && !/^E[A-Z0-9]{1,20}$/.test(c.errno)) unsupported(`${c.name}() failing with '${c.errno}'`);
    const errnoCheck: Array<[string, Val]> = !failed ? [] : c.errno !== undefined ? [['errno', s(c.errno)]] : [['returns', n(-1)]];
    const result = numOf(c.result);
    let step: AppCallModel | undefined;
    switch (c.name) {
      case 'socket': {
        const type = wordsOf(args[1]);
        if (!type?.includes('SOCK_STREAM')) return unsupported('a socket that is not SOCK_STREAM (UDP, raw...)');
        if (failed || result === undefined) return unsupported('a socket() that fails');
        if (this.sockFd !== undefined) {
          this.beyond = 'more than one connection (a second socket)';
          return unsupported(this.beyond);
        }
        this.sockFd = result;
        if (this.role === 'client') this.listenFd = result;
        else this.connFd = result;
        if (type.includes('SOCK_NONBLOCK')) step = { call: [s('nonblock'), T], checks: [] };
        else return this.noStep(e);
        break;
      }
      case 'bind': {
        this.socketOf(fd, 'bind');
        const p = portIn(args[1]);
        if (failed) return unsupported('a bind() that fails');
        if (this.role === 'client') {
          if (p !== undefined) this.port = p;
          return this.noStep(e, 'bind: part of listen');
        }
        // A connecting application's own port is its stack's choice here.
        if (p !== undefined) this.warn(e.line, 'the port bound before connect is not used: the application connects from a port of its own', e.text);
        return this.noStep(e, 'bind: the application connects from a port of its own');
      }
      case 'listen': {
        if (this.role !== 'client') return unsupported('listen() in a script that also connects');
        if (fd !== this.listenFd) return unsupported('listen() on a second socket');
        const backlog = numOf(args[1]);
        step = { call: [s('listen'), ...(backlog !== undefined ? [obj([['backlog', n(Math.min(Math.max(backlog, 0), 4096))]])] : [])], checks: errnoCheck };
        this.listening = true;
        break;
      }
      case 'accept':
      case 'accept4': {
        if (fd !== this.listenFd || !this.listening) return unsupported('accept() on a socket that does not listen');
        if (!failed) {
          if (this.connFd !== undefined) {
            this.beyond = 'more than one connection (a second accept)';
            return unsupported(this.beyond);
          }
          this.connFd = result;
        }
        step = { call: [s('accept')], checks: errnoCheck, ...(failed ? {} : { blocks: 'accept' as const }) };
        break;
      }
      case 'connect': {
        if (fd !== this.connFd) return unsupported('connect() on a second socket');
        const p = portIn(args[1]);
        if (p !== undefined) this.localPort = p;
        step = { call: [s('connect')], checks: errnoCheck, ...(failed ? {} : { blocks: 'connect' as const }) };
        break;
      }
      case 'write':
      case 'send':
      case 'sendto':
      case 'sendmsg':
      case 'writev': {
        const where = this.socketOf(fd, c.name);
        let lengths: number[] | undefined;
        let flagsArg: PktExpr | undefined;
        let data: string | undefined;
        if (c.name === 'write' || c.name === 'send' || c.name === 'sendto') {
          if (args[1]?.k !== 'ellipsis' && args[1]?.k !== 'str') return unsupported(`${c.name}() from a buffer the application cannot pass (${args[1]?.k === 'word' ? args[1].v : 'not ...'})`);
          const count = numOf(args[2]);
          lengths = count === undefined ? undefined : [count];
          // Text given as the buffer is the data (without escapes: packetdrill's would need decoding).
          if (args[1]?.k === 'str' && !args[1].v.includes('\\')) data = args[1].v;
          flagsArg = c.name === 'write' ? undefined : args[3];
          if (c.name === 'sendto' && !(args[4]?.k === 'ellipsis' || args[4] === undefined)) return unsupported('sendto() with an address');
        } else if (c.name === 'writev') {
          lengths = iovLengths(args[1]);
        } else {
          const msg = args[1];
          if (msg?.k !== 'struct') return unsupported('sendmsg() with a message tcpcraft cannot read');
          if (msg.items.some((f) => f.k === 'assign' && f.name === 'msg_control')) return unsupported('sendmsg() with ancillary data (cmsg)');
          const iov = msg.items.find((f): f is Extract<PktExpr, { k: 'assign' }> => f.k === 'assign' && f.name === 'msg_iov');
          lengths = iovLengths(iov?.value);
          flagsArg = args[2];
        }
        if (!lengths) return unsupported(`${c.name}() with buffers tcpcraft cannot read`);
        const words = flagsArg === undefined ? [] : wordsOf(flagsArg);
        if (!words) return unsupported(`${c.name}() with flags tcpcraft cannot read`);
        const other = words.filter((w) => !['MSG_MORE', 'MSG_OOB', 'MSG_NOSIGNAL'].includes(w));
        if (other.length) return unsupported(`${c.name}() with ${other.join('|')}`);
        const total = lengths.reduce((a, b) => a + b, 0);
        if (total === 0) return unsupported(`${c.name}() of 0 bytes`);
        if (data !== undefined && Buffer.byteLength(data) !== total) data = undefined;
        const more = words.includes('MSG_MORE');
        const oob = words.includes('MSG_OOB');
        if (!failed && (result === undefined || result < 0 || result > total)) return unsupported(`${c.name}() with a result tcpcraft cannot read`);
        // One call of the lab's application moves at most MAX_IO bytes: a longer write is several,
        // each but the last with MSG_MORE, so that no short segment goes out between them. A write
        // that takes only part (a non-blocking socket whose buffer fills) is as many as that part
        // needs, the last taking what is left of it.
        const taken = failed ? total : result!;
        const chunks: number[] = [];
        for (let left = total; left > 0 && (chunks.length === 0 || total - left < taken); left -= MAX_IO) chunks.push(Math.min(left, MAX_IO));
        let offset = 0;
        const calls = chunks.map((len, k) => {
          const last = k === chunks.length - 1;
          const takes = Math.min(len, taken - offset);
          offset += len;
          const opts = obj([
            ...where,
            ['more', more || !last ? T : undefined],
            ['oob', oob ? T : undefined],
            ['returns', !failed && takes !== len ? n(takes) : undefined],
          ]);
          return { data: data !== undefined ? s(data) : n(len), opts: opts.k === 'obj' ? opts.fields : [] };
        });
        const lastCall = calls.pop()!;
        const note = chunks.length > 1 ? [`${total} bytes in ${chunks.length} writes (the lab's application moves at most ${MAX_IO} per call)`] : [];
        const before = calls.map((x) => fn('app', s('write'), x.data, ...(x.opts.length ? [obj(x.opts)] : [])));
        step = { call: [s('write'), lastCall.data], checks: [...lastCall.opts, ...errnoCheck], blocks: 'write', before, note };
        break;
      }
      case 'read':
      case 'recv':
      case 'recvfrom': {
        const where = this.socketOf(fd, c.name);
        if (args[1]?.k !== 'ellipsis') return unsupported(`${c.name}() into a buffer the application cannot pass (${args[1]?.k === 'word' ? args[1].v : 'not ...'})`);
        let count = numOf(args[2]);
        if (count === undefined || count < 1) return unsupported(`${c.name}() with a length tcpcraft cannot read`);
        const words = c.name === 'read' ? [] : wordsOf(args[3]);
        if (!words) return unsupported(`${c.name}() with flags tcpcraft cannot read`);
        const other = words.filter((w) => !['MSG_PEEK', 'MSG_OOB'].includes(w));
        if (other.length) return unsupported(`${c.name}() with ${other.join('|')}`);
        if (count > MAX_IO) {
          if (!failed && (result === undefined || result > MAX_IO)) return unsupported(`a read of more than ${MAX_IO} bytes at once`);
          count = MAX_IO;
        }
        step = {
          call: [s('read'), n(count)],
          checks: [...where, ['peek', words.includes('MSG_PEEK') ? T : undefined], ['oob', words.includes('MSG_OOB') ? T : undefined], ['returns', !failed && result !== undefined ? n(result) : undefined], ...errnoCheck].filter((f): f is [string, Val] => f[1] !== undefined),
          blocks: 'read',
        };
        break;
      }
      case 'shutdown': {
        const where = this.socketOf(fd, 'shutdown');
        const how = { SHUT_RD: 'rd', SHUT_WR: 'wr', SHUT_RDWR: 'rdwr' }[args[1]?.k === 'word' ? args[1].v : ''] as string | undefined;
        if (!how) return unsupported('shutdown() with a direction tcpcraft cannot read');
        step = { call: [s('shutdown'), s(how)], checks: [...where, ...errnoCheck] };
        break;
      }
      case 'close': {
        step = { call: [s('close')], checks: [...this.socketOf(fd, 'close'), ...errnoCheck] };
        break;
      }
      case 'fcntl': {
        const where = this.socketOf(fd, 'fcntl');
        if (args[1]?.k === 'word' && args[1].v === 'F_GETFL') {
          // The file's flags are the application's own (set by its nonblock calls), not the stack's.
          this.warn(e.line, 'fcntl(F_GETFL) is not checked: the flags are those the application set', e.text);
          return this.noStep(e, 'not checked: the flags are those the application set');
        }
        if (!(args[1]?.k === 'word' && args[1].v === 'F_SETFL')) return unsupported(`fcntl(${args[1]?.k === 'word' ? args[1].v : '...'})`);
        const words = wordsOf(args[2]);
        if (!words) return unsupported('fcntl() with flags tcpcraft cannot read');
        step = { call: [s('nonblock'), words.includes('O_NONBLOCK') ? T : F], checks: [...where, ...errnoCheck] };
        break;
      }
      case 'setsockopt':
      case 'getsockopt': {
        const where = this.socketOf(fd, c.name);
        const name = args[2]?.k === 'word' ? args[2].v : undefined;
        if (name === 'TCP_INFO') return unsupported('TCP_INFO (the stack\'s internal state)');
        if (name === undefined || !(name in SOCKOPTS)) return unsupported(`socket option ${name ?? '?'} (not one the lab's application knows)`);
        const level = args[1]?.k === 'word' ? SOCKOPT_LEVELS[args[1].v] : undefined;
        if (level !== undefined && level !== SOCKOPTS[name as SockoptName]) return unsupported(`${name} at level ${args[1]?.k === 'word' ? args[1].v : '?'}`);
        let value: number | undefined;
        const arg = args[3];
        if (name === 'SO_LINGER' && arg?.k === 'struct') {
          const field = (k: string): number | undefined => {
            const f = arg.items.find((x): x is Extract<PktExpr, { k: 'assign' }> => x.k === 'assign' && x.name === k);
            return numOf(f?.value);
          };
          const onoff = field('onoff');
          const secs = field('linger');
          value = onoff === undefined || secs === undefined ? undefined : onoff ? secs : -1;
        } else value = boxed(arg);
        if (c.name === 'setsockopt') {
          if (value === undefined || value < -1 || value > 0x7fffffff) return unsupported(`${name} with a value tcpcraft cannot read`);
          if (name === 'TCP_MAXSEG' && !failed) this.userMss = value;
          step = { call: [s('setsockopt'), s(name), n(value)], checks: [...where, ...errnoCheck] };
        } else {
          step = { call: [s('getsockopt'), s(name)], checks: [...where, ...(failed ? errnoCheck : value !== undefined ? ([['returns', n(value)]] as Array<[string, Val]>) : [])] };
        }
        break;
      }
      case 'poll':
      case 'epoll_wait':
      case 'epoll_ctl':
      case 'epoll_create':
      case 'epoll_create1':
        return unsupported(`${c.name}()`);
      case 'ioctl':
        return unsupported(`ioctl(${args[1]?.k === 'word' ? args[1].v : '...'})`);
      default:
        return unsupported(`${c.name}()`);
    }
    this.appStep(e, c, step);
  }

  /** A call that makes no step (socket, bind): its place is still marked. */
  private noStep(e: PktEvent, why?: string): void {
    this.items.push({ comments: [...this.comments(e), ...(why ? [why] : [])] });
  }

  /**
   * Places an app() step at the call's time: in the foreground, or, when something must happen
   * before it can return, in the background, waited for where that has happened.
   */
  private appStep(e: PktEvent, c: PktSyscall, step: AppCallModel): void {
    const t = this.frameTime(e.time);
    const comments = [...this.pauseTo(t, this.comments(e)), ...(step.note ?? [])];
    for (const b of step.before ?? []) {
      this.items.push({ comments: comments.splice(0), step: b });
    }
    const checks = [...step.checks];
    // How long a blocking call (T...E) may block: packetdrill checks its return time.
    let until: Pending['until'] | undefined;
    if (c.endTime !== undefined && e.time && (e.time.kind === 'rel' || e.time.kind === 'abs')) {
      const start = this.est[this.index]!;
      const end = e.time.kind === 'rel' ? this.est[this.index]! - e.time.t + c.endTime : c.endTime;
      const d = Math.max(0, end - start);
      const slack = this.tol(d);
      if (d - slack > 0) checks.push(['after', n(ms(d - slack))]);
      checks.push(['within', n(ms(d + slack))]);
      if (d + slack > 2_500_000) checks.push(['timeout', n(Math.ceil(ms(d + slack + 1_000_000)))]);
      const nextAt = this.est[this.index + 1];
      // Something happens before it returns (at the same time included: the data it waits for): it runs in the background.
      if (nextAt !== undefined && nextAt <= end && d > 0) until = end;
    }
    // Before the stack has even answered our SYN, an accept cannot return: it waits for the
    // handshake. After that the script's placement says when it returns (with Fast Open, before
    // the handshake's last ACK). A blocking connect returns once the SYN/ACK is in.
    if (step.blocks === 'accept' && !this.stackSynAck) until = 'established';
    if (step.blocks === 'connect' && !this.synAckIn) until = 'synack';
    if (until !== undefined) {
      const name = this.next(step.blocks ?? 'call');
      checks.push(['background', s(name)]);
      this.pending.push({ name, until });
    }
    const opts = obj(checks);
    this.items.push({ comments, step: fn('app', ...step.call, ...(opts.k === 'obj' && opts.fields.length ? [opts] : [])) });
  }

  /** After event `i`: the appWait() of each background call that can have returned by now. */
  private waitFor(i: number): void {
    const nextAt = this.est[i + 1];
    for (const p of [...this.pending]) {
      const done = p.until === 'established' ? this.established : p.until === 'synack' ? this.synAckIn : nextAt === undefined || nextAt > p.until;
      if (!done) continue;
      this.pending.splice(this.pending.indexOf(p), 1);
      this.items.push({ comments: [`the ${p.name} call started in the background returns by now`], step: fn('appWait', s(p.name)) });
    }
  }

  // -- the file

  private write(): string {
    const host = this.o.dst ?? LAB_TARGET[this.family];
    const used = new Set<string>(['scenario']);
    for (const it of this.items) if (it.step) callsIn(it.step, used);
    if ([...used].some((u) => u === 'app')) this.requires.add('app-puppet');
    const requires = ['app-puppet', 'sack', 'timestamps', 'wscale'].filter((r) => this.requires.has(r));
    const steps: Code[] = [];
    for (const it of this.items) {
      for (const c of it.comments) steps.push(c.trim() === '' ? code`    //` : code`    ${lineComment(c)}`);
      if (it.step) steps.push(code`    ${render(it.step)},`);
    }
    const header = [
      `Converted by \`tcpcraft import-pkt\` from ${this.o.source} (a packetdrill script).`,
      this.role === 'client'
        ? `Client role: the stack under test listens on port ${this.port} (its application, driven by app() steps, listens and accepts); tcpcraft sends the script's < segments and expects its > segments.`
        : `Server role: the stack under test connects to our port ${this.localPort ?? this.port} (its application, driven by app() steps); tcpcraft answers with the script's < segments and expects its > segments.`,
      "Numbers are the script's relative ones; the stack's timestamp values are captured and echoed; timing is measured from the previous segment, the script's times in between added up.",
      ...(this.script.heading.length ? ['', 'The script says:', ...this.script.heading] : []),
      ...(this.issues.length ? ['', `Dropped: ${this.issues.length} line(s) that cannot be played from outside (see the "dropped" comments); the result may differ from the script's.`] : []),
      ...(this.warnings.length ? ['', 'Looser than packetdrill:', ...this.warnings.map((w) => `line ${w.line}: ${w.reason}`)] : []),
      '',
      "Licence: a conversion is derived from its script. Scripts of google/packetdrill and of the Linux kernel's",
      'selftests are GPL-2.0: run their conversions, do not commit them into a repository under another licence.',
    ];
    const description = this.script.heading.find((l) => l.trim() !== '') ?? `packetdrill script ${this.o.source}`;
    const tol = this.tolerance.ms !== 4 || this.tolerance.percent !== 12.5 ? [code`  tolerance: { ms: ${num(this.tolerance.ms)}, percent: ${num(this.tolerance.percent)} },`] : [];
    const lines: Code[] = [
      blockComment(header),
      code`import { ${join([...used].sort().map(ident))} } from 'tcpcraft';`,
      code``,
      code`export default scenario({`,
      code`  name: ${str(this.o.name)},`,
      code`  description: ${str(description)},`,
      ...(requires.length ? [code`  requires: ${array(requires.map((r) => str(r, "'")))},`] : []),
      ...(this.role === 'server'
        ? [code`  role: 'server',`, code`  local: { port: ${num(this.localPort ?? this.port)} },`, code`  peer: { host: ${str(host, "'")} },`]
        : [code`  peer: { host: ${str(host, "'")}, port: ${num(this.port)} },`, ...(this.ports ? [code`  local: { port: ${num(this.ports[0])} },`] : [])]),
      ...tol,
      code`  steps: [`,
      ...steps,
      code`  ],`,
      code`});`,
      code``,
    ];
    return source(lines);
  }
}

/** An option's DSL call (timestamps with their numbers as written). */
function optionVal(o: PktOption): Val {
  switch (o.kind) {
    case 'nop':
      return fn('nop');
    case 'eol':
      return fn('eol');
    case 'mss':
      return fn('mss', n(o.value));
    case 'wscale':
      return fn('wscale', n(o.shift));
    case 'sackOk':
      return fn('sackOk');
    case 'sack':
      return fn('sack', ...o.blocks.map(([l, r]) => arr([n(signed32(l)), n(signed32(r))])));
    case 'timestamp':
      return fn('timestamp', n(o.tsval), n(o.tsecr));
    case 'fastOpen':
      // The experimental form (RFC 7413 §4.1.1's kind 254 with magic 0xF989) is a raw option, and
      // so is a cookie of a length RFC 7413 does not allow (4 to 16 bytes).
      if (o.exp) return fn('option', n(254), arr([0xf9, 0x89, ...o.cookie].map(n)));
      if (o.cookie.length && (o.cookie.length < 4 || o.cookie.length > 16)) return fn('option', n(34), arr([...o.cookie].map(n)));
      return fn('fastOpen', ...(o.cookie.length ? [arr([...o.cookie].map(n))] : []));
    case 'unsupported':
      return unsupported(`the ${o.name}`);
  }
}

/** Bytes an option takes on the wire. */
function optionBytes(o: PktOption): number {
  switch (o.kind) {
    case 'nop':
    case 'eol':
      return 1;
    case 'mss':
      return 4;
    case 'wscale':
      return 3;
    case 'sackOk':
      return 2;
    case 'sack':
      return 2 + 8 * o.blocks.length;
    case 'timestamp':
      return 10;
    case 'fastOpen':
      return 2 + o.cookie.length + (o.exp ? 2 : 0);
    case 'unsupported':
      return 0;
  }
}

/**
 * A packetdrill script as the source of a tcpcraft scenario (see the top of this file), or why
 * not: a line it cannot read (line and column), or the lines that cannot be played from outside
 * (unless `o.drop`).
 */
export function convertPacketdrill(text: string, o: PktConvertOptions): PktConversion {
  let script: PktScript;
  try {
    script = parsePacketdrill(text);
    return new Converter(script, o).convert();
  } catch (err) {
    if (err instanceof PktSyntaxError) return { ok: false, kind: 'syntax', line: err.line, column: err.column, message: err.message };
    throw err;
  }
}
