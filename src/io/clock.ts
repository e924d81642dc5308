/** The real clock and randomness, injected into the engine at the edge. */
import { randomInt } from 'node:crypto';
import type { Clock } from '../engine/queue.js';

/** Wall-clock µs since the epoch, from performance's time origin (monotonic within the process). */
function wallUs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
}

/** The process clock: monotonic ms, wall µs and timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallUs,
  setTimer(ms, cb) {
    const t = setTimeout(cb, ms);
    return () => clearTimeout(t);
  },
};

/** A random initial sequence number (any u32). */
export function randomIsn(): number {
  return randomInt(0, 0x1_0000_0000 - 1);
}

/** A random port in Linux's default ephemeral range (32768..60999). */
export function randomPort(): number {
  return randomInt(32768, 61000);
}
