/** `tcpcraft suite`: many scenarios in one process, in parallel, with JUnit, TAP and JSON reports. */
import { hostname } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EnvError, UsageError } from '../errors.js';
import { backendFor, REFERENCE_TARGET } from '../suite/backend.js';
import { parseSettings } from '../reference/tune.js';
import { DEFAULT_LAB, labConfig, labNamespaces } from '../io/lab.js';
import { loadScenarios } from '../io/load.js';
import { writeOutput, type SandboxOptions } from '../io/sandbox.js';
import { discover, fallbackName, shardOf, type Shard } from '../suite/discover.js';
import { junitXml, suiteJson, tapHeader, tapPoint } from '../report/suite.js';
import { countsOf, FAIL_ON, failsRun, isFailure, progressLine, resultLine, summaryLine, type SuiteResult } from '../suite/result.js';
import { APPENDIX_B, coverageProblems } from '../suite/requirements.js';
import { killMatrix } from '../suite/mutation.js';
import { MUTANTS, mutantNamed, type Mutant } from '../reference/mutants.js';
import { coverageHtml, coverageJson, coverageMarkdown, type CoverageJson } from '../report/coverage.js';
import { TOOL } from '../version.js';
import { DEFAULT_JOBS, DEFAULT_TARGET, runSuite, type SuiteEntry } from '../suite/runner.js';
import { familyOption, intOption, ipOption, shardOption } from './options.js';
import { withLabFamily } from '../session/plan.js';
import { LAB_SERIAL_PORTS } from '../lab/catalogue.js';
import { humanStream, jsonOnStdout, runCommandBody, writeJson, type JsonDest } from './output.js';
import { suiteHtml } from '../report/html.js';
import { interruptible, type Interrupt } from './interrupt.js';
import { painter } from './colour.js';

interface SuiteCliOptions {
  dst?: string;
  jobs: number;
  junit?: string;
  tap?: boolean;
  json?: JsonDest;
  html?: string;
  target: string;
  timeout?: number;
  lab: string;
  serialPorts: number[];
  shard?: Shard;
  requirements?: string;
  list?: boolean;
  family?: 4 | 6;
  set: string[];
  failOn: 'must' | 'should' | 'may';
  mutant?: string;
  mutants?: string;
}

/** One line of `suite --list --json`: a scenario file as loaded, nothing run. */
export interface ListedScenario {
  readonly file: string;
  readonly name: string;
  readonly rfc: string | null;
  readonly level: string | null;
  readonly error?: string;
}

/** `suite --list`: loads the scenarios (their code runs unprivileged, nothing is sent) and lists them. */
async function listCommand(files: readonly string[], o: SuiteCliOptions): Promise<number> {
  const entries = await loadAll(files, { outputs: [typeof o.json === 'string' ? o.json : undefined] });
  const list: ListedScenario[] = entries.map((e) => ({ file: e.file, name: e.name, rfc: e.scenario?.rfc ?? null, level: e.scenario?.level ?? null, ...(e.loadError !== undefined ? { error: e.loadError } : {}) }));
  if (o.json !== undefined) writeJson(o.json, list);
  else for (const l of list) process.stdout.write(`${l.file}  ${l.name}${l.level ? `  ${l.level}` : ''}${l.rfc ? `  ${l.rfc}` : ''}${l.error ? `  (does not load: ${l.error.split('\n')[0]})` : ''}\n`);
  return entries.some((e) => e.loadError !== undefined) ? 1 : 0;
}

function portList(v: string): number[] {
  if (v.trim() === '') return [];
  return v.split(',').map((p) => {
    const n = Number(p.trim());
    if (!/^\d+$/.test(p.trim()) || n < 1 || n > 65535) throw new InvalidArgumentError(`--serial-ports takes TCP ports separated by commas, got '${p}'.`);
    return n;
  });
}

/** Loads every file; a file that does not load becomes an entry with its error. */
export async function loadAll(files: readonly string[], sandbox: SandboxOptions = {}): Promise<SuiteEntry[]> {
  return (await loadScenarios(files, sandbox)).map((r) => ('scenario' in r ? { file: r.file, name: r.scenario.name, scenario: r.scenario } : { file: r.file, name: fallbackName(r.file), loadError: r.error.message }));
}

/**
 * The kill matrix of `files` (every scenario against the pure reference and each of `mutants`, in
 * memory) as a coverage document, its paths relative to `base`. Progress on stderr.
 */
async function coverageOf(files: readonly string[], mutants: readonly Mutant[], base: string, outputs: ReadonlyArray<string | undefined>): Promise<{ doc: CoverageJson; entries: SuiteEntry[] }> {
  const entries = await loadAll(files, { outputs });
  const broken = entries.filter((e) => e.loadError !== undefined);
  if (broken.length) throw new EnvError(broken.map((e) => e.loadError).join('\n'));
  const live = process.stderr.isTTY === true;
  const m = await killMatrix(entries, mutants, (done, total) => {
    if (live) process.stderr.write(`\r\x1b[Kkill matrix: ${done}/${total} mutants`);
  });
  if (live) process.stderr.write('\r\x1b[K');
  process.stderr.write(`kill matrix: ${entries.length} scenarios x ${mutants.length} mutants in ${(m.wallMs / 1000).toFixed(1)} s (in memory)\n`);
  return { doc: coverageJson(m, new Map(entries.map((e) => [e.file, e.scenario?.rfc])), TOOL, (f) => relative(base, resolve(f))), entries };
}

/**
 * `suite --requirements FILE`: runs the kill matrix of the scenarios over every mutant of the
 * reference stack, in memory (nothing is sent), and writes the RFC 9293 Appendix B table to FILE
 * and its document to FILE's .json twin, with paths relative to FILE's directory. Returns 1 when a
 * row has neither a scenario nor a stated reason, or a scenario names an unknown ID.
 */
async function requirementsCommand(files: readonly string[], out: string): Promise<number> {
  const base = dirname(resolve(out));
  const json = out.replace(/\.md$/i, '') + '.json';
  const { doc, entries } = await coverageOf(files, MUTANTS, base, [out, json]);
  const scenarios = [...new Set(doc.requirements.flatMap((r) => r.scenarios))].map((path) => ({ path }));
  writeOutput(out, coverageMarkdown(doc));
  writeOutput(json, `${JSON.stringify(doc, null, 2)}\n`);
  const problems = coverageProblems(entries.map((e) => ({ path: relative(base, resolve(e.file)), ...(e.scenario?.rfc ? { rfc: e.scenario.rfc } : {}) })));
  const c = doc.counts;
  process.stdout.write(`wrote ${out} and ${json}: ${APPENDIX_B.length} RFC 9293 requirements; shown ${c.all.shown} (MUST ${c.MUST.shown} of ${c.MUST.shown + c.MUST.claimed}), claimed not shown ${c.all.claimed}, not testable ${c.all.untestable}; ${scenarios.length} scenarios name a row\n`);
  for (const p of problems) process.stdout.write(`problem: ${p}\n`);
  return problems.length ? 1 : 0;
}

/**
 * `suite --target reference --mutants all|NAME,...`: the kill matrix. Prints a line per mutant
 * (SHOWN: killed by a scenario naming its requirement; OTHER: only by others; ALIVE: by none),
 * writes the coverage document with --json and a page with --html. Exit 1 when a mutant is not
 * killed by a scenario naming its requirement.
 */
async function mutantsCommand(files: readonly string[], o: SuiteCliOptions): Promise<number> {
  if (o.target !== REFERENCE_TARGET) throw new UsageError('--mutants runs the suite against mutants of the reference stack: add --target reference.');
  const wanted = o.mutants === 'all' ? MUTANTS : o.mutants!.split(',').map((n) => mutantNamed(n.trim()));
  const { doc } = await coverageOf(files, wanted, process.cwd(), [typeof o.json === 'string' ? o.json : undefined, o.html]);
  const human = humanStream(jsonOnStdout(o.json));
  const say = painter(human);
  for (const x of doc.mutants) {
    const mark = x.killedByOwn.length ? 'SHOWN' : x.killedBy.length ? 'OTHER' : 'ALIVE';
    say(`${mark.padEnd(5)}  ${x.name} [${x.requirement}]: ${x.killedByOwn.length ? x.killedByOwn.join(', ') : x.killedBy.length ? `killed only by ${x.killedBy.join(', ')}` : 'no scenario fails against it'}${x.madeNa.length ? `; N/A: ${x.madeNa.join(', ')}` : ''}\n`);
  }
  const shown = doc.mutants.filter((x) => x.killedByOwn.length).length;
  say(`${shown} of ${doc.mutants.length} mutants killed by a scenario naming their requirement; RFC 9293 rows shown: MUST ${doc.counts.MUST.shown}, SHOULD ${doc.counts.SHOULD.shown}, MAY ${doc.counts.MAY.shown}\n`);
  if (o.json !== undefined) writeJson(o.json, doc);
  if (o.html) writeOutput(o.html, coverageHtml(doc));
  return shown === doc.mutants.length ? 0 : 1;
}

/** Runs the suite; returns the exit status (0 no failure, 1 failures; 128 + N after signal N). */
async function suiteCommand(paths: string[], o: SuiteCliOptions, interrupt?: Interrupt): Promise<number> {
  if (o.tap && jsonOnStdout(o.json)) throw new EnvError('--tap and --json - both want stdout: give --json a file name.');
  if (o.requirements) return requirementsCommand(discover(paths), o.requirements);
  if (o.mutants !== undefined) return mutantsCommand(shardOf(discover(paths), o.shard), o);
  if (o.list) return listCommand(shardOf(discover(paths), o.shard), o);
  if (o.set.length && o.target !== REFERENCE_TARGET) throw new UsageError('--set changes the reference stack: use it with --target reference.');
  if (o.mutant !== undefined && o.target !== REFERENCE_TARGET) throw new UsageError('--mutant runs the suite against a mutant of the reference stack: add --target reference.');
  const mutant = o.mutant !== undefined ? mutantNamed(o.mutant) : undefined;
  const backend = backendFor(o.target, { ...parseSettings(o.set), ...(mutant?.settings ?? {}) }, o.lab);
  if (o.set.length && backend.kind === 'live') throw new UsageError(`--set changes the reference stack in memory: lab '${o.lab}' serves its own, with the default settings.`);
  const files = shardOf(discover(paths), o.shard);
  if (files.length === 0 && o.shard) {
    process.stdout.write(`shard ${o.shard.index}/${o.shard.count} has no scenario\n${summaryLine(countsOf([]))}\n`);
    return 0;
  }
  if (files.length === 0) throw new EnvError(`no scenario files in ${paths.join(', ')} (a directory contributes its *.ts files, not those starting with '_').`);
  const loaded = await loadAll(files, { outputs: [o.junit, typeof o.json === 'string' ? o.json : undefined, o.html], sender: true });
  const entries = o.family ? loaded.map((e) => (e.scenario ? { ...e, scenario: withLabFamily(e.scenario, o.family!) } : e)) : loaded;
  // With --tap or --json -, stdout is TAP or JSON only and the human-readable lines go to stderr.
  const human = humanStream(o.tap === true || jsonOnStdout(o.json));
  const say = painter(human);
  const live = human.isTTY === true;
  const done: SuiteResult[] = [];
  // TAP points are written in file order as soon as all those before them are known.
  const tapQueue = new Map<number, SuiteResult>();
  let tapNext = 0;
  if (o.tap) process.stdout.write(tapHeader(entries.length));
  const onResult = (r: SuiteResult): void => {
    done.push(r);
    const counts = countsOf(done, entries.length);
    // Scenarios a signal kept from starting are counted in the closing lines, not listed one by one.
    if (r.verdict === 'interrupted' && !r.report) {
      if (live) say(`\r\x1b[K${progressLine(counts)}`);
    } else if (live) {
      say('\r\x1b[K');
      if (r.verdict !== 'pass') say(`${resultLine(r)}\n`);
      say(progressLine(counts));
    } else {
      say(`${resultLine(r)}\n`);
    }
    if (o.tap) {
      tapQueue.set(r.index, r);
      for (let t = tapQueue.get(tapNext); t; t = tapQueue.get(tapNext)) {
        process.stdout.write(tapPoint(t));
        tapQueue.delete(tapNext);
        tapNext += 1;
      }
    }
  };
  if (backend.kind === 'reference') say(`target reference: tcpcraft's RFC reference stack, in memory, on a virtual clock${o.set.length ? ` (changed: ${o.set.join(', ')})` : ''}${mutant ? `; mutant ${mutant.name}: ${mutant.breaks} (${mutant.requirement})` : ''}\n`);
  if (live) say(progressLine(countsOf([], entries.length)));
  const clientNetns = labNamespaces(labConfig({ name: o.lab })).server;
  const outcome = await runSuite(entries, {
    overrides: { ...(o.dst ? { dst: o.dst } : {}), ...(o.timeout ? { defaultTimeoutMs: o.timeout } : {}) },
    jobs: o.jobs,
    target: o.target,
    backend,
    serialPorts: o.serialPorts,
    clientNetns,
    lab: o.lab,
    learnFeatures: true,
    onFeatures: (host, f) => say(`${live ? '\r\x1b[K' : ''}features of ${host}: ${[...f].map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`).join(', ')}\n`),
    onResult,
    ...(interrupt ? { interrupt: interrupt.signal } : {}),
  });
  if (live) say('\r\x1b[K');
  if (outcome.interrupted) {
    say(`\ninterrupted by ${outcome.interrupted}: ${outcome.results.filter((r) => r.verdict === 'interrupted').length} of ${entries.length} scenarios stopped or not started\n`);
  }
  const failures = outcome.results.filter((r) => isFailure(r.verdict));
  if (failures.length) {
    say(`\n${failures.length} failure${failures.length === 1 ? '' : 's'}:\n`);
    for (const r of failures) say(`\n${resultLine(r)}\n${r.message ?? ''}\n`);
    say('\n');
  }
  const counts = countsOf(outcome.results);
  const levels = FAIL_ON[o.failOn];
  const failing = outcome.results.filter((r) => failsRun(r, levels));
  const spared = failures.length - failing.length;
  say(`${summaryLine(counts)}${spared ? ` (${spared} at a level --fail-on ${o.failOn} does not count: ${[...new Set(failures.filter((r) => !failsRun(r, levels)).map((r) => r.level))].join(', ')})` : ''}\n`);
  const rate = outcome.wallMs > 0 ? (entries.length * 1000) / outcome.wallMs : undefined;
  const perSecond = rate === undefined ? '-' : rate >= 1 ? rate.toFixed(1) : rate.toPrecision(2);
  say(`wall time ${(outcome.wallMs / 1000).toFixed(2)} s with --jobs ${o.jobs} (${entries.length} scenarios, ${perSecond} per second, target ${o.target})\n`);
  if (o.junit) {
    writeOutput(o.junit, junitXml(outcome.results, { target: o.target, wallMs: outcome.wallMs, timestamp: outcome.startedAt.toISOString().replace(/\.\d+Z$/, ''), hostname: hostname() }));
  }
  const doc = suiteJson(outcome.results, { target: o.target, startedAt: outcome.startedAt, wallMs: outcome.wallMs, ...(outcome.interrupted ? { interrupted: outcome.interrupted } : {}) });
  if (o.json !== undefined) writeJson(o.json, doc);
  if (o.html) writeOutput(o.html, suiteHtml(doc));
  return failing.length ? 1 : 0;
}

/** Add `suite` to `program`. */
export function registerSuiteCommand(program: Command): void {
  program
    .command('suite')
    .description('run many scenarios in one process, independent ones in parallel; summary, exit status, JUnit/TAP/JSON reports')
    .argument('<paths...>', 'scenario files, or directories whose *.ts files are run (not recursive; names starting with _ are skipped)')
    .option('--dst <ip>', "replace every scenario's peer host with this address (default: each scenario's own, the lab's server 10.77.0.2 for the conformance scenarios)", ipOption)
    .option('--jobs <n>', `scenarios run at once (1: one after another)`, intOption('--jobs', 1, 64), DEFAULT_JOBS)
    .option('--junit <file>', 'write a JUnit XML report (failures, expected failures as skipped)')
    .option('--tap', 'write TAP version 13 on stdout (the human-readable lines then go to stderr)')
    .option('--html <file>', 'write a self-contained HTML report: the verdict table (a filter for failures), each run with its SVG ladder and packets')
    .option('--json [file]', "write the JSON report (schemas/suite.schema.json: totals, tool, target, each result with its run's report) to FILE; '-' or no FILE: to stdout, the human lines to stderr")
    .option('--target <name>', "the stack under test, whose expectedFailures marks apply; 'reference': tcpcraft's RFC reference stack, in memory (no root, no lab, virtual time)", DEFAULT_TARGET)
    .option('--set <NAME=VALUE>', 'with --target reference: change one of its settings (repeatable; e.g. minRtoMs=200, rfc5961=false)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--family <4|6>', "run over this IP version: the lab's addresses in the scenarios become those of that version (10.77.0.2 <-> fd77::2); scenarios about the other version only are N/A", familyOption)
    .option('--timeout <ms>', "how long to wait for each expected segment when the scenario does not say (default 3000)", intOption('--timeout', 1, 600000))
    .option('--lab <name>', "lab whose server namespace plays the client of server-role scenarios, and whose application app() steps drive", DEFAULT_LAB.name)
    .option('--shard <i/n>', 'run only shard i of n (every n-th scenario file from the i-th, in name order), to split the work over CI runners', shardOption)
    .option('--requirements <file>', "send nothing: run the kill matrix in memory and write the RFC 9293 Appendix B table (each row's scenarios, mutants and status: shown, claimed, not testable) to FILE and its JSON beside it; exit 1 if a row has neither a scenario nor a reason")
    .option('--mutant <name>', "with --target reference: run against this mutant of the reference stack, which breaks one requirement (see --mutants)")
    .option('--mutants <names>', "with --target reference: the kill matrix: the suite against the pure reference and each mutant ('all', or names separated by commas), in memory; --json writes it (schemas/coverage.schema.json), --html as a page; exit 1 when a mutant is not killed by a scenario naming its requirement")
    .option('--list', 'run nothing: list the scenarios (file, name, level, RFC; with --json, as JSON), exit 1 if one does not load')
    .addOption(new Option('--fail-on <level>', "the RFC levels whose failures make the exit status 1: must (MUST only), should (MUST and SHOULD) or may (all); an XPASS or ERROR always does").choices(['must', 'should', 'may']).default('must'))
    .option('--serial-ports <ports>', 'peer ports that serve one connection at a time: scenarios to them never overlap (comma-separated; "" for none)', portList, [...LAB_SERIAL_PORTS])
    .addHelpText('after', `
Verdicts: PASS; FAIL (with its RFC level when not MUST: FAIL [SHOULD], FAIL [MAY]); XFAIL, an expected failure (the scenario's expectedFailures has an entry for
--target and it failed); XPASS, an unexpected pass (counts as a failure); ERROR, the scenario could
not run (counts as a failure); N/A, it requires an optional feature the target lacks; INTERRUPTED,
stopped (or never started) by a signal. Ends with 'N passed, N failed, N expected failures';
exit status 0 when nothing failed at a level --fail-on counts (default: MUST), 1 otherwise (an
XPASS or ERROR always), 2 for usage or environment errors.

SIGINT, SIGTERM or SIGHUP: nothing new starts, the runs in progress stop, reset their peers and
remove their guards; the summary and the JUnit/TAP/JSON reports of what ran are written; exit
129/130/143. A second signal exits at once.

One capture per interface is shared by all runs; each run has its own source ports and its own
kernel-RST guard, removed when it ends. Server-role scenarios and scenarios that fix their own
source port run one at a time, after the others.

Example, in the lab:
  sudo tcpcraft lab up
  sudo tcpcraft lab exec client -- tcpcraft suite scenarios/conformance --junit report.xml
Against the RFC reference stack, in memory (no root; what an RFC-correct TCP does):
  tcpcraft suite scenarios/conformance --target reference
  tcpcraft suite scenarios/conformance --target reference --set minRtoMs=200`)
    .action((paths: string[], o: SuiteCliOptions) => runCommandBody(() => interruptible((interrupt) => suiteCommand(paths, o, interrupt))));
}
