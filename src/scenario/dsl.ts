/**
 * The functions scenario authors call: `scenario`, `send`, `expect`, `pause` and the option
 * helpers. Each step remembers the file and line it was written on, for diagnostics.
 */
import type { Ipv6ExtensionSpec } from '../wire/ipv6.js';
import { fileURLToPath } from 'node:url';
import { isRef, type Ref, type Value } from './matchers.js';
import { writePattern, type SockoptName } from '../lab/puppet.js';
import type { AppCall, AppChecks, AppStep, AppWaitStep, AnyOrderStep, CallSite, EitherStep, ExpectFields, ExpectStep, Flags, OptionSpec, PauseStep, Scenario, SendFields, SendOption, SendStep, SilenceStep, DrainStep, IcmpStep } from './types.js';

/** Declares a scenario (returns it unchanged; it exists for the editor's type checking). */
export function scenario(def: Scenario): Scenario {
  return def;
}

/** A segment to send, e.g. `send('PA', { payload: 'hello\n' })`. */
export function send(flags: Flags, fields: SendFields = {}): SendStep {
  return withSite({ kind: 'send', flags, fields });
}

/** A segment to expect from the peer, e.g. `expect('SA', { seq: 0, ack: 1 })`. */
export function expect(flags: Flags, fields: ExpectFields = {}): ExpectStep {
  return withSite({ kind: 'expect', flags, fields });
}

/** Waits `ms` milliseconds. */
export function pause(ms: number): PauseStep {
  return withSite({ kind: 'pause', ms });
}

/** The next segment must match one of these expectations, e.g. a lone ACK or a FIN/ACK. */
export function either(...alternatives: ExpectStep[]): EitherStep {
  return withSite({ kind: 'either', alternatives });
}

/** The next segments must match all of these expectations, each once, in any order. */
export function anyOrder(...items: ExpectStep[]): AnyOrderStep {
  return withSite({ kind: 'anyOrder', items });
}

/** Nothing may arrive from the peer (on `conn`) for `ms` milliseconds. */
export function silence(ms: number, opts: { conn?: string } = {}): SilenceStep {
  return withSite(opts.conn === undefined ? { kind: 'silence', ms } : { kind: 'silence', ms, conn: opts.conn });
}

/** Options of a write or send: MSG_MORE, MSG_OOB. */
type WriteOpts = AppChecks & { readonly more?: boolean; readonly oob?: boolean };
/** Options of a read: MSG_OOB, MSG_PEEK. */
type ReadOpts = AppChecks & { readonly oob?: boolean; readonly peek?: boolean };

/**
 * Makes the target's application call a socket function (the lab's puppet application), on the
 * connection's socket, and checks what it returns:
 *
 *     app('listen')                        // socket (SO_REUSEADDR on), bind to the address and port we talk to, listen
 *     app('accept', { background: 'acc' }) // ... appWait('acc') once our handshake is done
 *     app('connect', { background: 'c' })  // a server-role scenario: the target opens the connection
 *     app('write', 1000)                   // 1000 bytes 'abc...' (see appBytes), must all be taken
 *     app('write', 'hello\n', { more: true })
 *     app('read', 100, { returns: 5, data: 'hello' })
 *     app('read', 100, { returns: 0 })     // the end of the stream (our FIN came)
 *     app('shutdown', 'wr')
 *     app('close')
 *     app('setsockopt', 'TCP_NODELAY', 1)
 *     app('getsockopt', 'SO_ERROR', { returns: 0 })
 *     app('write', 10, { errno: 'EPIPE' })
 *
 * Needs `requires: ['app-puppet']`. See {@link AppChecks} for what the last argument may say.
 */
export function app(call: 'listen', opts?: AppChecks & { readonly backlog?: number }): AppStep;
export function app(call: 'accept' | 'connect' | 'close', opts?: AppChecks): AppStep;
export function app(call: 'write', data: number | string | Uint8Array, opts?: WriteOpts): AppStep;
export function app(call: 'read', n: number, opts?: ReadOpts): AppStep;
export function app(call: 'shutdown', how: 'rd' | 'wr' | 'rdwr', opts?: AppChecks): AppStep;
export function app(call: 'setsockopt', name: SockoptName, value: number | boolean, opts?: AppChecks): AppStep;
export function app(call: 'getsockopt', name: SockoptName, opts?: AppChecks): AppStep;
export function app(call: 'nonblock', on: boolean, opts?: AppChecks): AppStep;
export function app(call: string, ...args: unknown[]): AppStep {
  // Positional arguments each call takes; the object after them holds its flags and checks.
  const positional = call === 'setsockopt' ? 2 : ['write', 'read', 'shutdown', 'getsockopt', 'nonblock'].includes(call) ? 1 : 0;
  const extra = args[positional];
  const raw = typeof extra === 'object' && extra !== null ? (extra as Record<string, unknown>) : {};
  const { backlog, more, oob, peek, ...checks } = raw as Record<string, unknown> & { backlog?: number; more?: boolean; oob?: boolean; peek?: boolean };
  const a0 = args[0];
  let c: unknown;
  switch (call) {
    case 'listen':
      c = { call, ...(backlog !== undefined ? { backlog } : {}) };
      break;
    case 'write':
      c = { call, data: a0, ...(more !== undefined ? { more } : {}), ...(oob !== undefined ? { oob } : {}) };
      break;
    case 'read':
      c = { call, n: a0, ...(oob !== undefined ? { oob } : {}), ...(peek !== undefined ? { peek } : {}) };
      break;
    case 'shutdown':
      c = { call, how: a0 };
      break;
    case 'setsockopt':
      c = { call, name: a0, value: typeof args[1] === 'boolean' ? Number(args[1]) : args[1] };
      break;
    case 'getsockopt':
      c = { call, name: a0 };
      break;
    case 'nonblock':
      c = { call, on: a0 };
      break;
    default:
      // accept, connect, close; anything else is named by the validator.
      c = { call };
  }
  return withSite({ kind: 'app', call: c as AppCall, checks: checks as AppChecks });
}

/** Waits for the call `app(..., { background: name })` started, and checks it. */
export function appWait(name: string): AppWaitStep {
  return withSite({ kind: 'appWait', name });
}

/** The `n` bytes `app('write', n)` sends: 'abcdefghijklmnopqrstuvwxyzabc...'. */
export function appBytes(n: number): Uint8Array {
  return writePattern(n);
}

/** MSS option. */
/**
 * Send an ICMPv4 error about the peer's latest segment on the connection: `icmp(3, 4, { mtu: 1000 })`
 * (fragmentation needed), `icmp(4, 0)` (source quench), `icmp(3, 1)` (host unreachable), ...
 */
export function icmp(type: number, code: number, opts: { mtu?: number; conn?: string } = {}): IcmpStep {
  return withSite({ kind: 'icmp', type, code, ...(opts.mtu !== undefined ? { mtu: opts.mtu } : {}), ...(opts.conn !== undefined ? { conn: opts.conn } : {}) });
}

/** Wait `ms`, taking (unchecked) whatever the peer sends on the connection meanwhile. */
export function drain(ms: number, opts: { conn?: string } = {}): DrainStep {
  return withSite(opts.conn === undefined ? { kind: 'drain', ms } : { kind: 'drain', ms, conn: opts.conn });
}

export const mss = (value: number): OptionSpec => ({ kind: 'mss', value });
/** Window scale option (shift count). */
export const wscale = (shift: number): OptionSpec => ({ kind: 'wscale', shift });
/** SACK-permitted option. */
export const sackOk = (): OptionSpec => ({ kind: 'sackOk' });
/** SACK option; edges relative to the ISN of the side whose data they acknowledge. */
export const sack = (...blocks: Array<readonly [number, number]>): OptionSpec => ({ kind: 'sack', blocks });
/** Timestamps option (raw values; in a send, either may be `use('name')`). */
export function timestamp(tsval: number, tsecr: number): OptionSpec & SendOption;
export function timestamp(tsval: Value, tsecr: Value): SendOption;
export function timestamp(tsval: Value, tsecr: Value): SendOption {
  return { kind: 'timestamp', tsval, tsecr };
}
/**
 * TCP Fast Open option (RFC 7413): no cookie asks the server for one; else the cookie bytes (4 to
 * 16), or in a send `use('name')`: the cookie an earlier expectation captured
 * (`options: { fastOpen: capture('cookie') }`).
 */
export function fastOpen(cookie?: ArrayLike<number>): OptionSpec & SendOption;
export function fastOpen(cookie: Ref): SendOption;
export function fastOpen(cookie: ArrayLike<number> | Ref = []): SendOption {
  return isRef(cookie) ? { kind: 'fastOpen', cookie } : { kind: 'fastOpen', cookie: Uint8Array.from(cookie) };
}
/** No-operation option. */
export const nop = (): OptionSpec => ({ kind: 'nop' });
/** End-of-option-list. */
export const eol = (): OptionSpec => ({ kind: 'eol' });
/**
 * An IPv6 extension header for `ip: { extensions: [...] }`: its type (0 hop-by-hop, 43 routing,
 * 44 fragment, 60 destination options, or any number) and the bytes after its next-header and
 * length bytes (default: the shortest valid body, PadN options or a zero fragment header).
 */
export function ext(type: number, data?: ArrayLike<number>): Ipv6ExtensionSpec {
  return data === undefined ? { type } : { type, data: Uint8Array.from(data) };
}

/**
 * A blank for an exercise skeleton: it stands for any value (flags, a number, a payload...) and
 * makes the scenario refuse to load, naming the step and the field, until it is filled in.
 */
export const TODO = Object.freeze({ $todo: 'fill this in' }) as unknown as never;

/** True for the {@link TODO} blank. */
export function isTodo(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { $todo?: unknown }).$todo === 'fill this in';
}

/** Any option kind with raw data, e.g. `option(253, [0xde, 0xad])`. */
export const option = (code: number, data: ArrayLike<number> = []): OptionSpec => ({ kind: 'unknown', code, data: Uint8Array.from(data) });

function withSite<T extends object>(step: T): T & { site?: CallSite } {
  const site = callerSite();
  return site ? { ...step, site } : step;
}

// This module, as compiled (dist/) or as source (src/, which source maps point stack frames at).
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OWN_FILE = /[\\/](src|dist)[\\/]scenario[\\/]dsl\.[jt]s$/;

/** The first stack frame outside this module: where the author called `send`/`expect`/`pause`. */
function callerSite(): CallSite | undefined {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?$/.exec(frame.trim());
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if ((file.startsWith(PACKAGE_ROOT) && OWN_FILE.test(file)) || file.startsWith('node:')) continue;
    return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}
