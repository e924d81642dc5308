/**
 * Keep-alives (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) of one connection. Off unless the application
 * asks (MUST-24, MUST-25: SO_KEEPALIVE through the puppet); the idle time is configurable
 * (MUST-27: TCP_KEEPIDLE) with a default of no less than two hours (MUST-28, the settings). A
 * probe goes out only when nothing sent is outstanding and nothing has been received for that
 * long (MUST-26); one unanswered probe never ends the connection (MUST-29): after
 * TCP_KEEPCNT unanswered probes, TCP_KEEPINTVL apart, it is dropped. The connection (tcb.ts)
 * builds and sends the probe (SEG.SEQ = SND.NXT-1, no data (SHLD-12) or one garbage octet (MAY-6)).
 */
import type { Clock } from '../engine/queue.js';
import type { ReferenceSettings } from './settings.js';
import { hasFault } from './faults.js';

/** What keep-alives need of their connection. */
export interface KeepAliveHost {
  /** May a probe go out now (a synchronized state, nothing outstanding)? */
  canProbe(): boolean;
  probe(): void;
  /** Too many probes unanswered: the connection is dead. */
  drop(): void;
}

export class KeepAlive {
  /** SO_KEEPALIVE. */
  enabled = false;
  /** TCP_KEEPIDLE, ms. */
  idleMs: number;
  /** TCP_KEEPINTVL, ms. */
  intervalMs: number;
  /** TCP_KEEPCNT. */
  count: number;
  /** Probes sent since the peer was last heard. */
  unanswered = 0;
  private lastHeard: number;
  private cancel: (() => void) | undefined;
  private host: KeepAliveHost | undefined;
  /** A fault (MUST-26): received segments do not restart the idle time. */
  private readonly idleFromProbe: boolean;

  constructor(
    private readonly clock: Clock,
    s: ReferenceSettings,
  ) {
    this.idleMs = s.keepAliveIdleMs;
    this.intervalMs = s.keepAliveIntervalMs;
    this.count = s.keepAliveCount;
    this.lastHeard = clock.now();
    // MUST-25: off by default (a fault turns them on, with the default idle time).
    this.enabled = hasFault(s, 'keepalive-on-by-default');
    this.idleFromProbe = hasFault(s, 'keepalive-idle-from-probe');
  }

  /** A segment came from the peer: the connection is not idle, and any probe is answered. */
  heard(): void {
    if (!this.idleFromProbe) this.lastHeard = this.clock.now();
    this.unanswered = 0;
  }

  /** (Re)starts the timer for `host` when keep-alives are on (after the connection is synchronized, or a setting changed). */
  start(host: KeepAliveHost): void {
    this.host = host;
    this.stop();
    if (this.enabled) this.arm(Math.max(0, this.lastHeard + this.idleMs - this.clock.now()));
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private arm(ms: number): void {
    this.cancel = this.clock.setTimer(ms, () => {
      this.cancel = undefined;
      this.fire();
    });
  }

  private fire(): void {
    const h = this.host;
    if (!this.enabled || !h) return;
    const now = this.clock.now();
    if (this.unanswered === 0) {
      // Heard from within the idle time: wait for the rest of it.
      const left = this.lastHeard + this.idleMs - now;
      if (left > 0) return this.arm(left);
    } else if (this.unanswered >= this.count) {
      return h.drop();
    }
    if (!h.canProbe()) return this.arm(this.idleMs);
    h.probe();
    this.unanswered++;
    this.arm(this.intervalMs);
  }
}
