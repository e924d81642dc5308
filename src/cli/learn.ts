/**
 * `tcpcraft learn`: learn a TCP stack's state machine from the wire (issue 27), write it as JSON,
 * DOT, SVG or HTML, and compare two learnt machines, writing each difference as a scenario.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { EnvError, messageOf, UsageError } from '../errors.js';
import { drive, NondeterminismError, type DriveResult } from '../learn/driver.js';
import { differences, rfcLabels, type Difference } from '../learn/compare.js';
import { fromDoc, toDoc, toDot, toSvg, type MachineDoc } from '../learn/machinefile.js';
import { accessWords, run as runOn, size, type Mealy } from '../learn/mealy.js';
import { LAB_ADDRESSES } from '../lab/catalogue.js';
import { Cleanups } from '../io/cleanup.js';
import { labConfig, labDown, labExecArgv, labUp, recordedTarget, TARGET_NAMES, type TargetName } from '../io/lab.js';
import { writeOutput } from '../io/sandbox.js';
import { spawn } from 'node:child_process';
import { alphabet, INPUT_MEANING, type AlphabetName, type LearnRole } from '../session/mapper.js';
import { mutantNamed } from '../reference/mutants.js';
import { scenarioFileName, scenarioText } from '../session/emit.js';
import { liveSystem, referenceSystem, type TcpSystem } from '../suite/learner.js';
import { learnHtml } from '../report/learn.js';
import { intOption, ipOption } from './options.js';
import { humanStream, jsonOnStdout, runCommandBody, writeJson, type JsonDest } from './output.js';
import { interruptible, type Interrupt } from './interrupt.js';

interface LearnCliOptions {
  target: string;
  role: LearnRole;
  alphabet: AlphabetName;
  lab?: string;
  dst?: string;
  json?: JsonDest;
  dot?: string;
  svg?: string;
  html?: string;
  walks: number;
  repeats: number;
  maxQueries: number;
  seed: number;
  wait?: number;
  parallel?: number;
  compare?: string[];
  emit?: string;
  mutant?: string;
  inputs?: string[];
  maxMinutes?: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Learns the machine of the system `o` names; returns it with the figures. */
export async function learnMachine(
  o: Pick<LearnCliOptions, 'target' | 'role' | 'alphabet' | 'lab' | 'dst' | 'walks' | 'repeats' | 'maxQueries' | 'seed' | 'wait' | 'parallel' | 'mutant' | 'inputs' | 'maxMinutes'>,
  cleanups: Cleanups,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<{ doc: MachineDoc; machine: Mealy; result: DriveResult }> {
  const mutant = o.mutant !== undefined ? mutantNamed(o.mutant) : undefined;
  if (mutant && o.target !== 'reference') throw new UsageError('--mutant changes the reference stack: use it with --target reference');
  const inputs = o.inputs ? checkedInputs(o.inputs, o.alphabet, o.role) : undefined;
  const system: TcpSystem =
    o.target === 'reference'
      ? referenceSystem(o.role, o.alphabet, { ...(mutant ? { settings: mutant.settings } : {}), ...(inputs ? { inputs } : {}) })
      : await liveSystem({
          ...(inputs ? { inputs } : {}),
          lab: o.lab!,
          dst: o.dst ?? LAB_ADDRESSES[4].server,
          role: o.role,
          alphabet: o.alphabet,
          cleanups,
          parallel: o.parallel,
          say,
          ...(o.wait !== undefined ? { timing: { waitMs: o.wait, promptMs: Math.max(5, Math.ceil(o.wait / 2)) } } : {}),
        });
  // The reference's machine over the same inputs (in memory, seconds): the RFC labels come from it,
  // and it guides the testing of every other system's hypotheses.
  const pure = o.target === 'reference' && !mutant;
  const ref = pure ? undefined : await referenceMachine(o.role, o.alphabet, inputs);
  const t0 = performance.now();
  // Stopped by a signal or by --max-minutes: the last hypothesis is written, marked as such.
  const bound = new AbortController();
  const onSignal = (): void => bound.abort(signal?.reason);
  signal?.addEventListener('abort', onSignal, { once: true });
  const timer = o.maxMinutes !== undefined ? setTimeout(() => bound.abort(`the time bound (--max-minutes ${o.maxMinutes})`), o.maxMinutes * 60_000) : undefined;
  try {
    const result = await drive(system, {
      walks: o.walks,
      repeats: o.repeats,
      maxQueries: o.maxQueries,
      seed: o.seed,
      signal: bound.signal,
      // In memory a complete test suite is cheap: exact for up to one state more than each hypothesis.
      ...(o.target === 'reference' ? { extraStates: 1 } : {}),
      ...(ref ? { guide: ref.machine } : {}),
      batch: o.target === 'reference' ? 64 : o.parallel,
      onProgress: (p) => {
        const s = (performance.now() - t0) / 1000;
        const votes = p.votes ? `, ${p.votes} vote(s)${p.restarts ? `, ${p.restarts} restart(s)` : ''}` : '';
        say(`${p.tick ? `  ... since hypothesis ${p.round}` : `hypothesis ${p.round}`}: ${p.states} states, ${p.queries} queries, ${(p.queries / Math.max(s, 0.001)).toFixed(1)} queries/s, ${s.toFixed(1)} s${votes}`);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    // The RFC states, where the reference's machine makes them evident.
    const labelled = ref ?? { machine: result.machine, system: system as ReturnType<typeof referenceSystem> };
    const refLabels = await stateLabels(labelled.machine, labelled.system);
    const rfc = pure ? refLabels : rfcLabels(result.machine, labelled.machine, refLabels);
    const doc = toDoc(result.machine, {
      target: mutant ? `reference/${mutant.name}` : o.target,
      role: o.role,
      alphabet: inputs ? `${o.alphabet}:${inputs.join(',')}` : o.alphabet,
      rfc,
      learning: {
        queries: result.queries,
        symbols: result.symbols,
        equivalenceQueries: result.equivalenceQueries,
        seconds: Math.round(seconds * 1000) / 1000,
        waitMs: system.timing.waitMs,
        ...(system.settings?.length ? { settings: system.settings.map((x) => ({ ...x })) } : {}),
        ...(result.stopped ? { stopped: result.stopped } : {}),
        ...(result.wavering.length ? { nondeterministic: result.wavering.map((w) => ({ word: [...w.word], outputs: w.outputs.map((x) => [...x.outputs]) })) } : {}),
      },
    });
    return { doc, machine: result.machine, result };
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onSignal);
    await system.close();
  }
}

/** The reference's machine for the same role and alphabet (in memory: a second or two). */
async function referenceMachine(role: LearnRole, alphabet: AlphabetName, inputs?: readonly string[]): Promise<{ machine: Mealy; system: ReturnType<typeof referenceSystem> }> {
  const system = referenceSystem(role, alphabet, inputs ? { inputs } : {});
  const r = await drive(system, { walks: 200, batch: 64, extraStates: 1 });
  return { machine: r.machine, system };
}

/**
 * The reference's RFC 9293 states in each learnt state: the state its connection is in after the
 * state's shortest access word and after every transition into it; several when the outside
 * cannot tell them apart with this alphabet (e.g. SYN-RECEIVED|ESTABLISHED).
 */
async function stateLabels(m: Mealy, system: ReturnType<typeof referenceSystem>): Promise<string[]> {
  const access = accessWords(m);
  const words: Array<{ state: number; word: string[] }> = access.map((w, state) => ({ state, word: w ?? [] }));
  m.next.forEach((row, p) => row.forEach((t, i) => words.push({ state: t, word: [...(access[p] ?? []), m.inputs[i]!] })));
  const found = await Promise.all(words.map((w) => system.stateAfter(w.word)));
  const sets = m.next.map(() => new Set<string>());
  words.forEach((w, k) => sets[w.state]!.add(found[k]!));
  const order = ['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'];
  return sets.map((set) => [...set].sort((x, y) => order.indexOf(x) - order.indexOf(y)).join('|'));
}

/** `--inputs`: a part of the role's alphabet, each input named once. */
function checkedInputs(names: readonly string[], alphabetName: AlphabetName, role: LearnRole): string[] {
  const all = alphabet('full', role);
  const bad = names.filter((n) => !all.includes(n));
  if (bad.length) throw new UsageError(`--inputs: ${bad.map((b) => JSON.stringify(b)).join(', ')} not in the ${role} role's alphabet (${all.join(' ')})`);
  if (new Set(names).size !== names.length) throw new UsageError('--inputs: an input is named twice');
  void alphabetName;
  return [...names];
}

/** The machine as a table of lines: each state, its RFC label, its transitions. */
export function machineText(doc: MachineDoc): string {
  const lines: string[] = [];
  for (const st of doc.states) {
    lines.push(`${st.name}${st.rfc ? ` (${st.rfc})` : ''}:`);
    for (const t of doc.transitions.filter((x) => x.from === st.id)) lines.push(`  ${t.input.padEnd(11)} / ${t.output.padEnd(28)} -> s${t.to}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Queries at once on `target` when --parallel does not say. */
// lwIP's pools of connections are small; gVisor's queries mostly wait out the gaps its rate limit
// needs (see liveSystem), so more of them at once cost no CPU.
const parallelFor = (target: string): number => (target === 'lwip' ? 2 : target === 'gvisor' ? 16 : 8);

async function learnCommand(o: LearnCliOptions, interrupt: Interrupt): Promise<number> {
  o.parallel ??= parallelFor(o.target);
  if (o.compare) return compareCommand(o);
  const human = humanStream(jsonOnStdout(o.json));
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  if (o.target !== 'reference' && o.lab === undefined) return inOwnLab(o, say, interrupt);
  const cleanups = new Cleanups();
  let learnt: Awaited<ReturnType<typeof learnMachine>>;
  try {
    learnt = await cleanups.guarded(() => learnMachine(o, cleanups, say, interrupt.signal), { signals: false });
  } catch (err) {
    if (!interrupt.signal.aborted) throw err;
    say(`tcpcraft: learning stopped (${String(interrupt.signal.reason)}): no machine written`);
    return 1;
  }
  const { doc, result } = learnt;
  const l = doc.learning!;
  human.write(machineText(doc));
  human.write(
    `${o.target} (${o.role}, ${o.alphabet} alphabet of ${doc.inputs.length} inputs): ${doc.states.length} states, ${l.queries} queries (${l.symbols} inputs), ` +
      `${result.equivalenceQueries} hypotheses, ${l.seconds.toFixed(1)} s, ${(l.queries / Math.max(l.seconds, 0.001)).toFixed(1)} queries/s, waiting ${l.waitMs} ms per input` +
      `${result.wavering.length ? `; ${result.wavering.length} answer(s) put to a vote (see learning.nondeterministic)` : ''}` +
      `${result.stopped ? `; STOPPED by ${result.stopped}: this is the last hypothesis, not tested to the end` : ''}\n`,
  );
  writeFiles(doc, o);
  return result.stopped ? 1 : 0;
}

function writeFiles(doc: MachineDoc, o: Pick<LearnCliOptions, 'json' | 'dot' | 'svg' | 'html'>): void {
  const { machine } = fromDoc(JSON.stringify(doc), '(learnt)');
  const rfc = doc.states.map((s) => s.rfc);
  const title = `${doc.target} (${doc.role}, ${doc.alphabet})`;
  if (o.json !== undefined) writeJson(o.json, doc);
  if (o.dot) writeOutput(o.dot, toDot(machine, { title, rfc }));
  if (o.svg) writeOutput(o.svg, toSvg(machine, { title, rfc }));
  if (o.html) writeOutput(o.html, learnHtml(doc, toSvg(machine, { title, rfc })));
}

/**
 * A lab target without --lab: a lab of our own for it, learning inside its client namespace (this
 * command again, with --lab and a JSON file), the lab taken down whatever happens.
 */
async function inOwnLab(o: LearnCliOptions, say: (line: string) => void, interrupt: Interrupt): Promise<number> {
  if (!(TARGET_NAMES as readonly string[]).includes(o.target)) throw new UsageError(`--target ${o.target}: not a target (${TARGET_NAMES.join(', ')})`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new EnvError(`learning ${o.target} brings up a lab (network namespaces): run it as root, or use --target reference.`);
  const cfg = labConfig({ name: `tclearn${process.pid % 100000}`, target: o.target as TargetName });
  const cleanups = new Cleanups();
  cleanups.add(`take lab ${cfg.name} down`, () => labDown(cfg));
  return cleanups.guarded(
    async () => {
      say(`bringing up lab ${cfg.name} for ${o.target}...`);
      const s = await labUp(cfg);
      say(`lab ${cfg.name} up: ${s.version ?? s.stack}`);
      const argv = [process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'learn', ...childArgs(o), '--lab', cfg.name];
      const code = await inherited(labExecArgv(cfg, 'client', argv), interrupt.signal);
      await labDown(cfg);
      return code;
    },
    { signals: false },
  );
}

/** Runs `argv` with our stdio; passes our interrupt on as its signal; its exit status. */
function inherited(argv: readonly string[], interrupt: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
    const pass = (): void => void child.kill(typeof interrupt.reason === 'string' && /^SIG[A-Z]+$/.test(interrupt.reason) ? (interrupt.reason as NodeJS.Signals) : 'SIGTERM');
    interrupt.addEventListener('abort', pass, { once: true });
    child.on('error', () => resolve(2));
    child.on('close', (code, signal) => {
      interrupt.removeEventListener('abort', pass);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** The options to hand on to the learning process in the lab. */
function childArgs(o: LearnCliOptions): string[] {
  const a = ['--target', o.target, '--role', o.role, '--alphabet', o.alphabet, '--walks', String(o.walks), '--repeats', String(o.repeats), '--max-queries', String(o.maxQueries), '--seed', String(o.seed), '--parallel', String(o.parallel)];
  if (o.wait !== undefined) a.push('--wait', String(o.wait));
  if (o.maxMinutes !== undefined) a.push('--max-minutes', String(o.maxMinutes));
  if (o.inputs) a.push('--inputs', o.inputs.join(','));
  if (o.dst) a.push('--dst', o.dst);
  if (o.json !== undefined) a.push('--json', o.json === true ? '-' : o.json);
  for (const k of ['dot', 'svg', 'html'] as const) if (o[k]) a.push(`--${k}`, o[k]!);
  if (o.compare) a.push('--compare', ...o.compare);
  if (o.emit) a.push('--emit', o.emit);
  return a;
}

/** `--compare A.json B.json [--emit DIR]`. */
async function compareCommand(o: LearnCliOptions): Promise<number> {
  if (o.compare!.length < 2) throw new UsageError(`--compare takes two machine files or more (got ${o.compare!.length})`);
  if (o.compare!.length > 2) return compareMany(o.compare!, o);
  const [fa, fb] = o.compare as [string, string];
  const a = fromDoc(readText(fa), fa);
  const b = fromDoc(readText(fb), fb);
  if (a.doc.role !== b.doc.role) throw new UsageError(`${fa} was learnt in the ${a.doc.role} role and ${fb} in the ${b.doc.role} role: compare machines of one role`);
  const diffs = differences(a.machine, b.machine);
  const label = (doc: MachineDoc, s: number): string => `s${s}${doc.states[s]?.rfc ? ` (${doc.states[s]!.rfc})` : ''}`;
  const out = process.stdout;
  out.write(`${a.doc.target}: ${size(a.machine)} states; ${b.doc.target}: ${size(b.machine)} states; ${diffs.length} difference(s)\n`);
  for (const d of diffs) {
    out.write(`  in ${label(a.doc, d.stateA)} / ${label(b.doc, d.stateB)}, on ${d.input}: ${a.doc.target} ${d.outputA}, ${b.doc.target} ${d.outputB}\n    after: ${d.word.slice(0, -1).join(' ') || '(nothing)'}\n`);
  }
  if (!o.emit) return diffs.length ? 1 : 0;
  if (diffs.length === 0) return 0;
  mkdirSync(o.emit, { recursive: true });
  const system = await traceSystem(a.doc, o);
  try {
    for (const [i, d] of diffs.entries()) {
      const trace = await system.traceOf(d.word);
      const got = trace.steps.map((s) => s.output);
      const want = runOn(a.machine, d.word);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        process.stderr.write(`tcpcraft: difference ${i + 1}: ${a.doc.target} answered ${got.join(' ')} this time, not ${want.join(' ')} as learnt: not written\n`);
        continue;
      }
      const name = `learnt-${a.doc.target}-vs-${b.doc.target}-${i + 1}`;
      let text: string;
      try {
        text = scenarioText(trace, {
        name,
        role: a.doc.role,
        host: o.dst ?? LAB_ADDRESSES[4].server,
        waitMs: a.doc.learning?.waitMs ?? 100,
        description: `${d.input} in ${label(a.doc, d.stateA)}: ${a.doc.target} answers ${d.outputA}, ${b.doc.target} ${d.outputB}`,
        comment: commentOf(d, a.doc, b.doc),
        });
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        process.stderr.write(`tcpcraft: difference ${i + 1}: not written: ${err.message}\n`);
        continue;
      }
      const file = join(o.emit, scenarioFileName(name));
      writeOutput(file, text);
      out.write(`wrote ${file}\n`);
    }
  } finally {
    await system.close();
  }
  return 1;
}

/** More than two machines: how many differences each pair shows, as a table. */
function compareMany(files: readonly string[], o: LearnCliOptions): number {
  if (o.emit) throw new UsageError('--emit writes the differences of two machines: give --compare two files');
  const ms = files.map((f) => fromDoc(readText(f), f));
  const names = ms.map((m) => m.doc.target);
  const width = Math.max(8, ...names.map((n) => n.length)) + 2;
  const lines = [`${''.padEnd(width)}${names.map((n) => n.padStart(width)).join('')}`];
  let any = false;
  for (const a of ms) {
    const row = ms.map((b) => {
      if (a === b) return '-'.padStart(width);
      const n = differences(a.machine, b.machine).length;
      any ||= n > 0;
      return String(n).padStart(width);
    });
    lines.push(`${a.doc.target.padEnd(width)}${row.join('')}`);
  }
  process.stdout.write(`differences (shortest input words, one per state and input) between the machines, row against column:\n${lines.join('\n')}\n` + ms.map((m) => `${m.doc.target}: ${size(m.machine)} states (${m.doc.role}, ${m.doc.alphabet})\n`).join(''));
  return any ? 1 : 0;
}


function commentOf(d: Difference, a: MachineDoc, b: MachineDoc): string[] {
  return [
    `A difference between the state machines tcpcraft learnt of ${a.target} and ${b.target} (${a.role} role,`,
    `${a.alphabet} alphabet), written by 'tcpcraft learn --compare --emit'. It replays what ${a.target} did`,
    `(it passes there) and fails on ${b.target} at the last input, ${d.input}:`,
    `  ${a.target}: ${d.outputA}`,
    `  ${b.target}: ${d.outputB}`,
    'Inputs: ' + d.word.map((x) => `${x} (${INPUT_MEANING[x] ?? x})`).join('; '),
  ];
}

/** Where the traces of A's words come from: the reference in memory, or A's lab target (--lab). */
async function traceSystem(doc: MachineDoc, o: LearnCliOptions): Promise<TcpSystem> {
  const alphabet = doc.alphabet.startsWith('full') ? 'full' : 'basic';
  const learnt = doc.alphabet.includes(':') ? doc.inputs : undefined;
  if (doc.target === 'reference' || doc.target.startsWith('reference/')) {
    const mutant = doc.target.startsWith('reference/') ? mutantNamed(doc.target.slice('reference/'.length)) : undefined;
    return referenceSystem(doc.role, alphabet, { ...(mutant ? { settings: mutant.settings } : {}), ...(learnt ? { inputs: learnt } : {}) });
  }
  if (o.lab === undefined) throw new UsageError(`--emit replays the differences on ${doc.target}: run it in a lab of that target ('tcpcraft lab up --target ${doc.target} --name L', then 'tcpcraft lab exec client --name L -- tcpcraft learn --compare ... --emit DIR --lab L')`);
  const labTarget = recordedTarget(o.lab);
  if (labTarget !== undefined && labTarget !== doc.target) throw new UsageError(`lab ${o.lab} runs ${labTarget}, but ${doc.target}'s machine is the one replayed: use a lab of ${doc.target}`);
  const cleanups = new Cleanups();
  return liveSystem({ lab: o.lab, dst: o.dst ?? LAB_ADDRESSES[4].server, role: doc.role, alphabet, cleanups, ...(doc.learning?.waitMs ? { timing: { waitMs: doc.learning.waitMs, promptMs: Math.max(5, Math.ceil(doc.learning.waitMs / 2)) } } : {}) });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read it (${messageOf(err)})`);
  }
}

/** Adds `tcpcraft learn` to `program`. */
export function registerLearnCommand(program: Command): void {
  program
    .command('learn')
    .description("learn a TCP stack's state machine from the wire (active automata learning, L#), or compare two learnt machines")
    .addOption(new Option('--target <name>', "the stack: 'reference' (in memory) or a lab target").choices(['reference', ...TARGET_NAMES.filter((t) => t !== 'reference')]).default('reference'))
    .addOption(new Option('--role <role>', "the role of the stack learnt: 'server' (it listens, we connect) or 'client' (its application connects to us)").choices(['server', 'client']).default('server'))
    .addOption(new Option('--alphabet <name>', "'basic': SYN, SYN+ACK, ACK, ACK+PSH with a byte, FIN+ACK, RST, RST+ACK (client role: and connect, close); 'full': also ACK+, RST~, SYN~, DATA>, DATA-noack and the application's write and close").choices(['basic', 'full']).default('basic'))
    .option('--lab <name>', "learn in this lab (run inside its client namespace: 'tcpcraft lab exec client --name NAME -- tcpcraft learn ... --lab NAME'); without it a lab target gets a lab of its own, taken down afterwards")
    .option('--dst <ip>', `the target's address in the lab (default ${LAB_ADDRESSES[4].server})`, ipOption)
    .option('--json [file]', "write the machine (schemas/machine.schema.json) to FILE; '-' or no FILE: to stdout")
    .option('--dot <file>', 'write the machine as Graphviz DOT')
    .option('--svg <file>', 'write the state diagram as SVG')
    .option('--html <file>', 'write a self-contained HTML page: the diagram, the transitions, the figures')
    .option('--walks <n>', 'random test words per hypothesis (randomised Wp), after the words where it parts from the reference\'s machine; the reference itself is also tested by the complete suite for one state more', intOption('--walks', 1, 1_000_000), 200)
    .option('--repeats <n>', 'times a word is asked again when answers disagree (majority vote)', intOption('--repeats', 2, 100), 5)
    .option('--max-queries <n>', 'stop (exit 1) after this many queries', intOption('--max-queries', 1, 10_000_000), 60_000)
    .option('--max-minutes <n>', 'stop after this long and write the last hypothesis, marked learning.stopped (exit 1)', intOption('--max-minutes', 1, 24 * 60))
    .option('--seed <n>', 'seed of the random test words', intOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--wait <ms>', 'wait this long for answers after each input (default: measured from the target)', intOption('--wait', 1, 10_000))
    .option('--parallel <n>', 'queries run at once on a lab target, each on its own connection (default 8; 2 for lwip, whose pools of connections are small; 16 for gvisor, whose queries mostly wait)', intOption('--parallel', 1, 32))
    .option('--mutant <name>', "with --target reference: learn the reference with this mutant's fault (as suite --mutant: one of src/reference/mutants*.ts)")
    .option('--inputs <list>', 'learn over these inputs only (comma-separated, from the role\'s full alphabet)', (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .option('--compare <files...>', 'compare machine files (JSON): for two, the shortest input words on which they differ, one per state and input; for more, a table of how many')
    .option('--emit <dir>', "with --compare: write each difference as a scenario that replays the first machine's target (passes there, fails on the second)")
    .addHelpText('after', `
Each query is one fresh connection (a new source port, and in the server role a new listening
port the target's application opens through the lab's puppet); the answers to each input are
what arrives within the wait, written as flags with how the numbers relate to what we expect, e.g.
SA(isn,next), RA(0,next), A(next,ahead) or '-' for nothing. Answers that disagree with earlier
ones are put to a vote; no majority stops learning with the sequences (exit 1; the last
hypothesis is written, marked learning.stopped).

States are labelled with the RFC 9293 state the reference stack is in after the same inputs,
where the machines agree there.

Examples:
  tcpcraft learn --json ref.json                      # the reference, server role, in memory
  sudo tcpcraft learn --target linux --alphabet full --json linux.json --html linux.html
  tcpcraft learn --compare ref.json linux.json --emit learnt/   # scenarios of the differences`)
    .action((o: LearnCliOptions) => runCommandBody(() => interruptible((interrupt) => learnCommand(o, interrupt).catch((err: unknown) => {
      if (err instanceof NondeterminismError) {
        process.stderr.write(`tcpcraft: ${err.message}\n`);
        return 1;
      }
      throw err;
    }))));
}
