/**
 * A link that loses and reorders frames, for testing a transfer under loss (what Linux's netem
 * does, for a lab whose kernel has no netem): each frame is dropped with probability `loss`; of
 * the rest, each is held back with probability `reorder` and sent after the next frame (or after
 * `holdMs` when none follows). The random numbers come from a seeded generator, so a run can be
 * repeated. Pure: frames in, frames out through `pass`, time from the clock.
 */
import { UsageError } from '../errors.js';
import type { Clock } from '../engine/queue.js';

export interface Impairment {
  /** Probability of dropping a frame, 0..1. */
  readonly loss: number;
  /** Probability of holding a frame back behind the next, 0..1. */
  readonly reorder: number;
  /** Longest a held frame waits for a next one, ms. */
  readonly holdMs: number;
  readonly seed: number;
}

export const NO_IMPAIRMENT: Impairment = { loss: 0, reorder: 0, holdMs: 10, seed: 1 };

/** `loss=1%,reorder=0.5%,seed=7` (percentages or fractions); a UsageError says what is wrong. */
export function parseImpairment(text: string): Impairment {
  const out: { -readonly [K in keyof Impairment]: number } = { ...NO_IMPAIRMENT };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(loss|reorder|seed|hold)=(\d+(?:\.\d+)?)(%|ms)?$/.exec(part);
    if (!m) throw new UsageError(`--impair: '${part}' is not loss=P, reorder=P, hold=MSms or seed=N (P a percentage like 1% or a fraction like 0.01).`);
    const value = Number(m[2]) / (m[3] === '%' ? 100 : 1);
    if ((m[1] === 'loss' || m[1] === 'reorder') && value > 0.5) throw new UsageError(`--impair: ${m[1]} ${part} is more than 50%: nothing useful gets through.`);
    if (m[1] === 'loss') out.loss = value;
    else if (m[1] === 'reorder') out.reorder = value;
    else if (m[1] === 'hold') out.holdMs = Math.min(1000, value);
    else out.seed = Math.floor(value) >>> 0;
  }
  return out;
}

/** Counts of what the link did. */
export interface ImpairedCounts {
  passed: number;
  dropped: number;
  reordered: number;
}

/** One direction of an impaired link. */
export class ImpairedLink {
  private state: number;
  private held: { readonly frame: Uint8Array; readonly cancel: () => void } | undefined;
  readonly counts: ImpairedCounts = { passed: 0, dropped: 0, reordered: 0 };

  constructor(
    private readonly o: Impairment,
    private readonly clock: Clock,
    private readonly pass: (frame: Uint8Array) => void,
  ) {
    this.state = o.seed >>> 0 || 1;
  }

  /** xorshift32: a uniform number in [0, 1). */
  private random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x1_0000_0000;
  }

  send(frame: Uint8Array): void {
    if (this.o.loss > 0 && this.random() < this.o.loss) {
      this.counts.dropped++;
      return;
    }
    const before = this.held;
    this.held = undefined;
    before?.cancel();
    if (!before && this.o.reorder > 0 && this.random() < this.o.reorder) {
      const cancel = this.clock.setTimer(this.o.holdMs, () => this.release());
      this.held = { frame, cancel };
      return;
    }
    this.counts.passed++;
    this.pass(frame);
    if (before) {
      this.counts.reordered++;
      this.counts.passed++;
      this.pass(before.frame);
    }
  }

  private release(): void {
    const h = this.held;
    this.held = undefined;
    if (!h) return;
    this.counts.passed++;
    this.pass(h.frame);
  }
}
