import { UsageError } from '../errors.js';
/**
 * The flood loop: sends packets from a template as fast as allowed, always bounded by a count
 * AND a duration, optionally paced to a rate. I/O (the transmit function and the clock) comes in
 * as arguments, so the loop runs in unit tests without a socket.
 */

/** Hard upper bounds the CLI enforces (a flood is for the lab only). */
export const FLOOD_LIMITS = Object.freeze({ maxCount: 10_000_000, maxDurationS: 60, maxRate: 10_000_000 });

/** One transmit attempt: true when the kernel took the packet, false when it would block (retry later). */
export type TrySend = (packet: Uint8Array) => boolean;

/** Settings of one flood. */
export interface FloodConfig {
  /** Stop after this many packets (1..FLOOD_LIMITS.maxCount). */
  readonly count: number;
  /** Stop after this many seconds (0 < d <= FLOOD_LIMITS.maxDurationS). */
  readonly durationS: number;
  /** Packets per second; undefined: as fast as the socket takes them. */
  readonly rate?: number;
  /** Packets sent between two yields to the event loop (default 512), so signals and timers run. */
  readonly batch?: number;
}

/** What a flood did. */
export interface FloodResult {
  readonly sent: number;
  readonly elapsedMs: number;
  /** Packets per second achieved (sent / elapsed). */
  readonly rate: number;
  /** Times the socket said it would block (each followed by a yield and a retry). */
  readonly blocked: number;
  /** Why it stopped. */
  readonly stoppedBy: 'count' | 'duration' | 'signal';
}

/** Rejects a config outside the limits with a sentence. */
export function checkFloodConfig(cfg: FloodConfig): void {
  if (!Number.isInteger(cfg.count) || cfg.count < 1 || cfg.count > FLOOD_LIMITS.maxCount) {
    throw new UsageError(`--count ${cfg.count} is out of range: use 1..${FLOOD_LIMITS.maxCount}.`);
  }
  if (!(cfg.durationS > 0) || cfg.durationS > FLOOD_LIMITS.maxDurationS) {
    throw new UsageError(`--duration ${cfg.durationS} is out of range: use more than 0 and at most ${FLOOD_LIMITS.maxDurationS} seconds.`);
  }
  if (cfg.rate !== undefined && (!(cfg.rate >= 1) || cfg.rate > FLOOD_LIMITS.maxRate)) {
    throw new UsageError(`--rate ${cfg.rate} is out of range: use 1..${FLOOD_LIMITS.maxRate} packets per second.`);
  }
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `next(i)` for i = 0, 1, ... until `count` packets went out, `durationS` passed, or
 * `signal` aborted. With a rate, packet i is due at start + i / rate (sleeping when ahead, never
 * bursting more than one batch to catch up).
 */
export async function flood(cfg: FloodConfig, next: (i: number) => Uint8Array, trySend: TrySend, now: () => number = () => performance.now(), signal?: AbortSignal): Promise<FloodResult> {
  checkFloodConfig(cfg);
  const batch = Math.max(1, cfg.batch ?? 512);
  const start = now();
  const deadline = start + cfg.durationS * 1000;
  const perMs = cfg.rate === undefined ? undefined : cfg.rate / 1000;
  let sent = 0;
  let blocked = 0;
  let stoppedBy: FloodResult['stoppedBy'] = 'count';
  outer: while (sent < cfg.count) {
    if (signal?.aborted) {
      stoppedBy = 'signal';
      break;
    }
    const t = now();
    if (t >= deadline) {
      stoppedBy = 'duration';
      break;
    }
    let room = Math.min(batch, cfg.count - sent);
    if (perMs !== undefined) {
      const due = Math.floor((t - start) * perMs) + 1 - sent;
      if (due <= 0) {
        const wait = (sent + 1 - (t - start) * perMs) / perMs;
        if (wait >= 2) await sleepMs(Math.min(wait - 1, deadline - t));
        else await yieldNow();
        continue;
      }
      room = Math.min(room, due);
    }
    for (let k = 0; k < room; k++) {
      if (!trySend(next(sent))) {
        blocked++;
        await yieldNow();
        continue outer;
      }
      sent++;
    }
    // Stay responsive (signals, timers) without paying a macrotask per packet.
    if (sent < cfg.count) await yieldNow();
  }
  const elapsedMs = Math.max(now() - start, 1e-3);
  return { sent, elapsedMs, rate: (sent * 1000) / elapsedMs, blocked, stoppedBy };
}
