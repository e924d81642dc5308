/** Test helpers: bounded child processes and unique lab names. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labConfig, labDown, labStateDir, type LabConfig } from '../../../src/io/lab.js';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A fresh lab name like `tct3f9a` (unique per test file run). */
export function uniqueLabName(): string {
  return `tct${randomBytes(2).toString('hex')}`;
}

/** Mark a lab as owned by this test process, so a later run can remove it if we die. */
export function adoptTestLab(cfg: LabConfig): void {
  writeFileSync(join(labStateDir(cfg), 'test-owner.pid'), String(process.pid));
}

/** Remove `tct*` test labs whose owning test process is dead (left behind by a crashed run). */
export async function sweepDeadTestLabs(): Promise<string[]> {
  const root = '/run/tcpcraft';
  if (!existsSync(root)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(root)) {
    const f = join(root, name, 'test-owner.pid');
    if (!/^tct[0-9a-f]{4}$/.test(name) || !existsSync(f)) continue;
    const pid = Number(readFileSync(f, 'utf8'));
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (err) {
      alive = (err as { code?: string }).code === 'EPERM';
    }
    if (alive) continue;
    await labDown(labConfig({ name }));
    removed.push(name);
  }
  return removed;
}

/** Output of a finished child. */
export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Run argv to completion, killing it (by its pid) after `timeoutMs`; optional stdin text. */
export function runBounded(argv: readonly string[], timeoutMs: number, input?: string | Buffer): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: ROOT, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the child may exit without reading its input
      child.stdin.end(input);
    }
  });
}

/** Node + tsx argv to run a TypeScript helper file of this repo. */
export function tsNode(file: string, ...args: string[]): string[] {
  return [process.execPath, '--import', 'tsx', `${ROOT}${file}`, ...args];
}

/** A long-running capture started with tcpdump; `stop()` ends it by pid and returns the text decode. */
export interface Capture {
  stop(): Promise<string>;
}

/**
 * Start `tcpdump -U -w FILE` via `prefix` (e.g. ip netns exec NS), resolve once it listens
 * (bounded 5 s). stop() sends SIGINT to that pid (SIGKILL after 3 s) and decodes with `tcpdump -r`.
 */
export async function startTcpdump(prefix: readonly string[], iface: string, filter: string, file: string): Promise<Capture> {
  const child: ChildProcess = spawn(prefix[0] as string, [...prefix.slice(1), 'tcpdump', '--immediate-mode', '-i', iface, '-U', '-n', '-c', '200', '-w', file, filter], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('tcpdump did not start listening within 5 s')), 5000);
    child.stderr?.on('data', (d: Buffer) => {
      if (d.toString().includes('listening on')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('close', () => {
      clearTimeout(t);
      reject(new Error('tcpdump exited before listening'));
    });
  });
  return {
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGINT');
      const k = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(k);
      const r = await runBounded(['tcpdump', '-r', file, '-nn', '-tt'], 5000);
      return r.stdout.toString();
    },
  };
}
