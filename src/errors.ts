/**
 * The errors tcpcraft raises on purpose, at the bottom of the import floors (like version.ts):
 * every folder may import it.
 *
 * A thrown {@link TcpcraftError} is a signal with a known meaning: the input or the machine is
 * wrong, not tcpcraft. Its subclasses say whose fault it is:
 *
 * - {@link UsageError}: a bad command line, option value or API argument;
 * - {@link EnvError}: the machine is not ready (privileges, packages, interfaces, routes);
 * - {@link ScenarioError}: a scenario that cannot be run, naming its file;
 * - {@link CaptureError}: a capture file that cannot be read.
 *
 * Each carries the exit status the CLI ends with. Anything else that is thrown (a TypeError, a
 * RangeError out of a DataView...) is a bug in tcpcraft and is reported as one (see
 * src/cli/failure.ts). Parse errors of the wire layer are not thrown at all: they are values
 * (`WireError`, src/wire/errors.ts).
 */

/** The exit statuses of the CLI (after a signal: 128 + its number, see src/cli/interrupt.ts). */
export const ExitStatus = {
  /** Everything passed. */
  PASS: 0,
  /** A segment did not match or did not come (or a suite had a failure). */
  FAIL: 1,
  /** Usage, environment, scenario or capture file error: nothing was wrong with tcpcraft. */
  USAGE: 2,
  /** A bug in tcpcraft (an unexpected exception), as sysexits.h's EX_SOFTWARE. */
  SOFTWARE: 70,
} as const;

/** Which kind of {@link TcpcraftError} it is; also how it crosses a process boundary (the privileged helper). */
export type ErrorKind = 'usage' | 'env' | 'scenario' | 'capture';

/** The base of the errors tcpcraft raises on purpose; `exitStatus` is what the CLI exits with. */
export abstract class TcpcraftError extends Error {
  abstract readonly kind: ErrorKind;
  readonly exitStatus: number = ExitStatus.USAGE;
}

/** A bad command line, option value or API argument; the message says what to give instead. */
export class UsageError extends TcpcraftError {
  override readonly name = 'UsageError';
  readonly kind = 'usage';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * An environment problem (not root, missing package, no route...). It is raised *before* anything
 * on the machine was changed, and its message is one sentence that names the fix.
 */
export class EnvError extends TcpcraftError {
  override readonly name = 'EnvError';
  readonly kind = 'env';
  /** @param message one sentence stating the problem and how to fix it */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A scenario that cannot be run: the message names the file (and line, when known), the step
 * and the field, e.g. `scenarios/x.ts:12: step 3 (send 'PA'): payload: ...`.
 */
export class ScenarioError extends TcpcraftError {
  override readonly name = 'ScenarioError';
  readonly kind = 'scenario';
  constructor(
    message: string,
    readonly file: string,
    readonly stepIndex?: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A capture file that cannot be read (missing, not a capture, or broken): the message names the file. */
export class CaptureError extends TcpcraftError {
  override readonly name = 'CaptureError';
  readonly kind = 'capture';
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Rebuilds an error of `kind` from its message, on the far side of a process boundary (the
 * privileged helper sends back only the kind and the message). Without a kind: a plain Error.
 */
export function errorOfKind(kind: ErrorKind | undefined, message: string): Error {
  switch (kind) {
    case 'usage':
      return new UsageError(message);
    case 'env':
      return new EnvError(message);
    case 'scenario':
      return new ScenarioError(message, '');
    case 'capture':
      return new CaptureError(message, '');
    default:
      return new Error(message);
  }
}

/** True when `err` is a Node system error with the given `code` (e.g. 'ENOENT', 'EPERM'). */
export function hasErrnoCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** The message of any thrown value, for wrapping into sentences. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
