/** Run external commands (ip, nft, ethtool...) without a shell. */
import { execFile } from 'node:child_process';
import { EnvError, hasErrnoCode } from '../errors.js';

/** What a finished command produced. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code; -1 when the command was killed by a signal or timed out. */
  readonly code: number;
}

/** Options for {@link run} and {@link runOk}. */
export interface ExecOptions {
  /** Kill the command after this many milliseconds (default 15000). */
  readonly timeoutMs?: number;
  /** Text written to the command's stdin (default: none, stdin closed). */
  readonly input?: string;
  /** Debian package that provides the command, named in the EnvError when it is missing. */
  readonly pkg?: string;
}

/**
 * Run `cmd argv...` (no shell) and resolve with its output and exit code; never rejects on a
 * non-zero exit. Rejects with an {@link EnvError} when the command itself is not installed.
 */
export function run(cmd: string, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      [...argv],
      { timeout: opts.timeoutMs ?? 15_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && hasErrnoCode(err, 'ENOENT')) {
          const pkg = opts.pkg ?? 'the package that provides it';
          reject(new EnvError(`command '${cmd}' was not found: install ${pkg} (run 'make setup').`, { cause: err }));
          return;
        }
        if (err && hasErrnoCode(err, 'EACCES')) {
          const who = typeof process.getuid === 'function' && process.getuid() !== 0 ? ` by this user (uid ${process.getuid()})` : '';
          reject(new EnvError(`command '${cmd}' may not be run${who}: permission denied on it or a directory of its PATH entry; put it where everyone may run it, or give --keep-root.`, { cause: err }));
          return;
        }
        let code = 0;
        if (err) {
          const c = (err as { code?: unknown }).code;
          code = typeof c === 'number' ? c : -1;
        }
        resolve({ stdout, stderr, code });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Like {@link run}, but rejects with the command line and its stderr when it exits non-zero. */
export async function runOk(cmd: string, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await run(cmd, argv, opts);
  if (r.code !== 0) {
    const detail = r.stderr.trim() || r.stdout.trim() || '(no output)';
    throw new EnvError(`command failed (exit ${r.code}): ${[cmd, ...argv].join(' ')}: ${detail}`);
  }
  return r;
}
