/** `tcpcraft matrix`: the conformance scenarios against several TCP stacks, one table. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../io/exec.js';
import { hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { Cleanups } from '../io/cleanup.js';
import { EnvError } from '../errors.js';
import { TARGET_NAMES, targetNamed, type TargetName } from '../io/targets.js';
import { discover, shardOf, type Shard } from '../suite/discover.js';
import { junitDocument } from '../report/suite.js';
import { matrixFailed, matrixJson, matrixMarkdown, matrixTable, runMatrix } from '../report/matrix.js';
import { intOption, shardOption } from './options.js';
import { FAIL_ON } from '../suite/result.js';
import { humanStream, jsonOnStdout, runCommandBody, writeJson, type JsonDest } from './output.js';
import { interruptible, type Interrupt } from './interrupt.js';
import { matrixHtml } from '../report/html.js';
import { painter } from './colour.js';
import { TOOL } from '../version.js';
import type { ListedScenario } from './suite.js';

interface MatrixCliOptions {
  targets: TargetName[];
  jobs?: number;
  timeout?: number;
  json?: JsonDest;
  html?: string;
  markdown?: string;
  junit?: string;
  shard?: Shard;
  failOn: 'must' | 'should' | 'may';
}


function targetList(v: string): TargetName[] {
  const names = v.split(',').map((t) => t.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('--targets needs at least one target.');
  try {
    return [...new Set(names.map((n) => targetNamed(n).name))];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

async function matrixCommand(paths: string[], o: MatrixCliOptions, interrupt?: Interrupt): Promise<number> {
  const labs = o.targets.filter((t) => t !== 'reference');
  if (labs.length > 0 && typeof process.getuid === 'function' && process.getuid() !== 0) throw new EnvError(`the matrix brings up labs (network namespaces) for ${labs.join(', ')}: run it as root (sudo), or with --targets reference alone.`);
  const files = shardOf(discover(paths), o.shard);
  if (files.length === 0) throw new EnvError(`no scenario files in ${paths.join(', ')}${o.shard ? ` for shard ${o.shard.index}/${o.shard.count}` : ''}.`);
  const scenarios = await listedScenarios(files);
  const say = (s: string): void => void process.stderr.write(`${s}\n`);
  const cleanups = new Cleanups();
  const m = await cleanups.guarded(
    (c) => runMatrix(files, scenarios, { targets: o.targets, cleanups: c, say, ...(o.jobs ? { jobs: o.jobs } : {}), ...(o.timeout ? { timeoutMs: o.timeout } : {}), ...(interrupt ? { interrupt: interrupt.signal } : {}) }),
    { signals: interrupt === undefined },
  );
  const human = humanStream(jsonOnStdout(o.json));
  const write = painter(human);
  write(matrixTable(m));
  for (const t of m.targets) {
    write(`${t.name}: ${t.version}, up in ${(t.startupMs / 1000).toFixed(2)} s, suite ${(t.suiteMs / 1000).toFixed(2)} s${t.error ? ` (${t.error})` : ''}\n`);
  }
  write(`matrix wall time ${(m.wallMs / 1000).toFixed(2)} s (${m.scenarios.length} scenarios x ${m.targets.length} targets)${m.interrupted ? `, interrupted by ${m.interrupted}` : ''}\n`);
  if (o.json !== undefined) writeJson(o.json, matrixJson(m, TOOL));
  if (o.html) writeFileSync(o.html, matrixHtml(matrixJson(m, TOOL)));
  if (o.markdown) writeFileSync(o.markdown, matrixMarkdown(m));
  if (o.junit) {
    const timestamp = m.startedAt.toISOString().replace(/\.\d+Z$/, '');
    const suites = m.targets.map((t) => ({ results: m.results.get(t.name) ?? [], options: { name: `tcpcraft ${t.name}`, target: t.name, wallMs: t.suiteMs, timestamp, hostname: hostname() } }));
    writeFileSync(o.junit, junitDocument(suites, 'tcpcraft matrix'));
  }
  return matrixFailed(m, FAIL_ON[o.failOn]) ? 1 : 0;
}

/** Adds `tcpcraft matrix` to `program`. */
export function registerMatrixCommand(program: Command): void {
  program
    .command('matrix')
    .description('run scenarios against several TCP stacks (each in a lab of its own) and print one table, scenario x target')
    .argument('<paths...>', 'scenario files, or directories whose *.ts files are run')
    .option('--targets <list>', `comma-separated lab targets (${TARGET_NAMES.join(', ')})`, targetList, [...TARGET_NAMES])
    .option('--jobs <n>', 'scenarios run at once within each target', intOption('--jobs', 1, 64))
    .option('--timeout <ms>', 'how long to wait for each expected segment when the scenario does not say', intOption('--timeout', 1, 600000))
    .option('--json [file]', "write the matrix as JSON (schemas/matrix.schema.json: tool, totals, targets, scenarios, one cell per scenario and target) to FILE; '-' or no FILE: to stdout, the table to stderr")
    .option('--markdown <file>', 'write the table as Markdown')
    .option('--html <file>', 'write a self-contained HTML report: the table (a filter for failing rows), each cell linking to its run\'s ladder')
    .option('--junit <file>', 'write JUnit XML with one testsuite per target')
    .option('--shard <i/n>', 'run only shard i of n of the scenario files (every n-th, from the i-th)', shardOption)
    .addOption(new Option('--fail-on <level>', 'the RFC levels whose failures make the exit status 1: must, should or may (as suite)').choices(['must', 'should', 'may']).default('must'))
    .addHelpText('after', `
Each target gets a lab of its own (brought up in parallel, always taken down); the suite runs in
each, one target after another. The 'reference' target (tcpcraft's RFC reference stack) runs in
memory, with no lab: the column of what the RFCs require. A cell is PASS, FAIL with the first difference in a few words,
XFAIL (the scenario's expectedFailures names the target, with the reason), XPASS (the mark is
stale: a failure), ERROR (could not run), N/A or INTERRUPTED. Exit status as 'suite': 0 when no
cell failed at a level --fail-on counts (default MUST), 1 otherwise, 2 for usage or environment errors, 129/130/143 after a signal (the
running suite is stopped and written, the labs go down). Needs root (but for --targets reference).

Example:
  sudo tcpcraft matrix scenarios/conformance --targets linux,lwip,slirp --markdown matrix.md`)
    .action((paths: string[], o: MatrixCliOptions) => runCommandBody(() => interruptible((interrupt) => matrixCommand(paths, o, interrupt))));
}

/**
 * Names and RFC references of `files`, from `tcpcraft suite --list` in a process of its own: the
 * scenarios' code runs there, unprivileged, while the matrix keeps root for its labs.
 */
async function listedScenarios(files: readonly string[]): Promise<Array<{ name: string; file: string; rfc: string | null }>> {
  const r = await run(process.execPath, [fileURLToPath(new URL('../../bin/tcpcraft.js', import.meta.url)), 'suite', '--list', '--json', '-', ...files], { timeoutMs: 120_000 });
  let list: ListedScenario[];
  try {
    list = JSON.parse(r.stdout) as ListedScenario[];
  } catch {
    throw new EnvError(`could not list the scenarios: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
  return list.map((l) => ({ name: l.name, file: l.file, rfc: l.rfc }));
}
