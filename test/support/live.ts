/**
 * Helpers for live tests: a lab of the test's own (unique name, always removed), and the tcpcraft
 * CLI run inside one of its namespaces with a bound on time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labConfig, labDown, labExecArgv, labUp, type LabConfig, type LabSide, type TargetName } from '../../src/io/lab.js';
import { ROOT, runBounded, uniqueLabName, type Finished } from '../io/helpers/proc.js';

export { ROOT, runBounded };

/** A lab made for one test file (of the default target unless `target` says); call `up()` in before() and `down()` in after(). */
export function testLab(target?: TargetName): { cfg: LabConfig; up(): Promise<void>; down(): Promise<void> } {
  const cfg = labConfig({ name: uniqueLabName(), ...(target ? { target } : {}) });
  return {
    cfg,
    up: async () => void (await labUp(cfg)),
    down: () => labDown(cfg),
  };
}

/** Runs `tcpcraft ARGS...` (the compiled CLI) inside a lab namespace, killed after `timeoutMs`. */
export function tcpcraftIn(cfg: LabConfig, side: LabSide, args: readonly string[], timeoutMs = 30_000): Promise<Finished> {
  return runBounded(labExecArgv(cfg, side, [process.execPath, `${ROOT}bin/tcpcraft.js`, ...args]), timeoutMs);
}

/** Text output of a finished command, for assertion messages. */
export function outputOf(r: Finished): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.toString()}\n--- stderr\n${r.stderr}`;
}

/**
 * A lab and a temp directory for the enclosing `describe`: made in before(), removed in after()
 * (the lab even when a test failed). `tmp` is valid inside the tests.
 */
export function useLab(name: string, target?: TargetName): { readonly cfg: LabConfig; readonly tmp: string } {
  const lab = testLab(target);
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `tcpcraft-${name}-`));
    await lab.up();
  });
  after(async () => {
    await lab.down();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    cfg: lab.cfg,
    get tmp() {
      return dir;
    },
  };
}

/** Nft guard tables of tcpcraft in `side`'s namespace of the lab. */
export async function guardTables(cfg: LabConfig, side: LabSide = 'client'): Promise<string[]> {
  const r = await runBounded(labExecArgv(cfg, side, ['nft', 'list', 'tables']), 5000);
  return r.stdout.toString().split('\n').filter((l) => l.includes('tcpcraft_'));
}

/** Runs `argv` (bounded to 15 s) and throws with its stderr unless it exits 0: for setting up namespaces and links. */
export async function must(argv: readonly string[]): Promise<void> {
  const r = await runBounded(argv, 15_000);
  if (r.code !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`);
}
