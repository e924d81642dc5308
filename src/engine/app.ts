/**
 * The run's side of app() steps: turns each step into the puppet protocol's calls (src/lab/puppet.ts)
 * on the connection's sockets, waits for the reply (or lets it run in the background until an
 * appWait()), and checks it. A connection has a listening socket once `listen` ran and a socket
 * once `accept` or `connect` returned; socket options set before the socket they belong to exists
 * are kept and applied, in order, when it is made.
 */
import { appCallText, MAIN_CONN, payloadBytes } from '../scenario/model.js';
import { describeExpected } from '../scenario/matchers.js';
import type { AppCall, AppStep } from '../scenario/types.js';
import type { Expected } from '../scenario/matchers.js';
import { familyOf } from '../wire/family.js';
import type { PuppetReply } from '../lab/puppet.js';
import type { FlowSpec } from './flow.js';
import { matchValue, showPayload, type CaptureValue } from './match.js';
import type { Clock } from './queue.js';
import type { AppEvent } from './report.js';

/**
 * The target's application, as app() steps drive it: one session of the puppet protocol
 * (src/lab/puppet.ts). A device that has one offers it; the session ends when the device closes.
 */
export interface AppChannel {
  /** Makes one call (the protocol's CALL and its ARGs); resolves with the reply, rejects when the channel is gone. */
  call(call: string, args: ReadonlyArray<string | number>): Promise<PuppetReply>;
}

/** What the driver needs to know of a connection. */
export interface AppConn {
  readonly name: string;
  readonly flow: FlowSpec;
}

/** A call's outcome as the run sees it: its event, and what differs from the step's checks. */
export interface AppOutcome {
  /** The app() step that made the call (and holds its checks), and its index. */
  readonly step: AppStep;
  readonly index: number;
  readonly event: AppEvent;
  readonly problems: readonly string[];
  readonly captures: ReadonlyArray<readonly [string, CaptureValue]>;
}

/** Sockets a connection holds on the target. */
interface Sockets {
  listener?: number;
  sock?: number;
  /** Options set before the socket existed: applied when it is made. */
  readonly pending: Array<readonly [string, number]>;
  nonblock?: boolean;
}

/** A problem that is the scenario's, not the target's (a write before any socket, say). */
export class AppUsageError extends Error {}

/** A reply, or the time we gave up on it. */
type Waited = { readonly reply: PuppetReply; readonly endUs: bigint } | { readonly timedOut: true } | { readonly lost: string };

interface Running {
  readonly index: number;
  readonly step: AppStep;
  readonly startUs: bigint;
  readonly result: Promise<Waited>;
}

export class AppDriver {
  private readonly sockets = new Map<string, Sockets>();
  private readonly background = new Map<string, Running>();
  readonly events: AppEvent[] = [];

  constructor(
    private readonly channel: AppChannel,
    private readonly clock: Clock,
  ) {}

  private socketsOf(conn: string): Sockets {
    let s = this.sockets.get(conn);
    if (!s) this.sockets.set(conn, (s = { pending: [] }));
    return s;
  }

  /** One protocol call, failing loudly when the puppet says the request was malformed (our bug). */
  private async raw(call: string, args: ReadonlyArray<string | number>): Promise<PuppetReply> {
    const r = await this.channel.call(call, args);
    if (r.errno === 'EBADREQ') throw new Error(`the target's application did not understand '${call} ${args.join(' ')}'`);
    return r;
  }

  /** A new socket of the connection's family with the pending options applied; a failed option is the reply. */
  private async newSocket(s: Sockets, host: string): Promise<{ h: number } | { failed: PuppetReply; what: string }> {
    const family = familyOf(host) ?? 4;
    const made = await this.raw('socket', [family]);
    if (made.ret < 0) return { failed: made, what: 'socket' };
    for (const [name, value] of s.pending) {
      const r = await this.raw('setsockopt', [made.ret, name, value]);
      if (r.ret < 0) return { failed: r, what: `setsockopt ${name} ${value}` };
    }
    if (s.nonblock) await this.raw('nonblock', [made.ret, 1]);
    s.pending.length = 0;
    return { h: made.ret };
  }

  /** The calls that carry out `c` on connection `conn`; resolves with the reply that stands for the step. */
  private async perform(c: AppCall, conn: AppConn, listener: boolean): Promise<PuppetReply> {
    const s = this.socketsOf(conn.name);
    // The socket a call acts on: the listener when asked for, else the connection's, else the listener.
    const current = (): number | undefined => (listener ? s.listener : (s.sock ?? s.listener));
    const target = (): number => {
      const h = current();
      if (h === undefined) throw new AppUsageError(`connection '${conn.name}' has no socket on the target yet: app('listen') or app('connect') first`);
      return h;
    };
    const connected = (): number => {
      if (s.sock === undefined) throw new AppUsageError(`connection '${conn.name}' has no connected socket yet: app('accept') or app('connect') first`);
      return s.sock;
    };
    const flags = (o: { more?: boolean; oob?: boolean; peek?: boolean }): string => ['more', 'oob', 'peek'].filter((k) => o[k as 'more'] === true).join(',') || '-';
    switch (c.call) {
      case 'listen': {
        if (!conn.flow.peerIp || !conn.flow.peerPort) throw new AppUsageError(`app('listen') binds the address and port the scenario talks to, and connection '${conn.name}' names none`);
        // Like most servers, the listener may take a port that connections of earlier runs still
        // hold in TIME-WAIT (a scenario may set SO_REUSEADDR to 0 to see otherwise).
        if (!s.pending.some(([name]) => name === 'SO_REUSEADDR')) s.pending.unshift(['SO_REUSEADDR', 1]);
        const made = await this.newSocket(s, conn.flow.peerIp);
        if ('failed' in made) return made.failed;
        s.listener = made.h;
        const bound = await this.raw('bind', [made.h, conn.flow.peerIp, conn.flow.peerPort]);
        if (bound.ret < 0) return bound;
        return this.raw('listen', [made.h, c.backlog ?? 16]);
      }
      case 'accept': {
        if (s.listener === undefined) throw new AppUsageError(`connection '${conn.name}' has no listening socket: app('listen') first`);
        const r = await this.raw('accept', [s.listener]);
        if (r.ret > 0) s.sock = r.ret;
        return r;
      }
      case 'connect': {
        const made = await this.newSocket(s, conn.flow.localIp);
        if ('failed' in made) return made.failed;
        s.sock = made.h;
        return this.raw('connect', [made.h, conn.flow.localIp, conn.flow.localPort]);
      }
      case 'write':
        if (typeof c.data === 'number') return this.raw('write', [connected(), c.data, flags(c)]);
        return this.raw('send', [connected(), Buffer.from(payloadBytes(c.data)).toString('hex'), flags(c)]);
      case 'read':
        return this.raw('read', [connected(), c.n, flags(c)]);
      case 'shutdown':
        return this.raw('shutdown', [connected(), c.how]);
      case 'close': {
        const h = target();
        const r = await this.raw('close', [h]);
        if (h === s.sock) delete s.sock;
        else delete s.listener;
        return r;
      }
      case 'setsockopt': {
        if (current() === undefined) {
          // No socket yet: applied when the connection's socket is made.
          s.pending.push([c.name, c.value]);
          return { id: 0, ret: 0, errno: undefined, durationUs: 0 };
        }
        return this.raw('setsockopt', [target(), c.name, c.value]);
      }
      case 'getsockopt':
        return this.raw('getsockopt', [target(), c.name]);
      case 'nonblock': {
        if (current() === undefined) {
          s.nonblock = c.on;
          return { id: 0, ret: 0, errno: undefined, durationUs: 0 };
        }
        return this.raw('nonblock', [target(), c.on ? 1 : 0]);
      }
    }
  }

  /** Starts step `index`'s call; resolves when it returned or `timeoutMs` passed. */
  private start(index: number, step: AppStep, conn: AppConn, timeoutMs: number): Running {
    const startUs = this.clock.wallUs();
    const performed = this.perform(step.call, conn, step.checks?.listener === true).then(
      (reply): Waited => ({ reply, endUs: this.clock.wallUs() }),
      (err: unknown): Waited => {
        if (err instanceof AppUsageError) throw err;
        return { lost: (err as Error).message };
      },
    );
    let cancel = (): void => undefined;
    const timer = new Promise<Waited>((resolve) => {
      cancel = this.clock.setTimer(timeoutMs, () => resolve({ timedOut: true }));
    });
    const result = Promise.race([performed, timer]).finally(() => cancel());
    // A background call that is never waited for must not become an unhandled rejection.
    result.catch(() => undefined);
    return { index, step, startUs, result };
  }

  /** Runs step `index` and, unless it goes to the background, waits for it and checks it. */
  async run(index: number, step: AppStep, conn: AppConn, timeoutMs: number): Promise<AppOutcome | undefined> {
    const running = this.start(index, step, conn, step.checks?.timeout ?? timeoutMs);
    if (step.checks?.background !== undefined) {
      this.background.set(step.checks.background, running);
      return undefined;
    }
    return this.finish(running, conn);
  }

  /** Waits for the background call `name` and checks it. */
  async wait(name: string, conn: (step: AppStep) => AppConn): Promise<AppOutcome> {
    const running = this.background.get(name);
    if (!running) throw new AppUsageError(`no call named '${name}' runs in the background`);
    this.background.delete(name);
    return this.finish(running, conn(running.step));
  }

  private async finish(r: Running, conn: AppConn): Promise<AppOutcome> {
    const waited = await r.result;
    const checks = r.step.checks ?? {};
    const base = {
      stepIndex: r.index,
      ...(conn.name !== MAIN_CONN ? { conn: conn.name } : {}),
      call: appCallText(r.step.call),
      startUs: r.startUs,
      ...(checks.background !== undefined ? { background: checks.background } : {}),
    };
    if ('timedOut' in waited || 'lost' in waited) {
      const event: AppEvent = base;
      this.events.push(event);
      const why = 'lost' in waited ? `the target's application is gone (${waited.lost})` : `did not return within ${checks.timeout ?? 'the step timeout'} ms`;
      return { step: r.step, index: r.index, event, problems: [why], captures: [] };
    }
    const { reply, endUs } = waited;
    const event: AppEvent = {
      ...base,
      endUs,
      ret: reply.ret,
      ...(reply.errno !== undefined ? { errno: reply.errno } : {}),
      durationUs: reply.durationUs,
      ...(reply.data ? { data: reply.data } : {}),
    };
    this.events.push(event);
    const captures: Array<readonly [string, CaptureValue]> = [];
    const problems = checkReply(r.step, reply, captures);
    const tookMs = Number(endUs - r.startUs) / 1000;
    if (checks.within !== undefined && tookMs > checks.within) problems.push(`returned after ${tookMs.toFixed(1)} ms, expected within ${checks.within} ms`);
    if (checks.after !== undefined && tookMs < checks.after) problems.push(`returned after ${tookMs.toFixed(1)} ms, expected not before ${checks.after} ms`);
    return { step: r.step, index: r.index, event, problems, captures };
  }

  /** Names of background calls nobody waited for. */
  get unwaited(): string[] {
    return [...this.background.keys()];
  }
}

/** What a reply does not do of what the step expects. */
function checkReply(step: AppStep, reply: PuppetReply, captures: Array<readonly [string, CaptureValue]>): string[] {
  const checks = step.checks ?? {};
  const problems: string[] = [];
  const got = `returned ${reply.ret}${reply.errno ? ` ${reply.errno}` : ''}`;
  const wantErrno = checks.errno;
  let wantRet: Expected<number> | undefined = checks.returns;
  if (wantRet === undefined && wantErrno !== undefined) wantRet = -1;
  if (wantRet === undefined && step.call.call === 'write') wantRet = typeof step.call.data === 'number' ? step.call.data : payloadBytes(step.call.data).length;
  if (wantRet === undefined) {
    if (reply.ret < 0) problems.push(`${got}, expected it to succeed`);
  } else if (!matchValue(wantRet, reply.ret, captures)) {
    problems.push(`${got}, expected ${describeExpected(wantRet)}`);
  }
  if (wantErrno !== undefined && reply.errno !== wantErrno) problems.push(`errno ${reply.errno ?? 'none'}, expected ${wantErrno}`);
  if (checks.data !== undefined) {
    const want = payloadBytes(checks.data);
    const data = reply.data ?? new Uint8Array(0);
    if (!(want.length === data.length && want.every((b, i) => b === data[i]))) problems.push(`read ${showPayload(data)}, expected ${showPayload(want)}`);
  }
  return problems;
}
