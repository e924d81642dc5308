/**
 * Zero-window probing (RFC 9293 §3.8.6.1, RFC 1122 §4.2.2.17): the persist timer of one
 * connection. While the peer's window is zero and data waits, the sender "must regularly
 * transmit at least one octet of new data (if available), or retransmit" (MUST-35, MUST-36): the
 * first probe one RTO after the window closed (SHLD-29), the next ones with exponentially
 * growing gaps (SHLD-30), for as long as the peer keeps answering (MUST-37: the window may stay
 * closed indefinitely). The connection (tcb.ts) sends the probe; this keeps the timer.
 */
import type { Clock } from '../engine/queue.js';

export class Persist {
  private cancel: (() => void) | undefined;
  /** Probes sent since the window closed: the next gap is RTO * 2^probes. */
  probes = 0;
  /** When the peer was last heard from while probing (R2 counts from there). */
  private heardAt = 0;

  constructor(private readonly clock: Clock) {}

  get running(): boolean {
    return this.cancel !== undefined;
  }

  /** Starts the timer when it is not running: the first probe after one RTO. */
  start(rto: number, maxMs: number, probe: () => void): void {
    if (this.cancel) return;
    this.heardAt = this.clock.now();
    this.arm(rto, maxMs, probe);
  }

  /** Probe sent: the next after twice the previous gap (at most `maxMs`); `base` 1 only for a mutant (SHLD-30). */
  rearm(rto: number, maxMs: number, probe: () => void, base = 2): void {
    this.probes++;
    this.cancel?.();
    this.arm(rto, maxMs, probe, base);
  }

  private arm(rto: number, maxMs: number, probe: () => void, base = 2): void {
    const gap = Math.min(maxMs, rto * base ** this.probes);
    this.cancel = this.clock.setTimer(gap, () => {
      this.cancel = undefined;
      probe();
    });
  }

  /** The peer answered (any acceptable ACK): it is alive, probing may go on indefinitely. */
  heard(): void {
    this.heardAt = this.clock.now();
  }

  /** How long the peer has been silent while we probed, ms. */
  get silentMs(): number {
    return this.clock.now() - this.heardAt;
  }

  /** The window opened (or the connection ended): no more probes; the backoff starts afresh. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.probes = 0;
  }
}
