/**
 * Runs many scenarios in one process, independent ones in parallel.
 *
 * - **One capture per interface.** A single libpcap handle per interface, its filter covering every
 *   peer of the suite, opened before the first run; a {@link Demux} deals its frames out to each
 *   run's own FrameQueue by 4-tuple. One raw socket sends for every run.
 * - **One guard per flow per run**, installed before the run's first segment and removed as soon
 *   as the run ends (so a suite leaves no nftables table behind, even when it fails).
 * - **Distinct source ports** from a {@link PortAllocator}, never reused within TIME-WAIT.
 * - **Parallel by default, serial where needed.** Up to `jobs` runs at once. Run one at a time,
 *   after the parallel ones: server-role scenarios (their guard and capture claim a local port from
 *   any client) and scenarios that fix their own source port. Scenarios talking to a port listed in
 *   `serialPorts` (the lab's `nc -lk`, which serves one connection at a time) never overlap each
 *   other, but do overlap the rest.
 * - **Server role.** The suite starts the client for the scenario in the target namespace of the
 *   lab: `nc -n -N -w 3 OUR_ADDR OUR_PORT < /dev/null` (connect, then close its sending side).
 * - **Cleanup.** Every run sends the peer a RST it will accept for any connection left open
 *   (runScenario); guards, captures, the raw socket and client processes go on normal end and on
 *   failure (one {@link Cleanups} for the suite, newest first: a run is stopped, and resets its
 *   peer, before its guard goes).
 * - **Interruption.** Signals are the caller's (the CLI's): when `interrupt` aborts, no further run
 *   starts, every running one stops where it is (sends its cleanup RST, its guard goes), and the
 *   suite returns normally: runs that were stopped and those never started are `interrupted`.
 * - **Wiring.** Each scenario's run is worked out by the session plan (src/session/plan.ts) and
 *   carried out on the device its backend gives (src/suite/backend.ts: the live network, or the
 *   RFC reference stack in memory). `tcpcraft run` is a suite of one: planned before
 *   the capture opens (whose filter is then its exact flows), rehearsed in memory, unbounded, and
 *   its errors thrown rather than turned into results.
 * - **Optional features.** With `learnFeatures`, scenarios that `require` what two stacks negotiate
 *   (SACK, timestamps, window scaling, ECN, Fast Open) or a cooperating application wait for the
 *   feature probes (src/suite/features.ts) of their peer; those whose feature is absent are N/A.
 *   An optional behaviour (RFC 5961) is never a feature: it is checked at the scenario's level.
 */
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { Cleanups } from '../io/cleanup.js';
import { randomIsn, randomPort } from '../io/clock.js';
import type { CaptureSpec } from '../io/device.js';
import { EnvError, messageOf } from '../errors.js';
import { isServer, type ValidScenario } from '../scenario/model.js';
import type { Scenario } from '../scenario/types.js';
import { runPlan, type RunOutcome } from '../session/unit.js';
import { captureTerms, deriveAddresses, peerHosts, planSession, routeQuery, watchesAbsence, type Route, type SessionOverrides, type SessionPlan } from '../session/plan.js';
import { PortAllocator } from './ports.js';
import { LAB_SERIAL_PORTS } from '../lab/catalogue.js';
import { expectedMarkOn, type ExpectedMark } from '../scenario/expected.js';
import { releaseOf } from '../io/release.js';
import { liveBackend, type RunBackend } from './backend.js';
import { absentFeatures, absentReason, familyFeatures, probed, probesFor, type Probe } from './features.js';
import type { Feature } from '../scenario/types.js';
import { messageOf as resultMessage, pinMismatch, verdictOf, type SuiteResult } from './result.js';
import type { RunReport } from '../engine/report.js';
import { formatDiff } from '../engine/diagnose.js';

/** A scenario of the suite that can run: its entry, its route, the ports it took. */
interface Placed {
  readonly i: number;
  readonly entry: SuiteEntry;
  readonly sc: ValidScenario;
  readonly route: Route;
  readonly ports: number[];
  /** Our address when the scenario derives it (`local.spare`, `local.broadcast`); else the route's. */
  readonly localIp?: string;
}

/** A file of the suite, loaded or not. */
export interface SuiteEntry {
  readonly file: string;
  /** The display name (the scenario's, or the file's when it did not load). */
  readonly name: string;
  readonly scenario?: ValidScenario;
  /** Why it did not load. */
  readonly loadError?: string;
}

/** Settings of a suite run. */
export interface SuiteOptions {
  /**
   * What the command line changes for every scenario (`dst` replaces every scenario's peer host
   * and restricts server-role clients to it; `defaultTimeoutMs` is the wait when a scenario sets none).
   */
  readonly overrides?: SessionOverrides;
  /** Runs at once (default {@link DEFAULT_JOBS}). */
  readonly jobs?: number;
  /** Target whose expected failures apply (default 'linux'). */
  readonly target?: string;
  /** Bound on one scenario's whole run, ms (default {@link SCENARIO_BOUND_MS}; null: none). */
  readonly scenarioBoundMs?: number | null;
  /** Peer ports that serve one connection at a time (default [5000], the lab's nc). */
  readonly serialPorts?: readonly number[];
  /**
   * Network namespace in which server-role scenarios get their client (`nc`). Undefined: the
   * client is someone else's business (`tcpcraft run`), none is started.
   */
  readonly clientNetns?: string;
  /**
   * The lab whose puppet application app() steps drive (its relay's socket in the lab's state
   * directory). Undefined, or a lab without one: scenarios that require `app-puppet` are N/A.
   */
  readonly lab?: string;
  /**
   * What the runs go to (default: the live network). `referenceBackend()` runs every scenario
   * against the RFC reference stack in memory, on a virtual clock.
   */
  readonly backend?: RunBackend;
  /** Play each scenario against its model in memory first, so the live path is compiled (`tcpcraft run`). */
  readonly rehearse?: boolean;
  /**
   * A scenario that cannot run throws its error (EnvError, ScenarioError...) instead of becoming
   * an `error` result: `tcpcraft run`, a suite of one, reports it as a usage or environment error.
   */
  readonly throwErrors?: boolean;
  /**
   * Learn the optional features the scenarios `require` from feature probes first, and report a
   * scenario whose feature is absent as N/A (`tcpcraft suite`; `run` runs what it is given).
   */
  readonly learnFeatures?: boolean;
  /** Called with what the probes learnt about each peer host. */
  readonly onFeatures?: (host: string, features: ReadonlyMap<Feature, boolean>) => void;
  /** Called when a scenario starts and ends. */
  readonly onStart?: (entry: SuiteEntry, index: number) => void;
  readonly onResult?: (result: SuiteResult) => void;
  /**
   * Aborted (with the signal's name as reason) to stop the suite: see the module comment. The
   * outcome then says `interrupted`.
   */
  readonly interrupt?: AbortSignal;
}

/** Default number of runs at once: most of a run is waiting for the peer, so more than the CPUs. */
export const DEFAULT_JOBS = 8;
/** Default bound on one scenario's run: 5 minutes. */
export const SCENARIO_BOUND_MS = 300_000;
/** Default target of expected failures. */
export const DEFAULT_TARGET = 'linux';

/** What the whole suite produced. */
export interface SuiteOutcome {
  /** In file order. */
  readonly results: readonly SuiteResult[];
  readonly wallMs: number;
  readonly startedAt: Date;
  /** Why the suite stopped early (the `interrupt` reason, e.g. 'SIGINT'), when it did. */
  readonly interrupted?: string;
}

/** How a scenario may be scheduled. */
interface Plan {
  readonly exclusive: boolean;
  /** Keys no two concurrent runs may share (a single-connection peer port). */
  readonly keys: readonly string[];
}

/** Scheduling constraints of `sc` (see the module comment). */
export function schedulingOf(sc: Scenario, serialPorts: readonly number[], dst?: string, sport?: number): Plan {
  const fixedPort = sport !== undefined || sc.local?.port !== undefined || Object.values(sc.connections ?? {}).some((c) => c.local?.port !== undefined);
  const exclusive = sc.role === 'server' || fixedPort;
  const host = dst ?? sc.peer?.host ?? '';
  const ports = [sc.peer?.port, ...Object.values(sc.connections ?? {}).map((c) => c.peer?.port ?? sc.peer?.port)];
  // The target's application listens on the scenario's peer port: two such runs at once would
  // both ask for that port.
  const listens = sc.steps.some((s) => s.kind === 'app' && s.call.call === 'listen');
  const keys = [...new Set(ports.filter((p): p is number => p !== undefined && (serialPorts.includes(p) || listens)).map((p) => `${host}:${p}`))];
  return { exclusive, keys };
}

/**
 * Runs `entries` and returns their results in file order. Throws an {@link EnvError} when the
 * environment cannot run anything at all (no root, no nft...); a problem with one scenario is that
 * scenario's `error` result.
 */
export async function runSuite(entries: readonly SuiteEntry[], opts: SuiteOptions = {}): Promise<SuiteOutcome> {
  const jobs = Math.max(1, opts.jobs ?? DEFAULT_JOBS);
  const target = opts.target ?? DEFAULT_TARGET;
  const serialPorts = opts.serialPorts ?? LAB_SERIAL_PORTS;
  const bound = opts.scenarioBoundMs === undefined ? SCENARIO_BOUND_MS : opts.scenarioBoundMs;
  const overrides = opts.overrides ?? {};
  const interrupt = opts.interrupt;
  const backend = opts.backend ?? liveBackend;
  // Every run in flight (probes included) listens for the interrupt: more than Node's default
  // of 10 at once is expected here, not a leak.
  if (interrupt) setMaxListeners(0, interrupt);
  const stopped = (): boolean => interrupt?.aborted === true;
  const why = (): string => (typeof interrupt?.reason === 'string' ? interrupt.reason : 'interrupted');
  const startedAt = new Date();
  const t0 = performance.now();
  const since = (): number => performance.now() - t0;
  const results: SuiteResult[] = [];
  const finish = (r: SuiteResult): void => {
    results.push(r);
    opts.onResult?.(r);
  };

  // Where each scenario runs, worked out before anything is opened.
  const routes = new Map<string, Promise<Route>>();
  const routeOf = (sc: ValidScenario): Promise<Route> => {
    const q = routeQuery(sc, overrides);
    const key = JSON.stringify(q);
    let r = routes.get(key);
    if (!r) routes.set(key, (r = backend.route(sc, overrides)));
    return r;
  };
  /** The `error` result of entry `i`, which could not run. */
  const failed = (i: number, e: SuiteEntry, err: unknown): void => {
    if (opts.throwErrors && !stopped()) throw err;
    const rfc = e.scenario?.rfc;
    finish({ index: i, file: e.file, name: e.name, ...(rfc ? { rfc } : {}), verdict: 'error', message: `${e.file}: ${messageOf(err)}`, durationMs: 0, startMs: since(), endMs: since() });
  };
  /** The `na` result of entry `i`, which does not apply to this peer (`reason` says why). */
  const notApplicable = (i: number, e: SuiteEntry, sc: ValidScenario, reason: string): void => {
    finish({ index: i, file: e.file, name: e.name, ...(sc.rfc ? { rfc: sc.rfc } : {}), ...(sc.level ? { level: sc.level } : {}), verdict: 'na', message: reason, durationMs: 0, startMs: since(), endMs: since() });
  };
  const runnable: Placed[] = [];
  for (const [i, e] of entries.entries()) {
    if (!e.scenario) {
      finish({ index: i, file: e.file, name: e.name, verdict: 'error', message: e.loadError ?? 'did not load', durationMs: 0, startMs: since(), endMs: since() });
      continue;
    }
    // A scenario about the other IP version is not applicable, known from the peer's address
    // alone: said before its route or its packets are worked out (an IPv4 option or source
    // address would not fit an IPv6 peer, and that is not an error of the scenario).
    const peerHost = overrides.dst ?? (e.scenario.role !== 'server' ? e.scenario.peer.host : e.scenario.peer?.host);
    const wrongFamily = peerHost !== undefined ? absentFeatures(e.scenario.requires, familyFeatures(peerHost)) : [];
    if (wrongFamily.length > 0) {
      notApplicable(i, e, e.scenario, absentReason(wrongFamily, peerHost!));
      continue;
    }
    // The target's application is the lab's, known without a probe: its relay is there or not.
    const appMissing = e.scenario.requires?.includes('app-puppet') ? backend.appMissing(opts.lab) : undefined;
    if (appMissing !== undefined) {
      const reason = appMissing;
      // A suite reports it as not applicable; a run of this one scenario cannot do what it was asked.
      if (opts.learnFeatures) notApplicable(i, e, e.scenario, reason);
      else failed(i, e, new EnvError(`${reason}.`));
      continue;
    }
    const cannot = connectsItself(e.scenario) ? backend.noConnect(opts.lab) : undefined;
    if (cannot !== undefined) {
      notApplicable(i, e, e.scenario, `its application connects to us (app('connect')), and ${cannot}`);
      continue;
    }
    let route: Route;
    try {
      route = await routeOf(e.scenario);
    } catch (err) {
      failed(i, e, err);
      continue;
    }
    // A special address the scenario works out from the target (a directed broadcast, a spare
    // address of ours): when this target's link does not allow it, the scenario does not apply.
    const derived = deriveAddresses(e.scenario, overrides, route);
    if ('na' in derived) {
      notApplicable(i, e, e.scenario, derived.na);
      continue;
    }
    runnable.push({ i, entry: e, sc: e.scenario, route, ports: [], ...(derived.src !== undefined ? { localIp: derived.src } : {}) });
  }

  // The optional features the scenarios require are learnt first, by probing each peer they talk to.
  const probes: Array<Placed & { readonly host: string; readonly probe: Probe }> = [];
  if (opts.learnFeatures) {
    const hosts = new Set(runnable.filter((p) => p.sc.requires?.some(probed) && p.sc.role !== 'server').map((p) => overrides.dst ?? (p.sc.role !== 'server' ? p.sc.peer.host : '')));
    for (const host of hosts) {
      for (const probe of probesFor(host)) {
        const entry: SuiteEntry = { file: `(feature probe ${probe.name})`, name: probe.scenario.name, scenario: probe.scenario };
        probes.push({ i: -1 - probes.length, entry, sc: probe.scenario, route: await routeOf(probe.scenario), ports: [], host, probe });
      }
    }
  }

  const ports = new PortAllocator();
  /**
   * The session plan of `p`, its ports from the allocator unless the scenario or the command line
   * fixes them. A suite of one (`tcpcraft run`) takes random ephemeral ports instead: the
   * allocator follows the clock, so separate processes started at the same moment would pick the
   * same ports and share 4-tuples.
   */
  const planOf = (p: Placed, alone = false): SessionPlan => {
    const port = (): number => {
      let n = alone ? randomPort() : ports.next();
      while (alone && p.ports.includes(n)) n = randomPort();
      p.ports.push(n);
      return n;
    };
    return planSession(p.sc, p.entry.file, overrides, p.route, { isn: randomIsn, port });
  };
  // A suite of one (`tcpcraft run`) is planned before the capture opens, which then passes exactly
  // its flows; the runs of a larger suite choose their ports as they start, so its captures pass
  // their peers' addresses.
  let single: SessionPlan | undefined;
  const [only] = runnable;
  if (only && runnable.length === 1 && probes.length === 0) {
    try {
      single = planOf(only, true);
    } catch (err) {
      runnable.length = 0;
      failed(only.i, only.entry, err);
    }
  }
  const cleanups = new Cleanups();
  const body = async (): Promise<void> => {
    if (runnable.length === 0 || stopped()) return;
    // Lab traffic stays in a lab: a lab address the route here sends elsewhere stops the whole
    // suite before anything is opened or sent (after planning, so a scenario's own mistake is
    // named first).
    for (const host of new Set([...probes, ...runnable].flatMap((p) => peerHosts(p.sc, overrides)))) await backend.checkPeer(host);
    const captures = single ? [{ iface: single.iface, filter: single.filter, trusted: true }] : capturesFor([...probes, ...runnable], overrides);
    const attach = await backend.open(captures, cleanups);

    /** Runs `p` and returns its result; never throws (unless `throwErrors`). */
    const runOne = async (p: Placed): Promise<SuiteResult> => {
      const { i, entry: e, sc } = p;
      const expected = expectedMarkOn(sc, target, releaseOf(target));
      if (i >= 0) opts.onStart?.(e, i);
      const startMs = since();
      const undo: Array<() => void | Promise<void>> = [];
      const unregister: Array<() => void> = [];
      let outcome: RunOutcome = { bounded: false };
      let cleanupError: string | undefined;
      try {
        const plan = single ?? planOf(p);
        if (isServer(sc) && backend.kind === 'live' && opts.clientNetns !== undefined && !existsSync(`/run/netns/${opts.clientNetns}`)) {
          throw new EnvError(`a server-role scenario needs a client on the target: run the suite with --lab NAME of a lab that is up (its server namespace ${opts.clientNetns} is missing).`);
        }
        const device = await attach(plan, opts.lab);
        undo.push(() => device.close());
        outcome = await runPlan(plan, device, {
          ...(interrupt ? { signal: interrupt } : {}),
          boundMs: bound,
          rehearse: opts.rehearse === true,
          started: async (stop) => {
            // On a signal this runs before the device's guards go: the run stops and resets its peer first.
            unregister.push(cleanups.add(`stop ${e.name}`, stop));
            // A scenario whose target application connects (app('connect')) needs no nc of ours.
            if (plan.server && !connectsItself(sc)) await backend.startClient(plan, device, e.name, opts.clientNetns, undo, unregister, cleanups);
          },
        });
        if (outcome.report) outcome = { ...outcome, report: await backend.explain(outcome.report, plan) };
      } catch (err) {
        outcome = { ...outcome, error: err };
      } finally {
        for (const u of undo.reverse()) {
          try {
            await u();
          } catch (err) {
            cleanupError ??= `${e.file}: cleanup: ${messageOf(err)}`;
          }
        }
        for (const u of unregister) u();
        for (const n of p.ports) ports.release(n);
      }
      if (outcome.error !== undefined && opts.throwErrors && !stopped()) throw outcome.error;
      return resultOf(p, expected, outcome, { startMs, endMs: since(), bound, target, ...(stopped() ? { interrupted: why() } : {}), ...(cleanupError !== undefined ? { cleanupError } : {}) });
    };
    const runAll = <P extends Placed>(list: readonly P[], done: (p: P, r: SuiteResult) => void): Promise<void> =>
      schedule(
        list.map((p) => ({ i: p.i, plan: schedulingOf(p.sc, serialPorts, overrides.dst, overrides.sport), placed: p })),
        jobs,
        async (_i, item) => done(item.placed, await runOne(item.placed)),
        stopped,
      );

    // Phase 1: the feature probes; what each learnt, per peer host.
    const known = new Map<string, Map<Feature, boolean>>();
    await runAll(probes, (p, r) => {
      const map = known.get(p.host) ?? new Map<Feature, boolean>();
      for (const [f, v] of r.report ? p.probe.learn(r.report) : []) map.set(f, v);
      known.set(p.host, map);
    });
    for (const [host, map] of known) opts.onFeatures?.(host, map);
    // Phase 2: the scenarios; those whose required features are absent are not applicable.
    const applicable = runnable.filter((p) => {
      const host = overrides.dst ?? (p.sc.role !== 'server' ? p.sc.peer.host : (p.sc.local?.host ?? p.route.src));
      // The address says the family; a probe may add that an IPv6 host does not answer at all.
      const absent = absentFeatures(p.sc.requires, new Map([...familyFeatures(host), ...(known.get(host) ?? [])]));
      if (absent.length === 0) return true;
      notApplicable(p.i, p.entry, p.sc, absentReason(absent, host));
      return false;
    });
    await runAll(applicable, (_p, r) => finish(r));
  };
  try {
    await body();
  } finally {
    await cleanups.runAll();
  }
  // What a signal kept from starting.
  if (stopped()) {
    const have = new Set(results.map((r) => r.index));
    for (const [i, e] of entries.entries()) {
      if (have.has(i)) continue;
      const sc = e.scenario;
      finish({ index: i, file: e.file, name: e.name, ...(sc?.rfc ? { rfc: sc.rfc } : {}), ...(sc?.level ? { level: sc.level } : {}), verdict: 'interrupted', message: `not started (${why()})`, durationMs: 0, startMs: since(), endMs: since() });
    }
  }
  results.sort((a, b) => a.index - b.index);
  return { results, wallMs: since(), startedAt, ...(stopped() ? { interrupted: why() } : {}) };
}

/**
 * One scenario as `tcpcraft run` and `exercise check` run it: a suite of one, unbounded, rehearsed
 * in memory first, its errors thrown rather than turned into a result.
 */
export async function runAlone(file: string, sc: ValidScenario, o: Pick<SuiteOptions, 'overrides' | 'target' | 'interrupt' | 'lab' | 'backend'> = {}): Promise<SuiteResult | undefined> {
  const outcome = await runSuite([{ file, name: sc.name, scenario: sc }], { ...o, jobs: 1, scenarioBoundMs: null, rehearse: true, throwErrors: true });
  return outcome.results[0];
}

/** How a run ended, besides its outcome: for {@link resultOf}. */
interface RunCircumstances {
  readonly startMs: number;
  readonly endMs: number;
  readonly bound: number | null;
  readonly target: string;
  /** The signal that stopped the suite, when one did. */
  readonly interrupted?: string;
  /** A cleanup that failed after the run. */
  readonly cleanupError?: string;
}

/** The suite result of a run: the one place a result is made from an outcome. */
function resultOf(p: Placed, mark: ExpectedMark | undefined, outcome: RunOutcome, c: RunCircumstances): SuiteResult {
  const expected = mark?.why;
  const { i, entry: e, sc } = p;
  const base = { index: i, file: e.file, name: e.name, ...(sc.rfc ? { rfc: sc.rfc } : {}), ...(sc.level ? { level: sc.level } : {}), ...(expected !== undefined ? { expectedFailure: expected } : {}), durationMs: c.endMs - c.startMs, startMs: c.startMs, endMs: c.endMs };
  const { report, error, bounded } = outcome;
  const withReport = report ? { report } : {};
  // A signal stopped it (or its start): what it did so far is kept, without a verdict.
  if (c.interrupted !== undefined && (error !== undefined || report?.failure?.kind === 'interrupted')) {
    const at = report?.failure?.kind === 'interrupted' ? ` at step ${report.failure.stepIndex + 1}` : '';
    return { ...base, verdict: 'interrupted', message: `interrupted${at} (${c.interrupted})`, ...withReport };
  }
  const failed = error !== undefined ? `${e.file}: ${messageOf(error)}` : c.cleanupError;
  if (!report) return { ...base, verdict: 'error', message: failed ?? 'the run did not finish' };
  if (bounded) return { ...base, verdict: 'error', message: `${e.file}: stopped after ${c.bound} ms, the suite's bound on one scenario`, report };
  // A precondition not met: the target chose otherwise, as the RFCs allow; nothing was tested.
  const unmet = preconditionUnmet(report);
  if (unmet !== undefined && failed === undefined) return { ...base, verdict: 'na', message: unmet, report };
  // A pinned expected failure covers only the failure it names: another one is a FAIL.
  const offPin = !report.passed && mark ? pinMismatch(mark, report) : undefined;
  const verdict = offPin !== undefined ? 'fail' : verdictOf(report.passed, expected);
  const message = failed ?? (offPin !== undefined ? `${offPin} on ${c.target} (${expected ?? ''})\n${resultMessage(report, verdict, c.target, expected) ?? ''}` : resultMessage(report, verdict, c.target, expected));
  return { ...base, verdict: failed && verdict === 'pass' ? 'error' : verdict, ...(message !== undefined ? { message } : {}), report };
}

/** Why the scenario could not test its rule on this target: a precondition expectation that was not met. */
export function preconditionUnmet(report: RunReport): string | undefined {
  const f = report.failure;
  if (!f || (f.kind !== 'mismatch' && f.kind !== 'timeout') || f.step.fields.precondition === undefined) return undefined;
  const how = f.kind === 'mismatch' ? f.diffs.map(formatDiff).join('; ') : `nothing came within ${f.waitedMs} ms`;
  return `it takes for granted ${f.step.fields.precondition}, and step ${f.stepIndex + 1} differs (${how})`;
}

/**
 * The captures a suite needs, one per interface, each passing the peers' addresses of the
 * scenarios run on it (or the local port of a server-role scenario awaiting any client).
 */
function capturesFor(placed: readonly Placed[], overrides: SessionOverrides): CaptureSpec[] {
  const terms = new Map<string, Set<string>>();
  for (const { sc, route, localIp } of placed) {
    const set = terms.get(route.iface) ?? new Set<string>();
    for (const t of captureTerms(sc, overrides)) set.add(t);
    // A check of absence must see an answer from any address (a target answering a broadcast
    // SYN from its own address): everything to our address passes, the runs' flows sort it out.
    if (watchesAbsence(sc)) set.add(`dst host ${localIp ?? route.src}`);
    terms.set(route.iface, set);
  }
  return [...terms].map(([iface, set]) => ({ iface, filter: `(tcp or ip6) and (${[...set].join(' or ')})` }));
}

/**
 * Runs `items` with at most `jobs` at once: non-exclusive items first, in order, never two sharing
 * a key at once; then the exclusive ones, each alone. Once `stop()` is true, nothing more starts.
 */
export async function schedule<T extends { readonly i: number; readonly plan: Plan }>(items: readonly T[], jobs: number, run: (i: number, item: T) => Promise<void>, stop: () => boolean = () => false): Promise<void> {
  const pending = [...items.filter((x) => !x.plan.exclusive), ...items.filter((x) => x.plan.exclusive)];
  const running = new Set<T>();
  let wake: (() => void) | undefined;
  let changed = new Promise<void>((r) => (wake = r));
  const signal = (): void => {
    const w = wake;
    changed = new Promise<void>((r) => (wake = r));
    w?.();
  };
  const allowed = (x: { plan: Plan }): boolean => {
    if (x.plan.exclusive) return running.size === 0;
    for (const r of running) {
      if (r.plan.exclusive) return false;
      if (r.plan.keys.some((k) => x.plan.keys.includes(k))) return false;
    }
    return true;
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      if (pending.length === 0 || stop()) return;
      const k = pending.findIndex(allowed);
      if (k < 0) {
        await changed;
        continue;
      }
      const x = pending.splice(k, 1)[0] as T;
      running.add(x);
      try {
        await run(x.i, x);
      } finally {
        running.delete(x);
        signal();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, items.length)) }, () => worker()));
}

/** True when the scenario has the target's application open its connection (app('connect')). */
function connectsItself(sc: Scenario): boolean {
  return sc.steps.some((s) => s.kind === 'app' && s.call.call === 'connect');
}
