/**
 * The conformance matrix: the same scenarios against several lab targets (src/io/targets.ts),
 * one verdict per scenario and target.
 *
 * Each target gets a lab of its own (random name, brought up in parallel with the others, always
 * taken down, also on a signal). The suite then runs in each lab's client namespace, one target
 * at a time (the suite itself runs its scenarios in parallel; two suites at once on a small machine
 * would disturb the timing checks), as a `tcpcraft suite --json` child bounded in time; its JSON is
 * the matrix's raw material. Tables, JSON, Markdown and JUnit are made from the result here.
 * The `reference` target is the exception: tcpcraft's RFC reference stack runs in memory, with no
 * lab, in a suite child outside any namespace (`lab up --target reference` serves it live).
 *
 * It sits with the reports: what it runs is `tcpcraft suite --json` children, and what it works
 * on is their JSON documents (src/report/suite.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cleanups } from '../io/cleanup.js';
import { messageOf } from '../errors.js';
import { labConfig, labDown, labExecArgv, labUp, type LabConfig } from '../io/lab.js';
import { targetNamed, type TargetName } from '../io/targets.js';
import { FAIL_ON, failsRun, LABEL, type SuiteResult, type Verdict } from '../suite/result.js';
import { JSON_FORMAT_VERSION, type ToolJson } from './json.js';
import { TOOL, VERSION } from '../version.js';
import { totalsJson, type MatrixJson, type SuiteJson, type SuiteResultJson } from './suite.js';
import type { Level } from '../scenario/types.js';

/** A matrix cell's verdict: the suite's (`na` when the target lacks a feature the scenario requires). */
export type CellVerdict = Verdict;

/** One scenario on one target. */
export interface MatrixCell {
  readonly scenario: string;
  readonly file: string;
  readonly target: TargetName;
  readonly verdict: CellVerdict;
  /** How strongly the RFC asks for the behaviour. */
  readonly level: Level;
  /** The first difference in a few words (empty for a pass). */
  readonly summary: string;
  /** The suite's result for it (with the run's report), or null when the target never ran it. */
  readonly result: SuiteResultJson | null;
}

/** A target as the matrix met it. */
export interface MatrixTarget {
  readonly name: TargetName;
  readonly stack: string;
  readonly version: string;
  /** ms to bring its lab up. */
  readonly startupMs: number;
  /** ms its suite took. */
  readonly suiteMs: number;
  /** Why it could not run anything, when it could not. */
  readonly error?: string;
}

/** What a matrix run produced. */
export interface MatrixOutcome {
  readonly targets: readonly MatrixTarget[];
  readonly scenarios: ReadonlyArray<{ readonly name: string; readonly file: string; readonly rfc: string | null }>;
  readonly cells: readonly MatrixCell[];
  readonly wallMs: number;
  readonly startedAt: Date;
  /** Per target, the suite results (for JUnit). */
  readonly results: ReadonlyMap<TargetName, readonly SuiteResult[]>;
  /** The signal that stopped the matrix, when one did. */
  readonly interrupted?: string;
}

/** Settings of a matrix run. */
export interface MatrixOptions {
  readonly targets: readonly TargetName[];
  /** `--jobs` of each suite. */
  readonly jobs?: number;
  /** `--timeout` of each suite. */
  readonly timeoutMs?: number;
  /** Bound on one target's suite, ms (default 10 minutes). */
  readonly suiteBoundMs?: number;
  /** Where the labs' take-down is registered, so a signal removes them. */
  readonly cleanups: Cleanups;
  /** Progress lines. */
  readonly say?: (line: string) => void;
  /**
   * Aborted (reason: the signal's name) to stop: the running suite gets the same signal and writes
   * what it has; no further target runs (its cells are `interrupted`); the labs go down.
   */
  readonly interrupt?: AbortSignal;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `argv` to its end, killed (by its PID) after `ms`; `interrupt` passes its signal on to it. */
function runChild(argv: readonly string[], ms: number, interrupt?: AbortSignal): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    const pass = (): void => void child.kill(typeof interrupt?.reason === 'string' && /^SIG[A-Z]+$/.test(interrupt.reason) ? (interrupt.reason as NodeJS.Signals) : 'SIGTERM');
    interrupt?.addEventListener('abort', pass, { once: true });
    const done = (r: { code: number; stderr: string }): void => {
      clearTimeout(timer);
      interrupt?.removeEventListener('abort', pass);
      resolve(r);
    };
    child.on('error', (err) => done({ code: 2, stderr: err.message }));
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), stderr }));
  });
}

/** A lab name no other run uses: `mx` + 6 hex digits + the target's index. */
const labNameFor = (i: number): string => `mx${randomBytes(3).toString('hex')}${i}`;

/**
 * Runs `files` (with their display data in `scenarios`) on every target and returns every cell.
 * A target whose lab does not come up, or whose suite does not finish, has an `error` cell per
 * scenario saying why.
 */
export async function runMatrix(files: readonly string[], scenarios: MatrixOutcome['scenarios'], opts: MatrixOptions): Promise<MatrixOutcome> {
  const startedAt = new Date();
  const t0 = performance.now();
  const say = opts.say ?? (() => undefined);
  const tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-matrix-'));
  const labs = opts.targets.map((t, i) => labConfig({ name: labNameFor(i), target: t }));
  // The reference stack runs in memory: it needs no lab.
  const inMemory = (cfg: LabConfig): boolean => cfg.target === 'reference';
  const takeDown = async (cfg: LabConfig): Promise<void> => (inMemory(cfg) ? undefined : labDown(cfg));
  for (const cfg of labs) opts.cleanups.add(`take lab ${cfg.name} down`, () => takeDown(cfg));
  try {
    // Bring every target up at once: they share nothing.
    const ups = await Promise.all(
      labs.map(async (cfg) => {
        const t = performance.now();
        if (inMemory(cfg)) {
          say(`target ${cfg.target}: in memory, no lab`);
          return { version: `tcpcraft reference ${VERSION}`, startupMs: 0 };
        }
        try {
          const s = await labUp(cfg);
          const ms = performance.now() - t;
          say(`target ${cfg.target}: up in ${(ms / 1000).toFixed(2)} s (${s.version ?? s.stack})`);
          return { version: s.version ?? 'unknown', startupMs: ms };
        } catch (err) {
          say(`target ${cfg.target}: did not come up: ${messageOf(err)}`);
          return { version: 'unknown', startupMs: performance.now() - t, error: `lab did not come up: ${messageOf(err)}` };
        }
      }),
    );
    const targets: MatrixTarget[] = [];
    const cells: MatrixCell[] = [];
    const results = new Map<TargetName, SuiteResult[]>();
    for (const [i, cfg] of labs.entries()) {
      const up = ups[i]!;
      const t = performance.now();
      const stopped = opts.interrupt?.aborted === true;
      const suite = stopped ? { error: `not run (${String(opts.interrupt?.reason)})` } : up.error === undefined ? await runSuiteIn(cfg, files, tmp, opts) : { error: up.error };
      const suiteMs = performance.now() - t;
      targets.push({ name: cfg.target, stack: targetNamed(cfg.target).stack, version: up.version, startupMs: up.startupMs, suiteMs, ...(suite.error ? { error: suite.error } : {}) });
      const entries = suite.entries ?? [];
      results.set(cfg.target, entries.map((e, index) => resultOf(e, index)));
      for (const sc of scenarios) {
        const e = entries.find((x) => x.file === sc.file);
        cells.push(
          e
            ? { scenario: sc.name, file: sc.file, target: cfg.target, verdict: e.verdict, level: e.level ?? 'MUST', summary: e.verdict === 'pass' ? '' : e.verdict === 'na' ? (e.message ?? '') : e.summary, result: e }
            : { scenario: sc.name, file: sc.file, target: cfg.target, verdict: stopped ? 'interrupted' : 'error', level: 'MUST', summary: suite.error ?? 'not run', result: null },
        );
      }
      say(`target ${cfg.target}: suite in ${(suiteMs / 1000).toFixed(2)} s`);
      await takeDown(cfg);
    }
    const interrupted = opts.interrupt?.aborted ? String(opts.interrupt.reason) : undefined;
    return { targets, scenarios, cells, wallMs: performance.now() - t0, startedAt, results, ...(interrupted ? { interrupted } : {}) };
  } finally {
    for (const cfg of labs) await takeDown(cfg).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs the suite in `cfg`'s client namespace; its JSON entries, or why there are none. */
async function runSuiteIn(cfg: LabConfig, files: readonly string[], tmp: string, opts: MatrixOptions): Promise<{ entries?: readonly SuiteResultJson[]; error?: string }> {
  const json = join(tmp, `${cfg.target}.json`);
  const argv = [
    process.execPath,
    join(ROOT, 'bin/tcpcraft.js'),
    'suite',
    ...files,
    '--lab',
    cfg.name,
    '--target',
    cfg.target,
    '--json',
    json,
    ...(opts.jobs !== undefined ? ['--jobs', String(opts.jobs)] : []),
    ...(opts.timeoutMs !== undefined ? ['--timeout', String(opts.timeoutMs)] : []),
  ];
  // The reference runs in memory, in a process of its own but outside any namespace.
  const r = await runChild(cfg.target === 'reference' ? argv : labExecArgv(cfg, 'client', argv), opts.suiteBoundMs ?? 600_000, opts.interrupt);
  // An interrupted suite (exit 128 + signal) still writes what it ran.
  if (r.code !== 0 && r.code !== 1 && r.code < 128) return { error: `the suite exited ${r.code}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}` };
  try {
    return { entries: (JSON.parse(readFileSync(json, 'utf8')) as SuiteJson).results };
  } catch (err) {
    return { error: `the suite wrote no readable JSON: ${messageOf(err)}` };
  }
}

/** A suite result rebuilt from its JSON (without the run report), for JUnit. */
function resultOf(e: SuiteResultJson, index: number): SuiteResult {
  return {
    index,
    file: e.file,
    name: e.name,
    ...(e.rfc ? { rfc: e.rfc } : {}),
    ...(e.level ? { level: e.level } : {}),
    verdict: e.verdict,
    ...(e.expectedFailure ? { expectedFailure: e.expectedFailure } : {}),
    ...(e.message ? { message: e.message } : {}),
    durationMs: e.durationMs,
    startMs: e.startMs,
    endMs: e.endMs,
  };
}

/** A cell as text: its verdict (with the RFC level when it is not MUST), and the first difference for a failure. */
export function cellText(c: MatrixCell): string {
  const label = `${LABEL[c.verdict]}${c.level !== 'MUST' && c.verdict !== 'na' ? ` [${c.level}]` : ''}`;
  return c.verdict === 'fail' || c.verdict === 'error' || c.verdict === 'xpass' ? `${label} ${c.summary}`.trim() : label;
}

/** True when any cell makes the matrix fail (as `suite`: fail, xpass, error). */
/** True when a cell fails at one of `levels` (default: MUST only; `--fail-on`), or is an XPASS or ERROR. */
export function matrixFailed(m: MatrixOutcome, levels: readonly Level[] = FAIL_ON.must): boolean {
  return m.cells.some((c) => failsRun(c, levels));
}

/** The plain-text table: a row per scenario, a column per target. */
export function matrixTable(m: MatrixOutcome, width = 34): string {
  const cut = (s: string): string => (s.length <= width ? s : `${s.slice(0, width - 1)}…`);
  const names = m.scenarios.map((s) => s.name);
  const first = Math.max('scenario'.length, ...names.map((n) => n.length));
  const cols = m.targets.map((t) => Math.max(t.name.length, ...m.cells.filter((c) => c.target === t.name).map((c) => cut(cellText(c)).length)));
  const row = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(i === 0 ? first : cols[i - 1]!)).join('  ').trimEnd();
  const lines = [row(['scenario', ...m.targets.map((t) => t.name)]), row(['-'.repeat(first), ...cols.map((w) => '-'.repeat(w))])];
  for (const s of m.scenarios) lines.push(row([s.name, ...m.targets.map((t) => cut(cellText(m.cells.find((c) => c.file === s.file && c.target === t.name)!)))]));
  return `${lines.join('\n')}\n`;
}

/** The Markdown table (with each scenario's RFC text). */
export function matrixMarkdown(m: MatrixOutcome): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [
    `| scenario | rfc | ${m.targets.map((t) => `${t.name} (${esc(t.version)})`).join(' | ')} |`,
    `| --- | --- | ${m.targets.map(() => '---').join(' | ')} |`,
  ];
  for (const s of m.scenarios) {
    const cells = m.targets.map((t) => esc(cellText(m.cells.find((c) => c.file === s.file && c.target === t.name)!)));
    lines.push(`| ${esc(s.name)} | ${esc(s.rfc ?? '')} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** A cell counted as a suite result is. */
const cellResult = (c: MatrixCell, index: number): SuiteResult => ({ index, file: c.file, name: c.scenario, verdict: c.verdict, durationMs: 0, startMs: 0, endMs: 0 });

/** The JSON document (its schema: schemas/matrix.schema.json). */
export function matrixJson(m: MatrixOutcome, tool: ToolJson = TOOL): MatrixJson {
  return {
    format: 'tcpcraft-matrix',
    formatVersion: JSON_FORMAT_VERSION,
    tool,
    startedAt: m.startedAt.toISOString(),
    wallMs: Math.round(m.wallMs),
    interrupted: m.interrupted ?? null,
    totals: totalsJson(m.cells.map(cellResult)),
    targets: m.targets.map((t) => ({
      name: t.name,
      stack: t.stack,
      version: t.version,
      startupMs: Math.round(t.startupMs),
      suiteMs: Math.round(t.suiteMs),
      ...(t.error ? { error: t.error } : {}),
      totals: totalsJson(m.cells.filter((c) => c.target === t.name).map(cellResult)),
    })),
    scenarios: m.scenarios,
    cells: m.cells.map((c) => ({ scenario: c.scenario, file: c.file, target: c.target, verdict: c.verdict, level: c.level, summary: c.summary, result: c.result })),
  };
}
