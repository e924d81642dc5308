/**
 * `tcpcraft exercise list | start N [DIR] | check FILE`: lab exercises for a networking class
 * (src/exercise/catalog.ts, scenarios/exercises). `check` runs the student's scenario against the
 * lab like `run`, and on a failure adds a hint worked out from the difference.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { EnvError, ScenarioError } from '../errors.js';
import { loadOneScenario } from '../io/load.js';
import { formatFailure, formatLadder, formatTrace } from '../report/index.js';
import { runAlone } from '../suite/runner.js';
import { EXERCISES, exerciseOf, fileNameOf, hintFor } from '../exercise/catalog.js';
import { painter } from './colour.js';
import { ipOption } from './options.js';
import { runCommandBody } from './output.js';
import { interruptible } from './interrupt.js';

/** Where the skeletons are (the package's own copy). */
const DIR = fileURLToPath(new URL('../../scenarios/exercises/', import.meta.url));

function listCommand(): number {
  const out = painter(process.stdout);
  for (const e of EXERCISES) out(`${String(e.n).padStart(2)}. ${e.title}\n    ${e.task}\n`);
  out(`\nStart one: tcpcraft exercise start N [DIR]; check it: tcpcraft exercise check FILE (in the lab, as root).\n`);
  return 0;
}

function startCommand(nText: string, dir: string): number {
  const e = EXERCISES.find((x) => String(x.n) === nText || x.n === Number(nText));
  if (!e) throw new EnvError(`there is no exercise ${nText}: 'tcpcraft exercise list' shows 1 to ${EXERCISES.length}.`);
  const to = join(dir, fileNameOf(e));
  if (existsSync(to)) throw new EnvError(`${to} already exists: exercise start never overwrites (check it, or remove it to start again).`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(DIR, fileNameOf(e)), to);
  process.stdout.write(`exercise ${e.n}: ${e.title}\n${e.task}\nwrote ${to}: fill in its TODO blanks, then (in the lab, as root):\n  tcpcraft lab exec client -- tcpcraft exercise check ${to}\n`);
  return 0;
}

interface CheckOptions {
  dst?: string;
  timeout?: number;
  ladder?: boolean;
}

async function checkCommand(file: string, o: CheckOptions): Promise<number> {
  const out = painter(process.stdout);
  let sc;
  try {
    sc = await loadOneScenario(file, { sender: true });
  } catch (err) {
    if (err instanceof ScenarioError && /TODO: fill in this blank/.test(err.message)) {
      out(`FAIL not finished yet: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const ex = exerciseOf(resolve(file), sc.name);
  return interruptible(async (interrupt) => {
    const result = await runAlone(file, sc, {
      overrides: { ...(ex?.isn !== undefined ? { isn: ex.isn } : {}), ...(o.dst ? { dst: o.dst } : {}), ...(o.timeout ? { timeoutMs: o.timeout } : {}) },
      interrupt: interrupt.signal,
    });
    const report = result?.report;
    if (!report) return 2;
    out(`${formatTrace(report)}\n\n`);
    if (o.ladder !== false) out(`${formatLadder(report)}\n\n`);
    if (report.passed) {
      out(`PASS ${ex ? `exercise ${ex.n} (${ex.title})` : sc.name}: every segment came as you predicted.\n`);
      return 0;
    }
    out(`FAIL ${ex ? `exercise ${ex.n} (${ex.title})` : sc.name}\n${formatFailure(report) ?? ''}\nhint: ${hintFor(report, ex)}\n`);
    return 1;
  });
}

/** Adds `tcpcraft exercise` to `program`. */
export function registerExerciseCommand(program: Command): void {
  const ex = program.command('exercise').description('lab exercises for a networking class: list them, start one, check your answer against the lab');
  ex.command('list')
    .description('the exercises, with their tasks')
    .action(() => runCommandBody(async () => listCommand()));
  ex.command('start')
    .description('copy exercise N\'s skeleton (a scenario with TODO blanks) into DIR (default: here); never overwrites')
    .argument('<n>', 'the exercise number (see exercise list)')
    .argument('[dir]', 'where to put it', '.')
    .action((n: string, dir: string) => runCommandBody(async () => startCommand(n, dir)));
  ex.command('check')
    .description('run your scenario against the lab (root): PASS, or FAIL with what differed and a hint')
    .argument('<file>', 'your scenario (an exercise skeleton with its blanks filled in)')
    .option('--dst <ip>', "the server to check against (default: the lab's, as the exercise says)", ipOption)
    .option('--timeout <ms>', 'how long to wait for each expected segment')
    .option('--no-ladder', 'do not print the ladder diagram')
    .addHelpText('after', `
Exit status: 0 the answer is right, 1 it is not (or blanks are left), 2 usage or environment.
Teachers: the model answers are in scenarios/exercises/answers/.`)
    .action((file: string, o: CheckOptions) => runCommandBody(() => checkCommand(file, { ...o, ...(o.timeout !== undefined ? { timeout: Number(o.timeout) } : {}) })));
}
