/**
 * What the CLI prints and exits with when a command throws: the one mapping from a thrown value
 * to an exit status, used by main() for every command.
 *
 * - Commander's own errors (a bad option, --help, --version) have printed their text already:
 *   exit 0 for help and version, 2 otherwise.
 * - A {@link TcpcraftError} (usage, environment, scenario, capture file) is one line,
 *   `tcpcraft: MESSAGE`, and its exit status (2).
 * - A Node system error (EACCES on a report file, ENOSPC...) is the machine's: one line, exit 2.
 * - Anything else is a bug in tcpcraft: its stack, and exit 70 (EX_SOFTWARE), never a usage error.
 */
import { CommanderError } from 'commander';
import { ExitStatus, TcpcraftError, messageOf } from '../errors.js';

/** A Node system error: the errors libuv raises for a syscall, with `code` and `syscall`. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/** The exit status the CLI ends with when a command throws `err`. */
export function exitStatusOf(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? ExitStatus.PASS : ExitStatus.USAGE;
  if (err instanceof TcpcraftError) return err.exitStatus;
  if (isSystemError(err)) return ExitStatus.USAGE;
  return ExitStatus.SOFTWARE;
}

/** What to print on stderr for `err` (empty when commander has printed it already). */
export function failureText(err: unknown): string {
  if (err instanceof CommanderError) return '';
  if (err instanceof TcpcraftError || isSystemError(err)) return `tcpcraft: ${err.message}\n`;
  const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : messageOf(err);
  return `tcpcraft: internal error (a bug in tcpcraft; please report it with this text):\n${detail}\n`;
}

/** Prints what `err` says on `write` (stderr) and returns the exit status for it. */
export function reportFailure(err: unknown, write: (s: string) => void = (s) => void process.stderr.write(s)): number {
  const text = failureText(err);
  if (text) write(text);
  return exitStatusOf(err);
}
