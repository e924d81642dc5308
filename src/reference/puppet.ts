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
import { urgentEnd, urgentOctet } from './urgent.js';
import { hasFault } from './faults.js';

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
const KNOWN = new Set(['TCP_NODELAY', 'SO_REUSEADDR', 'SO_LINGER', 'SO_ERROR', 'IP_TOS', 'IPV6_TCLASS', 'SO_RCVBUF', 'SO_SNDBUF', 'TCP_MAXSEG', 'TCP_FASTOPEN', 'SO_KEEPALIVE', 'TCP_KEEPIDLE', 'TCP_KEEPINTVL', 'TCP_KEEPCNT', 'TCP_USER_TIMEOUT']);

/** Options that belong to one family's IP layer only. */
const FAMILY_ONLY: Readonly<Record<string, 4 | 6>> = { IP_TOS: 4, IPV6_TCLASS: 6 };

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

  /**
   * The socket's options as the connection sees them: those of applyOptions(), IP_TOS
   * / IPV6_TCLASS (the DS field, RFC 9293 §3.9.1.1 MUST-48; its ECN bits are left to ECN), SO_RCVBUF
   * (the receive buffer: the window), TCP_MAXSEG (the MSS announced and used: as a smaller MTU).
   */
  private apply(s: Sock, tcb: Tcb): void {
    applyOptions(s.opts, tcb);
    // MUST-21: the application's R2 reaches the connection (a fault drops it).
    if (hasFault(this.stack.settings, 'ignore-user-timeout')) tcb.userTimeoutMs = undefined;
    const tos = s.opts.get(s.family === 6 ? 'IPV6_TCLASS' : 'IP_TOS');
    if (tos !== undefined && !hasFault(this.stack.settings, 'ignore-ip-tos')) tcb.extras.tos = tos & 0xfc;
    const rcvBuf = s.opts.get('SO_RCVBUF');
    if (rcvBuf !== undefined) tcb.extras.adjust(this.stack.settings, { rcvBuf: Math.max(1, rcvBuf) });
    const maxseg = s.opts.get('TCP_MAXSEG');
    // The MSS is the MTU less the IP and TCP headers (tcb.ts's ourMss): a smaller MSS, a smaller MTU.
    if (maxseg !== undefined && maxseg > 0) tcb.extras.adjust(this.stack.settings, { mtu: Math.min(this.stack.settings.mtu, maxseg + (s.family === 6 ? 40 : 20) + 20) });
  }

  private adopt(s: Sock, tcb: Tcb): void {
    s.tcb = tcb;
    this.apply(s, tcb);
    tcb.onChange = () => {
      // Data that comes after the application closed: a reset (RFC 1122 §4.2.2.13, RFC 9293 §3.10.4 note).
      if (s.closed && tcb.rbuf.length && tcb.state !== 'CLOSED') tcb.abort();
      this.poke();
    };
  }

  /** The 'second-listen-takes-port' fault: the listener on `port` is closed and every connection on the port reset. */
  private takeOver(port: number): void {
    for (const o of this.socks.values()) if (o.listener?.port === port) this.stack.unlisten(o.listener);
    for (const t of this.stack.connections) if (t.localPort === port) t.abort();
    this.poke();
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
        if (this.stack.isListening(port)) {
          // RFC 1122 §4.2.2.18 (RFC 9293 MUST-41): a passive OPEN makes a new listener or fails; it
          // never touches what the port already holds (the fault takes the port over).
          if (!hasFault(this.stack.settings, 'second-listen-takes-port')) return fail('EADDRINUSE');
          this.takeOver(port);
        }
        s.port = port;
        return { ret: 0 };
      }
      case 'listen': {
        if (s.port === undefined) return fail('EINVAL');
        if (this.stack.isListening(s.port)) return fail('EADDRINUSE');
        s.listener = this.stack.listen(
          s.port,
          (tcb) => {
            s.queue.push(tcb);
            tcb.onChange = () => this.poke();
            this.poke();
          },
          // What is set on the listener is inherited by its connections from their SYN on.
          { fastOpen: (s.opts.get('TCP_FASTOPEN') ?? 0) > 0, prepare: (tcb) => this.apply(s, tcb) },
        );
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
        const refused = this.stack.openRefused(a[1]!);
        if (refused) return fail(refused);
        // The options apply before the SYN leaves (its DS field, its MSS, its window).
        this.adopt(s, this.stack.connect(a[1]!, Number(a[2]), s.port, (tcb) => this.apply(s, tcb)));
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
        const oob = (a[2] ?? '-').split(',').includes('oob');
        const bytes = call === 'write' ? writePattern(Number(a[1])) : Uint8Array.from(Buffer.from(a[1] === '-' ? '' : (a[1] ?? ''), 'hex'));
        if (t.state === 'CLOSED') return fail(t.error ?? 'EPIPE');
        // SO_SNDBUF: what is queued and unacknowledged may not pass it. A blocking write waits for
        // room until all is taken; a non-blocking one takes what fits, or fails with EAGAIN.
        let done = 0;
        const put = (): Outcome | undefined => {
          if (t.state === 'CLOSED') return done ? { ret: done } : fail(t.error ?? 'EPIPE');
          const room = (s.opts.get('SO_SNDBUF') ?? Infinity) - t.sendQueued;
          const part = bytes.subarray(done, done + Math.max(0, Math.min(bytes.length - done, room)));
          if (part.length) {
            // Urgent data (RFC 9293 §3.10.2, §3.8.5): SND.UP moves to the octet after it (urgent.ts).
            if (oob) t.extras.sndUp = urgentEnd(t, part.length);
            if (t.write(part) === 0) return done ? { ret: done } : fail('EPIPE');
            done += part.length;
          }
          if (done === bytes.length || s.nonblock) return done || !bytes.length ? { ret: done } : fail('EAGAIN');
          return undefined;
        };
        return this.wait(put);
      }
      case 'read': {
        const t = s.tcb;
        if (!t) return fail('ENOTCONN');
        const flags = (a[2] ?? '-').split(',');
        if (flags.includes('oob')) {
          // Urgent data stays in the stream (RFC 6093 §2.1, urgent.ts): MSG_OOB tells whether there
          // is some, and gives its last octet once it has come (also left in-line).
          // RFC 9293 §3.8.5 (MUST-33): the application can learn whether urgent data waits (the fault never tells).
          const u = hasFault(this.stack.settings, 'urgent-not-queryable') ? 'none' : urgentOctet(t);
          if (u === 'none') return fail('EINVAL');
          if (u === 'pending') return fail('EAGAIN');
          const data = Uint8Array.of(u);
          return { ret: 1, data };
        }
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
          // SO_LINGER 0: the connection is reset; else unread data resets it (RFC 1122 §4.2.2.13), or a FIN.
          if (linger === 0) t.abort();
          else t.closeByApplication();
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
        if (FAMILY_ONLY[name] !== undefined && FAMILY_ONLY[name] !== s.family) return fail('ENOPROTOOPT');
        s.opts.set(name, value);
        if (name === 'TCP_FASTOPEN' && s.listener) s.listener.fastOpen = value > 0;
        if (s.tcb && !(FAMILY_ONLY[name] !== undefined && hasFault(this.stack.settings, 'diffserv-fixed-at-open'))) {
          // On a connection: from its next segment on (RFC 9293 §3.9.1.1 SHLD-21: the DS field may change).
          this.apply(s, s.tcb);
          s.tcb.output();
          this.poke();
        }
        return { ret: 0 };
      }
      case 'getsockopt': {
        const name = a[1]!;
        if (!(name in SOCKOPTS)) return fail('EBADREQ');
        if (!KNOWN.has(name)) return fail('ENOPROTOOPT');
        if (name === 'SO_ERROR') return { ret: s.tcb?.error ? 1 : 0 };
        if (FAMILY_ONLY[name] !== undefined && FAMILY_ONLY[name] !== s.family) return fail('ENOPROTOOPT');
        if (name === 'SO_RCVBUF') return { ret: s.opts.get(name) ?? this.stack.settings.rcvBuf };
        if (name === 'TCP_MAXSEG') return { ret: s.opts.get(name) ?? s.tcb?.sndMss ?? this.stack.settings.defaultMss[s.family] };
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
