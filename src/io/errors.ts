/**
 * Errors raised by the I/O edge.
 *
 * An {@link EnvError} means the machine is not ready (privileges, missing packages, missing
 * interface or route). It is always raised *before* anything on the machine was changed, and its
 * message is one sentence that names the fix. The CLI maps it to exit code 2.
 */

/** An environment problem (not root, missing package, no route...); message is one sentence with the fix. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  /** @param message one sentence stating the problem and how to fix it */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
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
