/**
 * `tcpcraft build` and `tcpcraft run`: a scenario against the model peer, or against a live one.
 * Their own module, so that other commands (replay) run a scenario without importing the CLI's
 * entry point.
 */
import { randomIsn, randomPort, systemClock } from '../io/clock.js';
import { loadOneScenario } from '../io/load.js';
import { modelRoute, planSession, withLabFamily, type SessionOverrides } from '../session/plan.js';
import { runSuite } from '../suite/runner.js';
import { expectedFailureOn } from '../scenario/expected.js';
import { releaseOf } from '../io/release.js';
import { humanStream, jsonOnStdout, verdict, writeReport, type JsonDest } from './output.js';
import type { Interrupt } from './interrupt.js';
import { painter } from './colour.js';
import { EnvError, ExitStatus as Exit } from '../errors.js';

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
}

export interface RunOptions extends FlowOptions {
  target?: string;
  family?: 4 | 6;
  iface?: string;
  timeout?: number;
  trace?: boolean;
  linkLayer?: boolean;
}

/** The files a run or build writes (opened before a drop of privileges, see src/io/sandbox.ts). */
export function outputsOf(o: FlowOptions): Array<string | undefined> {
  return [o.pcap, typeof o.json === 'string' ? o.json : undefined, o.html];
}

/** The session overrides a command line gives. */
function overridesOf(o: RunOptions & BuildOptions): SessionOverrides {
  const picked = { src: o.src, dst: o.dst, sport: o.sport, dport: o.dport, isn: o.isn, peerIsn: o.peerIsn, iface: o.iface, linkLayer: o.linkLayer, timeoutMs: o.timeout };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined)) as SessionOverrides;
}

/** `tcpcraft build`: the scenario against a model peer, offline. */
export async function buildCommand(file: string, o: BuildOptions): Promise<number> {
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
  const loaded = await loadOneScenario(file, { outputs: outputsOf(o), sender: true });
  const sc = o.family ? withLabFamily(loaded, o.family) : loaded;
  const human = humanStream(jsonOnStdout(o.json));
  const out = painter(human);
  const outcome = await runSuite([{ file, name: sc.name, scenario: sc }], {
    overrides: overridesOf(o),
    jobs: 1,
    scenarioBoundMs: null,
    rehearse: true,
    throwErrors: true,
    ...(o.target ? { target: o.target } : {}),
    ...(interrupt ? { interrupt: interrupt.signal } : {}),
  });
  const result = outcome.results[0];
  const report = result?.report;
  if (result?.verdict === 'na') throw new EnvError(`${file}: not applicable here: ${result.message ?? ''}.`);
  if (result?.verdict === 'interrupted' && !report) {
    out(`INTERRUPTED ${sc.name}: ${result.message ?? ''}: nothing was sent\n`);
    return Exit.FAIL;
  }
  if (!result || !report) return Exit.USAGE;
  // With --target, the scenario's expectedFailures mark for that stack decides the exit status.
  const reason = o.target ? expectedFailureOn(sc, o.target, releaseOf(o.target)) : undefined;
  writeReport(report, { ...(o.pcap ? { pcap: o.pcap } : {}), ...(o.json !== undefined ? { json: o.json } : {}), ...(o.html ? { html: o.html } : {}), ladder: o.ladder !== false, trace: o.trace !== false, ...(o.target ? { target: o.target } : {}), ...(reason !== undefined ? { expectedFailure: reason } : {}) }, out);
  out(verdict(report));
  if (o.pcap) out(`wrote ${report.events.length + (report.icmp?.length ?? 0)} packets to ${o.pcap}\n`);
  if (report.failure?.kind === 'interrupted') return Exit.FAIL;
  if (reason !== undefined) {
    out(report.passed ? `XPASS: expected to fail on ${o.target}, but passed (${reason})\n` : `XFAIL: an expected failure on ${o.target}: ${reason}\n`);
    return report.passed ? Exit.FAIL : Exit.PASS;
  }
  return report.passed ? Exit.PASS : Exit.FAIL;
}

