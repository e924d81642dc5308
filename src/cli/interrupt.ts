/**
 * Signals for the long-running commands (run, suite, matrix, flood).
 *
 * The first SIGINT, SIGTERM or SIGHUP does not end the process: it aborts {@link Interrupt.signal}
 * (reason: the signal's name), and the command winds down in its normal way: the runs in progress
 * stop where they are, reset their peers and remove their guards; nothing new starts; the reports
 * of what happened so far are printed and written; then the command returns and the process exits
 * with 128 + the signal's number (129, 130, 143). A second signal exits at once, naming the guard
 * tables it may leave and `tcpcraft cleanup`, which removes them.
 */
import { abandonGuards } from '../io/guard.js';

/** The signals a command winds down on, with the exit status each ends with. */
export const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type InterruptSignal = keyof typeof SIGNAL_EXIT;

/** A repeat of the first signal sooner than this (ms) is the same event. */
const REPEAT_MS = 300;

/** Options of {@link Interrupt} (the defaults are the real process; tests inject theirs). */
export interface InterruptOptions {
  readonly say?: (line: string) => void;
  readonly exit?: (code: number) => void;
  /** What a forced exit leaves behind (default: this process's guard tables, no longer tracked). */
  readonly leftovers?: () => string[];
}

/** One command's handling of signals: {@link Interrupt.attach} at its start, {@link Interrupt.detach} at its end. */
export class Interrupt {
  private readonly controller = new AbortController();
  /** Aborted at the first signal, with the signal's name as reason. */
  readonly signal: AbortSignal = this.controller.signal;
  private first: InterruptSignal | undefined;
  private firstAt = 0;
  private readonly handlers = new Map<InterruptSignal, () => void>();
  private readonly say: (line: string) => void;
  private readonly exit: (code: number) => void;
  private readonly leftovers: () => string[];

  constructor(o: InterruptOptions = {}) {
    this.say = o.say ?? ((line) => void process.stderr.write(`${line}\n`));
    this.exit = o.exit ?? ((code) => process.exit(code));
    this.leftovers = o.leftovers ?? abandonGuards;
  }

  /** The first signal received, if any. */
  get received(): InterruptSignal | undefined {
    return this.first;
  }

  /** 128 + the first signal's number, or undefined when none came. */
  get exitCode(): number | undefined {
    return this.first ? SIGNAL_EXIT[this.first] : undefined;
  }

  /** Handle SIGINT, SIGTERM and SIGHUP from now on. */
  attach(): this {
    for (const sig of Object.keys(SIGNAL_EXIT) as InterruptSignal[]) {
      if (this.handlers.has(sig)) continue;
      const handler = (): void => this.on(sig);
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
    return this;
  }

  /** Stop handling them (back to the default: a signal ends the process). */
  detach(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
  }

  /** What a signal does (public for tests, which call it instead of sending a real signal). */
  on(sig: InterruptSignal): void {
    const now = performance.now();
    // The same signal twice within a moment is one event delivered twice (to our process group and
    // passed on by a parent such as 'tcpcraft lab exec'), not a person pressing Ctrl-C again.
    if (sig === this.first && now - this.firstAt < REPEAT_MS) return;
    if (this.first === undefined) {
      this.firstAt = now;
      this.first = sig;
      this.say(`tcpcraft: ${sig}: stopping: the runs in progress reset their peers and remove their guards, then the reports so far are written (${sig === 'SIGINT' ? 'Ctrl-C' : 'a second signal'} again exits at once)`);
      this.controller.abort(sig);
      return;
    }
    const left = this.leftovers();
    this.say(
      left.length
        ? `tcpcraft: ${sig} again: exiting at once; these nftables guard tables may be left: ${left.join(', ')}; 'tcpcraft cleanup' (as root) removes them`
        : `tcpcraft: ${sig} again: exiting at once; if anything was left, 'tcpcraft cleanup' (as root) removes it`,
    );
    this.exit(SIGNAL_EXIT[this.first]);
  }
}

/**
 * Runs a command body with signals handled by a fresh {@link Interrupt}; the body's exit status is
 * replaced by 128 + the signal's number when one came.
 */
export async function interruptible(body: (interrupt: Interrupt) => Promise<number>): Promise<number> {
  const interrupt = new Interrupt().attach();
  try {
    const code = await body(interrupt);
    return interrupt.exitCode ?? code;
  } finally {
    interrupt.detach();
  }
}
