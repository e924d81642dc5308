/**
 * Helpers for live tests of the server role and the expectation language: tcpcraft started in
 * the background in a lab namespace (ready once its kernel-RST guard is in place), the guard
 * tables left in a namespace, and the shape of the JSON report.
 */
import { spawn } from 'node:child_process';
import { labExecArgv, type LabConfig } from '../../src/io/lab.js';
import type { Finished } from '../io/helpers/proc.js';
import { guardTables, outputOf, ROOT, runBounded } from './live.js';

export interface JsonEvent {
  kind: string;
  step: number | null;
  dir: 'in' | 'out';
  flags: string;
  seq: number | null;
  ack: number | null;
  len: number;
  payloadHex: string;
}
export interface JsonReport {
  passed: boolean;
  role: string;
  flow: { localIp: string; localPort: number; peerIp: string; peerPort: number };
  events: JsonEvent[];
  failure: unknown;
}

export { guardTables } from './live.js';

/**
 * Starts `tcpcraft ARGS` in the lab's client namespace (killed by pid after `timeoutMs`), waits
 * until its kernel-RST guard is in place (it is installed after the sniffer opened, so a client
 * started then cannot be missed), and returns its completion as `done`.
 */
export async function startTcpcraft(cfg: LabConfig, args: readonly string[], timeoutMs = 40_000): Promise<{ done: Promise<Finished> }> {
  const argv = labExecArgv(cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, ...args]);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
    }),
  );
  let exited = false;
  void done.then(() => (exited = true));
  for (let i = 0; i < 100 && !exited; i++) {
    if ((await guardTables(cfg)).length > 0) return { done }; // wrapped: an async function would wait for it
    await new Promise((r) => setTimeout(r, 100));
  }
  const early = exited ? await done : undefined;
  child.kill('SIGKILL');
  throw new Error(`tcpcraft did not get ready${early ? `:\n${outputOf(early)}` : ' within 10 s'}`);
}

