/**
 * The puppet protocol (src/lab/puppet.ts) spoken by the reference stack: an AppChannel whose
 * calls work sockets of the stack's own, so that a scenario's app() steps drive it as they drive
 * lab/puppet.c on Linux. Blocking calls wait on the stack's events (on the virtual clock: a read
 * returns when data or the end of the stream comes, an accept when a connection is established).
 */
import { writePattern, SOCKOPTS, type PuppetReply } from '../lab/puppet.js';
import type { AppChannel } from '../engine/app.js';
import type { Clock } from '../engine/queue.js';
import type { Listener, ReferenceStack } from './stack.js';
import type { Tcb } from './tcb.js';

interface Sock {
  readonly family: 4 | 6;
  port?: number;
  listener?: Listener;
  readonly queue: Tcb[];
  tcb?: Tcb;
  nonblock: boolean;
  /** The application closed it: data arriving now resets the connection. */
  closed: boolean;
  readShut: boolean;
  readonly opts: Map<string, number>;
}

type Outcome = { readonly ret: number; readonly errno?: string; readonly data?: Uint8Array };

/** Options the reference honours (others answer ENOPROTOOPT, so a scenario needing one fails there). */
const KNOWN = new Set(['TCP_NODELAY', 'SO_REUSEADDR', 'SO_LINGER', 'SO_ERROR', 'SO_KEEPALIVE', 'TCP_KEEPIDLE', 'TCP_KEEPINTVL', 'TCP_KEEPCNT', 'TCP_USER_TIMEOUT']);

/** Options whose value must be at least 1 (seconds, or a count), as the socket API has them. */
const POSITIVE = new Set(['TCP_KEEPIDLE', 'TCP_KEEPINTVL', 'TCP_KEEPCNT']);

/**
 * The socket options of `opts` that reach the connection: TCP_NODELAY (RFC 9293 MUST-17), the
 * keep-alive ones (§3.8.4: SO_KEEPALIVE MUST-24, TCP_KEEPIDLE / TCP_KEEPINTVL in seconds,
 * TCP_KEEPCNT) and TCP_USER_TIMEOUT (ms; the application's R2, MUST-21, with RFC 5482's
 * meaning; 0 is the stack's own R2 again).
 */
function applyOptions(opts: ReadonlyMap<string, number>, tcb: Tcb): void {
  tcb.nodelay = (opts.get('TCP_NODELAY') ?? 0) !== 0;
  const sec = (name: string): number | undefined => (opts.has(name) ? opts.get(name)! * 1000 : undefined);
  const ka = { enabled: opts.has('SO_KEEPALIVE') ? opts.get('SO_KEEPALIVE') !== 0 : undefined, idleMs: sec('TCP_KEEPIDLE'), intervalMs: sec('TCP_KEEPINTVL'), count: opts.get('TCP_KEEPCNT') };
  if (Object.values(ka).some((v) => v !== undefined)) tcb.configureKeepAlive(Object.fromEntries(Object.entries(ka).filter(([, v]) => v !== undefined)));
  if (opts.has('TCP_USER_TIMEOUT')) tcb.userTimeoutMs = opts.get('TCP_USER_TIMEOUT')! > 0 ? opts.get('TCP_USER_TIMEOUT') : undefined;
}

export class ReferencePuppet implements AppChannel {
  private readonly socks = new Map<number, Sock>();
  private nextHandle = 1;
  private nextId = 1;
  private waiters: Array<() => boolean> = [];

  constructor(
    private readonly stack: ReferenceStack,
    private readonly clock: Clock,
  ) {}

  async call(call: string, args: ReadonlyArray<string | number>): Promise<PuppetReply> {
    const id = this.nextId++;
    const start = this.clock.wallUs();
    let o: Outcome;
    try {
      o = await this.perform(call, args.map(String));
    } catch {
      o = { ret: -1, errno: 'EBADREQ' };
    }
    return { id, ret: o.ret, errno: o.errno, durationUs: Number(this.clock.wallUs() - start), ...(o.data ? { data: o.data } : {}) };
  }

  /** Re-checks every blocked call. */
  private poke(): void {
    this.waiters = this.waiters.filter((w) => !w());
  }

  /** Resolves with `check()`'s outcome once it has one. */
  private wait(check: () => Outcome | undefined): Promise<Outcome> {
    const now = check();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      this.waiters.push(() => {
        const o = check();
        if (o) resolve(o);
        return o !== undefined;
      });
    });
  }

  private adopt(s: Sock, tcb: Tcb): void {
    s.tcb = tcb;
    applyOptions(s.opts, tcb);
    tcb.onChange = () => {
      // Data that comes after the application closed: a reset (RFC 1122 §4.2.2.13, RFC 9293 §3.10.4 note).
      if (s.closed && tcb.rbuf.length && tcb.state !== 'CLOSED') tcb.abort();
      this.poke();
    };
  }

  private sock(h: string | undefined): Sock | undefined {
    return this.socks.get(Number(h));
  }

  private async perform(call: string, a: string[]): Promise<Outcome> {
    const fail = (errno: string): Outcome => ({ ret: -1, errno });
    if (call === 'socket') {
      if (a[0] !== '4' && a[0] !== '6') return fail('EAFNOSUPPORT');
      const h = this.nextHandle++;
      this.socks.set(h, { family: a[0] === '6' ? 6 : 4, queue: [], nonblock: false, closed: false, readShut: false, opts: new Map() });
      return { ret: h };
    }
    const s = this.sock(a[0]);
    if (!s || s.closed) return fail('EBADF');
    switch (call) {
      case 'bind': {
        const port = Number(a[2]);
        if (this.stack.isListening(port)) return fail('EADDRINUSE');
        s.port = port;
        return { ret: 0 };
      }
      case 'listen': {
        if (s.port === undefined) return fail('EINVAL');
        if (this.stack.isListening(s.port)) return fail('EADDRINUSE');
        s.listener = this.stack.listen(s.port, (tcb) => {
          s.queue.push(tcb);
          tcb.onChange = () => this.poke();
          this.poke();
        });
        return { ret: 0 };
      }
      case 'accept': {
        if (!s.listener) return fail('EINVAL');
        const take = (): Outcome | undefined => {
          if (s.closed) return fail('EBADF');
          const tcb = s.queue.shift();
          if (!tcb) return undefined;
          const h = this.nextHandle++;
          const child: Sock = { family: s.family, queue: [], nonblock: false, closed: false, readShut: false, opts: new Map(s.opts) };
          this.socks.set(h, child);
          this.adopt(child, tcb);
          return { ret: h };
        };
        if (s.nonblock) return take() ?? fail('EAGAIN');
        return this.wait(take);
      }
      case 'connect': {
        if (s.tcb) return fail('EISCONN');
        this.adopt(s, this.stack.connect(a[1]!, Number(a[2]), s.port));
        const done = (): Outcome | undefined => {
          const t = s.tcb!;
          if (t.state === 'CLOSED') return fail(t.error ?? 'ECONNREFUSED');
          return t.state === 'SYN-SENT' || t.state === 'SYN-RECEIVED' ? undefined : { ret: 0 };
        };
        if (s.nonblock) return done() ?? fail('EINPROGRESS');
        return this.wait(done);
      }
      case 'write':
      case 'send': {
        const t = s.tcb;
        if (!t) return fail('ENOTCONN');
        if ((a[2] ?? '-').split(',').includes('oob')) return fail('EOPNOTSUPP');
        const bytes = call === 'write' ? writePattern(Number(a[1])) : Uint8Array.from(Buffer.from(a[1] === '-' ? '' : (a[1] ?? ''), 'hex'));
        if (t.state === 'CLOSED') return fail(t.error ?? 'EPIPE');
        const n = t.write(bytes);
        return n === 0 && bytes.length ? fail('EPIPE') : { ret: n };
      }
      case 'read': {
        const t = s.tcb;
        if (!t) return fail('ENOTCONN');
        const flags = (a[2] ?? '-').split(',');
        if (flags.includes('oob')) return fail('EINVAL');
        const n = Number(a[1]);
        const take = (): Outcome | undefined => {
          if (t.rbuf.length) {
            const data = t.read(n, flags.includes('peek'));
            return { ret: data.length, data };
          }
          if (t.finReceived || s.readShut) return { ret: 0, data: new Uint8Array(0) };
          if (t.state === 'CLOSED') return t.error ? fail(t.error) : { ret: 0, data: new Uint8Array(0) };
          return undefined;
        };
        if (s.nonblock) return take() ?? fail('EAGAIN');
        return this.wait(take);
      }
      case 'shutdown': {
        const t = s.tcb;
        if (!t) return fail('ENOTCONN');
        if (a[1] === 'rd' || a[1] === 'rdwr') s.readShut = true;
        if (a[1] === 'wr' || a[1] === 'rdwr') t.close();
        this.poke();
        return { ret: 0 };
      }
      case 'close': {
        s.closed = true;
        this.socks.delete(Number(a[0]));
        if (s.listener) {
          this.stack.unlisten(s.listener);
          // Connections never accepted go with it.
          for (const t of s.queue) t.abort();
        }
        const t = s.tcb;
        if (t) {
          const linger = s.opts.get('SO_LINGER');
          // Unread data, or SO_LINGER 0: the connection is reset (RFC 1122 §4.2.2.13), else a FIN.
          if (t.rbuf.length || linger === 0) t.abort();
          else t.close();
        }
        this.poke();
        return { ret: 0 };
      }
      case 'setsockopt': {
        const name = a[1]!;
        if (!(name in SOCKOPTS)) return fail('EBADREQ');
        if (!KNOWN.has(name) || name === 'SO_ERROR') return fail('ENOPROTOOPT');
        const value = Number(a[2]);
        if (!Number.isInteger(value) || (POSITIVE.has(name) && value < 1) || (name === 'TCP_USER_TIMEOUT' && value < 0)) return fail('EINVAL');
        s.opts.set(name, value);
        if (s.tcb) {
          applyOptions(s.opts, s.tcb);
          if (name === 'TCP_NODELAY') s.tcb.output();
        }
        return { ret: 0 };
      }
      case 'getsockopt': {
        const name = a[1]!;
        if (!(name in SOCKOPTS)) return fail('EBADREQ');
        if (!KNOWN.has(name)) return fail('ENOPROTOOPT');
        if (name === 'SO_ERROR') return { ret: s.tcb?.error ? 1 : 0 };
        return { ret: s.opts.get(name) ?? (name === 'SO_LINGER' ? -1 : 0) };
      }
      case 'nonblock':
        s.nonblock = a[1] === '1';
        return { ret: 0 };
      default:
        return fail('EBADREQ');
    }
  }
}
