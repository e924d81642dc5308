/**
 * `make learn`: every lab target's TCP state machine learnt from the wire (issue 27), side by
 * side with the reference's and with the published anchors, and each difference from the
 * reference written as a scenario and replayed with the verdict it claims.
 *
 * For each target (LEARN_PARALLEL at a time, one by default; each in labs of its own that `tcpcraft learn` brings up and takes
 * down): LEARN_RUNS learning runs (server role by default, full alphabet), each bounded; whether
 * the runs gave the same machine; the figures (states, queries, queries per second, minutes).
 * Then, per target, the differences from the reference emitted twice as scenarios: replaying the
 * target (they must pass on it, in its lab, and fail on the reference, in memory) and replaying
 * the reference (pass in memory, fail on the target). Writes DIR/results.json and DIR/README.md.
 *
 * Network rules: only the labs' namespaces; every child bounded in time; children ended by PID.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { differences } from '../src/learn/compare.js';
import { fromDoc } from '../src/learn/machinefile.js';
import { labConfig, labDown, labExecArgv, labUp } from '../src/io/lab.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'bin/tcpcraft.js');

/** Figures others published, printed beside ours (issue 27). */
const ANCHORS = [
  { what: 'tcp-learner (LearnLib), FreeBSD server, CAV 2016', states: 55, queries: 122_000, minutes: 180 },
  { what: 'a 2026 Java/LearnLib learner, Linux 6.17, 3 inputs', states: null, queries: null, minutes: 303 / 60 },
];

interface Done {
  readonly code: number | null;
  readonly out: string;
}

/** Runs `argv`, output collected, killed (by its PID) after `ms`. */
function run(argv: readonly string[], ms: number, log?: string): Promise<Done> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
      if (log) process.stderr.write(b.toString().replace(/^(?=.)/gm, `${log}: `));
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

interface Learnt {
  readonly target: string;
  readonly run: number;
  readonly file: string;
  readonly ok: boolean;
  readonly states?: number;
  readonly queries?: number;
  readonly seconds?: number;
  readonly why?: string;
  /** The learner stopped at its time bound: the machine is its last hypothesis. */
  readonly stopped?: string;
}

async function learnOnce(target: string, k: number, dir: string, args: readonly string[], boundMs: number): Promise<Learnt> {
  const file = join(dir, `${target}-${k}.json`);
  // The learner stops itself at the bound and writes its last hypothesis; the kill is a backstop.
  const minutes = Math.max(1, Math.floor(boundMs / 60_000));
  // LEARN_REUSE=1: a machine file already there (from an earlier run, or learnt by hand with the
  // same options) is taken as this run's, so that the replays and the table can be redone alone.
  if (process.env.LEARN_REUSE === '1' && existsSync(file)) {
    process.stderr.write(`${target}#${k}: reusing ${file}\n`);
    return described(target, k, file);
  }
  const r = await run([process.execPath, CLI, 'learn', '--target', target, ...args, '--max-minutes', String(minutes), '--seed', String(k), '--json', file], boundMs + 180_000, `${target}#${k}`);
  if (!existsSync(file)) return { target, run: k, file, ok: false, why: `exit ${r.code}: ${r.out.trim().split('\n').slice(-2).join(' / ')}` };
  return described(target, k, file);
}

/** What a machine file says of its run. */
function described(target: string, k: number, file: string): Learnt {
  const { doc } = fromDoc(readFileSync(file, 'utf8'), file);
  return { target, run: k, file, ok: true, states: doc.states.length, queries: doc.learning!.queries, seconds: doc.learning!.seconds, ...(doc.learning!.stopped ? { stopped: doc.learning!.stopped } : {}) };
}

/** The emitted scenarios of A (replayed) against B, and their verdicts on A and on B. */
interface Replay {
  readonly from: string;
  readonly against: string;
  readonly scenarios: number;
  readonly passOnFrom: string;
  readonly failOnAgainst: string;
}

/** Scenarios written from `aFile` vs `bFile` into `out`, replayed on both (lab targets in lab `lab`). */
async function emitAndReplay(a: string, b: string, aFile: string, bFile: string, out: string, lab: string | undefined): Promise<Replay> {
  const inLab = (argv: string[]): string[] => (lab ? labExecArgv(labConfig({ name: lab }), 'client', argv) : argv);
  const where = (t: string): string[] => (t === 'reference' ? ['--target', 'reference'] : ['--lab', lab!]);
  const c = await run(inLab([process.execPath, CLI, 'learn', '--compare', aFile, bFile, '--emit', out, ...(a === 'reference' ? [] : ['--lab', lab!])]), 600_000);
  const n = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.ts')).length : 0;
  if (n === 0) return { from: a, against: b, scenarios: 0, passOnFrom: c.code === 0 ? 'no difference' : `not written: ${c.out.trim().split('\n').at(-1)}`, failOnAgainst: '' };
  const summary = (d: Done): string => d.out.match(/^\d+ passed, \d+ failed.*$/m)?.[0] ?? `exit ${d.code}`;
  const onA = await run(a === 'reference' ? [process.execPath, CLI, 'suite', out, ...where(a)] : inLab([process.execPath, CLI, 'suite', out, ...where(a)]), 900_000);
  const onB = await run(b === 'reference' ? [process.execPath, CLI, 'suite', out, ...where(b)] : inLab([process.execPath, CLI, 'suite', out, ...where(b)]), 900_000);
  return { from: a, against: b, scenarios: n, passOnFrom: summary(onA), failOnAgainst: summary(onB) };
}

async function main(): Promise<void> {
  const env = process.env;
  const targets = (env.LEARN_TARGETS ?? 'reference,linux,linux-uml,gvisor,lwip,slirp').split(',').filter(Boolean);
  const runs = Number(env.LEARN_RUNS ?? 3);
  const role = env.LEARN_ROLE ?? 'server';
  const alphabet = env.LEARN_ALPHABET ?? 'full';
  const boundMs = Number(env.LEARN_BOUND_MIN ?? 20) * 60_000;
  const dir = env.LEARN_DIR ?? join(ROOT, 'bench/learn');
  mkdirSync(dir, { recursive: true });
  const args = ['--role', role, '--alphabet', alphabet, ...(env.LEARN_ARGS ? env.LEARN_ARGS.split(' ').filter(Boolean) : [])];
  process.stderr.write(`learning ${targets.join(', ')} (${role} role, ${alphabet} alphabet), ${runs} run(s) each, each bounded to ${boundMs / 60_000} min; files in ${dir}\n`);

  // LEARN_PARALLEL targets at a time (default 1: on two cores, learners side by side slow each
  // other's answers past their measured waits); a target's runs one after another, each with its
  // own seed of test words, so that the same machine each time means something.
  const parallel = Math.max(1, Number(env.LEARN_PARALLEL ?? 1));
  const byTarget = new Map<string, Learnt[]>();
  const todo = [...targets];
  await Promise.all(
    Array.from({ length: Math.min(parallel, targets.length) }, async () => {
      for (let t = todo.shift(); t !== undefined; t = todo.shift()) {
        const mine: Learnt[] = [];
        for (let k = 1; k <= runs; k++) mine.push(await learnOnce(t, k, dir, args, boundMs));
        byTarget.set(t, mine);
      }
    }),
  );
  const learnt = targets.flatMap((t) => byTarget.get(t) ?? []);

  const rows = targets.map((t) => {
    const mine = learnt.filter((l) => l.target === t);
    const good = mine.filter((l) => l.ok);
    const machines = good.map((l) => fromDoc(readFileSync(l.file, 'utf8'), l.file).machine);
    const same = machines.length > 1 ? machines.every((m) => differences(machines[0]!, m).length === 0) : null;
    const q = good.map((l) => l.queries!);
    const s = good.map((l) => l.seconds!);
    return {
      target: t,
      runs: mine.length,
      learnt: good.length,
      states: good.map((l) => l.states!),
      sameMachine: same,
      queries: q,
      queriesPerSecond: good.map((l) => Math.round((l.queries! / Math.max(l.seconds!, 0.001)) * 10) / 10),
      minutes: s.map((x) => Math.round((x / 60) * 100) / 100),
      failures: mine.filter((l) => !l.ok).map((l) => `run ${l.run}: ${l.why}`),
      stopped: mine.filter((l) => l.stopped).map((l) => `run ${l.run}: ${l.stopped}`),
    };
  });

  // Differences from the reference, written as scenarios both ways and replayed.
  const replays: Replay[] = [];
  const refFile = learnt.find((l) => l.target === 'reference' && l.ok)?.file;
  if (refFile) {
    for (const t of targets.filter((x) => x !== 'reference')) {
      const tFile = learnt.find((l) => l.target === t && l.ok)?.file;
      if (!tFile) continue;
      const cfg = labConfig({ name: `tclr${process.pid % 10000}`, target: t as never });
      // A signal takes this lab down before the process goes (the learners take their own down).
      const onSignal = (sig: NodeJS.Signals): void => void labDown(cfg).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        await labUp(cfg);
        replays.push(await emitAndReplay(t, 'reference', tFile, refFile, join(dir, `${t}-vs-reference`), cfg.name));
        replays.push(await emitAndReplay('reference', t, refFile, tFile, join(dir, `reference-vs-${t}`), cfg.name));
      } catch (err) {
        replays.push({ from: t, against: 'reference', scenarios: 0, passOnFrom: `lab: ${(err as Error).message}`, failOnAgainst: '' });
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        await labDown(cfg).catch(() => undefined);
      }
    }
  }

  const files = targets.map((t) => learnt.find((l) => l.target === t && l.ok)?.file).filter((f): f is string => f !== undefined);
  const table = files.length > 2 ? (await run([process.execPath, CLI, 'learn', '--compare', ...files], 120_000)).out : '';
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ role, alphabet, rows, replays, anchors: ANCHORS }, null, 2)}\n`);
  const md = [
    `# Learnt TCP state machines (${role} role, ${alphabet} alphabet)`,
    '',
    '| target | runs learnt | states | same machine each run | queries | queries/s | minutes | stopped at the bound |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.target} | ${r.learnt}/${r.runs} | ${r.states.join(', ')} | ${r.sameMachine === null ? '-' : r.sameMachine ? 'yes' : 'no'} | ${r.queries.join(', ')} | ${r.queriesPerSecond.join(', ')} | ${r.minutes.join(', ')} | ${r.stopped.length ? r.stopped.length : ''} |`),
    ...ANCHORS.map((a) => `| *${a.what}* | | ${a.states ?? '?'} | | ${a.queries ?? '?'} | | ${a.minutes.toFixed(1)} | |`),
    '',
    '| scenarios from | replayed against | scenarios | on the first | on the second |',
    '| --- | --- | --- | --- | --- |',
    ...replays.map((r) => `| ${r.from} | ${r.against} | ${r.scenarios} | ${r.passOnFrom} | ${r.failOnAgainst} |`),
    '',
    '```',
    table.trim(),
    '```',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'README.md'), md);
  process.stdout.write(`${md}\n`);
  const bad = rows.some((r) => r.learnt < r.runs || r.sameMachine === false || r.stopped.length > 0);
  process.exitCode = bad ? 1 : 0;
}

await main();
