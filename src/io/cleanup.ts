/**
 * A per-run registry of async cleanups (close sniffer, remove guard, reset connection...).
 * The CLI creates one {@link Cleanups} per run; nothing is global except the signal listeners
 * that {@link Cleanups.attachSignals} adds (and removes again in {@link Cleanups.detachSignals}).
 */
import { messageOf } from '../errors.js';

/** A cleanup action; it should be quick and must not assume the others succeeded. */
export type CleanupFn = () => void | Promise<void>;

/** Options of {@link Cleanups}. */
export interface CleanupsOptions {
  /** Give up on a single cleanup after this many ms (default 5000). */
  readonly stepTimeoutMs?: number;
  /** Where cleanup failures are reported (default: one line on stderr). */
  readonly report?: (label: string, err: unknown) => void;
  /** How the process ends after a signal (default process.exit); injectable for tests. */
  readonly exit?: (code: number) => void;
}

interface Entry {
  readonly label: string;
  readonly fn: CleanupFn;
}

/** Exit code conventionally used after a fatal signal: 128 + signal number. */
const SIGNAL_EXIT: Readonly<Record<'SIGHUP' | 'SIGINT' | 'SIGTERM', number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Registry of cleanups run exactly once each, newest first: on normal end and on failure (call
 * {@link Cleanups.runAll} in `finally`, or use {@link Cleanups.guarded}), and on SIGINT/SIGTERM
 * (after which the process exits with 130/143).
 */
export class Cleanups {
  private readonly entries: Entry[] = [];
  private readonly stepTimeoutMs: number;
  private readonly report: (label: string, err: unknown) => void;
  private readonly exit: (code: number) => void;
  private running: Promise<void> | undefined;
  private readonly handlers = new Map<'SIGHUP' | 'SIGINT' | 'SIGTERM', () => void>();

  /** Create an empty registry; see {@link CleanupsOptions} for the defaults. */
  constructor(opts: CleanupsOptions = {}) {
    this.stepTimeoutMs = opts.stepTimeoutMs ?? 5000;
    this.report = opts.report ?? ((label, err) => process.stderr.write(`tcpcraft: cleanup '${label}' failed: ${messageOf(err)}\n`));
    this.exit = opts.exit ?? ((code) => process.exit(code));
  }

  /** Register `fn`; returns a function that unregisters it (for resources released early). */
  add(label: string, fn: CleanupFn): () => void {
    const entry: Entry = { label, fn };
    this.entries.push(entry);
    return () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) this.entries.splice(i, 1);
    };
  }

  /** Number of cleanups still pending. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * Run every pending cleanup once, newest first, each bounded by the step timeout; failures are
   * reported and do not stop the others. Concurrent calls share one pass; later calls run only
   * what was registered since.
   */
  async runAll(): Promise<void> {
    while (this.running) await this.running;
    if (this.entries.length === 0) return;
    this.running = this.drain();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async drain(): Promise<void> {
    for (let entry = this.entries.pop(); entry; entry = this.entries.pop()) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(entry.fn),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${this.stepTimeoutMs} ms`)), this.stepTimeoutMs);
          }),
        ]);
      } catch (err) {
        this.report(entry.label, err);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /**
   * On SIGHUP/SIGINT/SIGTERM: run all cleanups, then exit 129/130/143. A second signal exits at
   * once. (The long-running commands wind down more gently: src/cli/interrupt.ts.)
   */
  attachSignals(): void {
    for (const sig of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) {
      if (this.handlers.has(sig)) continue;
      let seen = false;
      const handler = (): void => {
        if (seen) {
          this.exit(SIGNAL_EXIT[sig]);
          return;
        }
        seen = true;
        void this.runAll().finally(() => this.exit(SIGNAL_EXIT[sig]));
      };
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
  }

  /** Remove the signal listeners added by {@link Cleanups.attachSignals}. */
  detachSignals(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
  }

  /**
   * Run `body`; all cleanups run when it ends, normally or not. With `signals` (the default), a
   * signal meanwhile runs them and exits (see {@link Cleanups.attachSignals}); without, signals are
   * the caller's business.
   */
  async guarded<T>(body: (cleanups: Cleanups) => Promise<T>, o: { readonly signals?: boolean } = {}): Promise<T> {
    if (o.signals !== false) this.attachSignals();
    try {
      return await body(this);
    } finally {
      await this.runAll();
      this.detachSignals();
    }
  }
}
