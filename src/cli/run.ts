/**
 * `tcpcraft build` and `tcpcraft run`: a scenario against the model peer, or against a live one.
 * Their own module, so that other commands (replay) run a scenario without importing the CLI's
 * entry point.
 */
import { randomIsn, randomPort, systemClock } from '../io/clock.js';
import { loadOneScenario } from '../io/load.js';
import { modelRoute, planSession, withLabFamily, type SessionOverrides } from '../session/plan.js';
import { runAlone } from '../suite/runner.js';
import type { ValidScenario } from '../scenario/model.js';
import { expectedMarkOn } from '../scenario/expected.js';
import { pinMismatch } from '../suite/result.js';
import { releaseOf } from '../io/release.js';
import { humanStream, jsonOnStdout, outputsOf, verdict, writeReport, type JsonDest } from './output.js';
import type { Interrupt } from './interrupt.js';
import { painter } from './colour.js';
import { EnvError, ExitStatus as Exit, UsageError } from '../errors.js';
import { backendFor, REFERENCE_TARGET } from '../suite/backend.js';
import { parseSettings } from '../reference/tune.js';

export interface FlowOptions {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  isn?: number;
  pcap?: string;
  json?: JsonDest;
  html?: string;
  ladder?: boolean;
}

export interface BuildOptions extends FlowOptions {
  peerIsn?: number;
  /** `model` (default): the scenario's own model peer; `reference`: the RFC reference stack. */
  peer?: 'model' | 'reference';
  /** Reference settings changed, `NAME=VALUE`. */
  set?: string[];
}

export interface RunOptions extends FlowOptions {
  target?: string;
  /** The lab whose puppet app() steps drive. */
  lab?: string;
  family?: 4 | 6;
  iface?: string;
  timeout?: number;
  trace?: boolean;
  linkLayer?: boolean;
  /** Reference settings changed, `NAME=VALUE` (with `--target reference`). */
  set?: string[];
}

/** The session overrides a command line gives. */
function overridesOf(o: RunOptions & BuildOptions): SessionOverrides {
  const picked = { src: o.src, dst: o.dst, sport: o.sport, dport: o.dport, isn: o.isn, peerIsn: o.peerIsn, iface: o.iface, linkLayer: o.linkLayer, timeoutMs: o.timeout };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined)) as SessionOverrides;
}

/** `tcpcraft build`: the scenario against a model peer, offline. */
export async function buildCommand(file: string, o: BuildOptions): Promise<number> {
  if (o.set?.length && o.peer !== 'reference') throw new UsageError('--set changes the reference stack: use it with --peer reference.');
  if (o.peer === 'reference') return runLoaded(file, await loadOneScenario(file, { outputs: outputsOf(o) }), { ...o, target: REFERENCE_TARGET });
  const sc = await loadOneScenario(file, { outputs: outputsOf(o) });
  const overrides = overridesOf(o);
  const session = planSession(sc, file, overrides, modelRoute(sc, overrides), { isn: randomIsn, port: randomPort, wallUs: () => systemClock.wallUs() });
  const report = session.model;
  const human = humanStream(jsonOnStdout(o.json));
  const out = painter(human);
  writeReport(report, { ...(o.pcap ? { pcap: o.pcap } : {}), ...(o.json !== undefined ? { json: o.json } : {}), ...(o.html ? { html: o.html } : {}), ladder: o.ladder !== false }, out);
  if (o.pcap) out(`wrote ${report.events.length} packets to ${o.pcap}\n`);
  return Exit.PASS;
}

/**
 * `tcpcraft run`: the scenario against a live peer, as a suite of one. On a signal (`interrupt`)
 * the run stops where it is and what it did so far is printed and written as usual.
 */
export async function runCommand(file: string, o: RunOptions, interrupt?: Interrupt): Promise<number> {
  return runLoaded(file, await loadOneScenario(file, { outputs: outputsOf(o), sender: true }), o, interrupt);
}

/** `tcpcraft run` of a scenario already loaded (or, for `replay`, built as data): `file` names it in reports. */
export async function runLoaded(file: string, loaded: ValidScenario, o: RunOptions, interrupt?: Interrupt): Promise<number> {
  const sc = o.family ? withLabFamily(loaded, o.family) : loaded;
  const human = humanStream(jsonOnStdout(o.json));
  const out = painter(human);
  if (o.set?.length && o.target !== REFERENCE_TARGET) throw new UsageError('--set changes the reference stack: use it with --target reference.');
  const backend = backendFor(o.target, parseSettings(o.set ?? []), o.lab);
  if (o.set?.length && backend.kind === 'live') throw new UsageError(`--set changes the reference stack in memory: lab '${o.lab ?? ''}' serves its own, with the default settings.`);
  if (backend.kind === 'reference') out(`target reference: tcpcraft's RFC reference stack, in memory, on a virtual clock${o.set?.length ? ` (changed: ${o.set.join(', ')})` : ''}\n`);
  const result = await runAlone(file, sc, { overrides: overridesOf(o), backend, ...(o.target ? { target: o.target } : {}), ...(o.lab ? { lab: o.lab } : {}), ...(interrupt ? { interrupt: interrupt.signal } : {}) });
  const report = result?.report;
  if (result?.verdict === 'na') throw new EnvError(`${file}: not applicable here: ${result.message ?? ''}.`);
  if (result?.verdict === 'interrupted' && !report) {
    out(`INTERRUPTED ${sc.name}: ${result.message ?? ''}: nothing was sent\n`);
    return Exit.FAIL;
  }
  if (!result || !report) return Exit.USAGE;
  // With --target, the scenario's expectedFailures mark for that stack decides the exit status.
  const mark = o.target ? expectedMarkOn(sc, o.target, releaseOf(o.target)) : undefined;
  // A pinned mark covers only the failure it names.
  const offPin = mark && !report.passed ? pinMismatch(mark, report) : undefined;
  const reason = offPin === undefined ? mark?.why : undefined;
  writeReport(report, { ...(o.pcap ? { pcap: o.pcap } : {}), ...(o.json !== undefined ? { json: o.json } : {}), ...(o.html ? { html: o.html } : {}), ladder: o.ladder !== false, trace: o.trace !== false, ...(o.target ? { target: o.target } : {}), ...(reason !== undefined ? { expectedFailure: reason } : {}) }, out);
  out(verdict(report));
  if (o.pcap) out(`wrote ${report.events.length + (report.icmp?.length ?? 0)} packets to ${o.pcap}\n`);
  if (report.failure?.kind === 'interrupted') return Exit.FAIL;
  if (offPin !== undefined) {
    out(`FAIL: not the expected failure on ${o.target}: ${offPin} (${mark?.why ?? ''})\n`);
    return Exit.FAIL;
  }
  if (reason !== undefined) {
    out(report.passed ? `XPASS: expected to fail on ${o.target}, but passed (${reason})\n` : `XFAIL: an expected failure on ${o.target}: ${reason}\n`);
    return report.passed ? Exit.FAIL : Exit.PASS;
  }
  return report.passed ? Exit.PASS : Exit.FAIL;
}

