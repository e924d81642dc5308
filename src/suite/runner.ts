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
 *   (runScenario); guards, captures, the raw socket and client processes go on normal end, on
 *   failure and on SIGINT/SIGTERM (one {@link Cleanups} for the suite, newest first: a run is
 *   stopped, and resets its peer, before its guard goes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { FlowSpec } from '../engine/flow.js';
import { FrameQueue } from '../engine/queue.js';
import type { RunReport } from '../engine/report.js';
import { runScenario, type RunConnection } from '../engine/run.js';
import { needsLinkLayer } from '../engine/segment.js';
import { Cleanups } from '../io/cleanup.js';
import { randomIsn, systemClock } from '../io/clock.js';
import { EnvError, messageOf } from '../io/errors.js';
import { installGuard, sweepGuards, type Guard } from '../io/guard.js';
import { openLinkSender } from '../io/link.js';
import { interfaceWithAddress, routeTo } from '../io/route.js';
import { openSender, type Sender } from '../io/sender.js';
import { openSniffer, type Sniffer } from '../io/sniffer.js';
import type { Scenario } from '../scenario/types.js';
import { Demux } from './demux.js';
import { PortAllocator } from './ports.js';
import { isFailure, messageOf as resultMessage, verdictOf, type SuiteResult } from './result.js';

/** A file of the suite, loaded or not. */
export interface SuiteEntry {
  readonly file: string;
  /** The display name (the scenario's, or the file's when it did not load). */
  readonly name: string;
  readonly scenario?: Scenario;
  /** Why it did not load. */
  readonly loadError?: string;
}

/** Settings of a suite run. */
export interface SuiteOptions {
  /** Replaces every scenario's peer host (client role) and restricts server-role clients to it. */
  readonly dst?: string;
  /** Runs at once (default {@link DEFAULT_JOBS}). */
  readonly jobs?: number;
  /** Target whose expected failures apply (default 'linux'). */
  readonly target?: string;
  /** Default wait for each expected segment, ms (the scenario's own `timeout` wins). */
  readonly timeoutMs?: number;
  /** Bound on one scenario's whole run, ms (default {@link SCENARIO_BOUND_MS}). */
  readonly scenarioBoundMs?: number;
  /** Peer ports that serve one connection at a time (default [5000], the lab's nc). */
  readonly serialPorts?: readonly number[];
  /** Network namespace in which server-role scenarios get their client (default: none). */
  readonly clientNetns?: string;
  /** Called when a scenario starts and ends. */
  readonly onStart?: (entry: SuiteEntry, index: number) => void;
  readonly onResult?: (result: SuiteResult) => void;
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
}

/** How a scenario may be scheduled. */
interface Plan {
  readonly exclusive: boolean;
  /** Keys no two concurrent runs may share (a single-connection peer port). */
  readonly keys: readonly string[];
}

/** Scheduling constraints of `sc` (see the module comment). */
export function schedulingOf(sc: Scenario, serialPorts: readonly number[], dst?: string): Plan {
  const fixedPort = sc.local?.port !== undefined || Object.values(sc.connections ?? {}).some((c) => c.local?.port !== undefined);
  const exclusive = sc.role === 'server' || fixedPort;
  const host = dst ?? sc.peer?.host ?? '';
  const ports = [sc.peer?.port, ...Object.values(sc.connections ?? {}).map((c) => c.peer?.port ?? sc.peer?.port)];
  const keys = [...new Set(ports.filter((p): p is number => p !== undefined && serialPorts.includes(p)).map((p) => `${host}:${p}`))];
  return { exclusive, keys };
}

/** Where a scenario runs: interface, our address, the peer. */
interface Where {
  readonly iface: string;
  readonly localIp: string;
  /** Peer host of the main connection (absent: a server-role scenario accepting any client). */
  readonly peerIp?: string;
  /** Libpcap filter terms this scenario needs on its interface. */
  readonly filterTerms: readonly string[];
}

async function whereOf(sc: Scenario, dst: string | undefined, routes: Map<string, Promise<{ iface: string; src: string }>>): Promise<Where> {
  const route = (host: string) => {
    let r = routes.get(host);
    if (!r) routes.set(host, (r = routeTo(host)));
    return r;
  };
  if (sc.role === 'server') {
    const peerIp = dst ?? sc.peer?.host;
    const localIp = sc.local?.host ?? (peerIp ? (await route(peerIp)).src : undefined);
    if (!localIp) throw new EnvError('a server-role scenario needs the address to answer on: give --dst (or local.host / peer.host in the scenario).');
    const iface = await interfaceWithAddress(localIp);
    return { iface, localIp, ...(peerIp ? { peerIp } : {}), filterTerms: [peerIp ? `host ${peerIp}` : `port ${sc.local!.port!}`] };
  }
  const peerIp = dst ?? sc.peer!.host!;
  const r = await route(peerIp);
  const hosts = new Set([peerIp, ...Object.values(sc.connections ?? {}).map((c) => (dst ?? c.peer?.host ?? peerIp))]);
  return { iface: r.iface, localIp: sc.local?.host ?? r.src, peerIp, filterTerms: [...hosts].map((h) => `host ${h}`) };
}

/** One capture per interface, shared by every run on it. */
interface Capture {
  readonly sniffer: Sniffer;
  readonly demux: Demux;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `entries` and returns their results in file order. Throws an {@link EnvError} when the
 * environment cannot run anything at all (no root, no nft...); a problem with one scenario is that
 * scenario's `error` result.
 */
export async function runSuite(entries: readonly SuiteEntry[], opts: SuiteOptions = {}): Promise<SuiteOutcome> {
  const jobs = Math.max(1, opts.jobs ?? DEFAULT_JOBS);
  const target = opts.target ?? DEFAULT_TARGET;
  const serialPorts = opts.serialPorts ?? [5000];
  const bound = opts.scenarioBoundMs ?? SCENARIO_BOUND_MS;
  const startedAt = new Date();
  const t0 = performance.now();
  const since = (): number => performance.now() - t0;
  const results: SuiteResult[] = [];
  const finish = (r: SuiteResult): void => {
    results.push(r);
    opts.onResult?.(r);
  };

  // Where each scenario runs, worked out before anything is opened.
  const routes = new Map<string, Promise<{ iface: string; src: string }>>();
  const wheres = new Map<number, Where>();
  const runnable: number[] = [];
  for (const [i, e] of entries.entries()) {
    if (!e.scenario) {
      finish({ index: i, file: e.file, name: e.name, verdict: 'error', message: e.loadError ?? 'did not load', durationMs: 0, startMs: since(), endMs: since() });
      continue;
    }
    try {
      wheres.set(i, await whereOf(e.scenario, opts.dst, routes));
      runnable.push(i);
    } catch (err) {
      const sc = e.scenario;
      finish({ index: i, file: e.file, name: e.name, ...(sc.rfc ? { rfc: sc.rfc } : {}), verdict: 'error', message: `${e.file}: ${messageOf(err)}`, durationMs: 0, startMs: since(), endMs: since() });
    }
  }

  const cleanups = new Cleanups();
  await cleanups.guarded(async () => {
    if (runnable.length === 0) return;
    const sender: Sender = openSender();
    cleanups.add('close the raw socket', () => sender.close());
    await sweepGuards();
    // One capture per interface, filter covering every peer that interface will see.
    const terms = new Map<string, Set<string>>();
    for (const w of wheres.values()) {
      const set = terms.get(w.iface) ?? new Set<string>();
      for (const t of w.filterTerms) set.add(t);
      terms.set(w.iface, set);
    }
    const captures = new Map<string, Capture>();
    for (const [iface, set] of terms) {
      const sniffer = openSniffer({ iface, filter: `tcp and (${[...set].join(' or ')})` });
      cleanups.add(`close the capture on ${iface}`, () => sniffer.close());
      captures.set(iface, { sniffer, demux: new Demux(sniffer, () => systemClock.wallUs()) });
    }
    const ports = new PortAllocator();

    /** Runs entry `i`; never throws. */
    const runOne = async (i: number): Promise<void> => {
      const e = entries[i]!;
      const sc = e.scenario!;
      const where = wheres.get(i)!;
      const expected = sc.expectedFailures?.[target];
      const base = { index: i, file: e.file, name: e.name, ...(sc.rfc ? { rfc: sc.rfc } : {}), ...(expected !== undefined ? { expectedFailure: expected } : {}) };
      opts.onStart?.(e, i);
      const startMs = since();
      const undo: Array<() => void | Promise<void>> = [];
      const unregisterCleanups: Array<() => void> = [];
      const taken: number[] = [];
      const abort = new AbortController();
      let bounded = false;
      let report: RunReport | undefined;
      let error: string | undefined;
      try {
        // Flows: ports from the allocator unless the scenario fixes them.
        const port = (fixed: number | undefined): number => {
          if (fixed !== undefined) return fixed;
          const p = ports.next();
          taken.push(p);
          return p;
        };
        let flow: FlowSpec;
        const connections: Record<string, RunConnection> = {};
        if (sc.role === 'server') {
          flow = { localIp: where.localIp, localPort: sc.local!.port!, ...(where.peerIp ? { peerIp: where.peerIp } : {}), ...(sc.peer?.port ? { peerPort: sc.peer.port } : {}) };
        } else {
          flow = { localIp: where.localIp, localPort: port(sc.local?.port), peerIp: where.peerIp!, peerPort: sc.peer!.port! };
          for (const [name, c] of Object.entries(sc.connections ?? {})) {
            connections[name] = {
              flow: { localIp: where.localIp, localPort: port(c.local?.port), peerIp: opts.dst ?? c.peer?.host ?? where.peerIp!, peerPort: c.peer?.port ?? sc.peer!.port! },
              localIsn: randomIsn(),
            };
          }
        }
        const flows = [flow, ...Object.values(connections).map((c) => c.flow)];
        const capture = captures.get(where.iface)!;
        const frames = new FrameQueue();
        undo.push(capture.demux.register(flows, frames));
        const linkLayer = sc.steps.some((s) => s.kind === 'send' && needsLinkLayer(s));
        const linkSender = linkLayer && flow.peerIp ? await openLinkSender({ iface: where.iface, peerIp: flow.peerIp }) : undefined;
        if (linkSender) undo.push(() => linkSender.close());
        if (linkLayer && !linkSender) throw new EnvError('the link-layer path needs the peer address up front: give --dst (or peer.host in the scenario).');
        for (const f of flows) {
          const guard: Guard = await installGuard(f);
          undo.push(() => guard.remove());
          unregisterCleanups.push(cleanups.add(`remove the kernel-RST guard ${guard.table}`, () => guard.remove()));
        }
        let client: ChildProcess | undefined;
        if (sc.role === 'server') {
          if (!opts.clientNetns || !existsSync(`/run/netns/${opts.clientNetns}`)) {
            throw new EnvError(`a server-role scenario needs a client on the target: run the suite with --lab NAME of a lab that is up (its server namespace${opts.clientNetns ? ` ${opts.clientNetns} is missing` : ''} runs the client).`);
          }
        }
        const link = {
          send: (b: Uint8Array, how?: { readonly linkLayer: boolean }) => {
            if (how?.linkLayer) return linkSender!.send(b);
            return sender.send(b, `${b[16]}.${b[17]}.${b[18]}.${b[19]}`);
          },
        };
        const cfg = { file: e.file, flow, localIsn: randomIsn(), connections, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
        const timer = setTimeout(() => {
          bounded = true;
          abort.abort();
        }, bound);
        const running = runScenario(sc, cfg, { link, frames, clock: systemClock, signal: abort.signal });
        unregisterCleanups.push(
          cleanups.add(`stop ${e.name}`, async () => {
            abort.abort();
            await running.catch(() => undefined);
          }),
        );
        if (sc.role === 'server') {
          client = spawn('ip', ['netns', 'exec', opts.clientNetns!, 'nc', '-n', '-N', '-w', '3', flow.localIp, String(flow.localPort)], { stdio: 'ignore' });
          client.on('error', () => undefined);
          const c = client;
          const stopClient = async (): Promise<void> => {
            for (let k = 0; k < 20 && c.exitCode === null && c.signalCode === null; k++) await sleep(50);
            if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
          };
          undo.push(stopClient);
          unregisterCleanups.push(cleanups.add(`stop the client of ${e.name}`, () => void (c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'))));
        }
        try {
          report = await running;
        } finally {
          clearTimeout(timer);
        }
      } catch (err) {
        error = `${e.file}: ${messageOf(err)}`;
      } finally {
        for (const u of undo.reverse()) {
          try {
            await u();
          } catch (err) {
            error ??= `${e.file}: cleanup: ${messageOf(err)}`;
          }
        }
        for (const u of unregisterCleanups) u();
        for (const p of taken) ports.release(p);
      }
      const endMs = since();
      const timing = { durationMs: endMs - startMs, startMs, endMs };
      if (!report) {
        finish({ ...base, verdict: 'error', message: error ?? 'the run did not finish', ...timing });
        return;
      }
      if (bounded) {
        finish({ ...base, verdict: 'error', message: `${e.file}: stopped after ${bound} ms, the suite's bound on one scenario`, report, ...timing });
        return;
      }
      const verdict = verdictOf(report.passed, expected);
      const message = error ?? resultMessage(report, verdict, target, expected);
      finish({ ...base, verdict: error && verdict === 'pass' ? 'error' : verdict, ...(message !== undefined ? { message } : {}), report, ...timing });
    };

    await schedule(
      runnable.map((i) => ({ i, plan: schedulingOf(entries[i]!.scenario!, serialPorts, opts.dst) })),
      jobs,
      runOne,
    );
  });
  results.sort((a, b) => a.index - b.index);
  return { results, wallMs: since(), startedAt };
}

/**
 * Runs `items` with at most `jobs` at once: non-exclusive items first, in order, never two sharing
 * a key at once; then the exclusive ones, each alone.
 */
export async function schedule(items: ReadonlyArray<{ readonly i: number; readonly plan: Plan }>, jobs: number, run: (i: number) => Promise<void>): Promise<void> {
  const pending = [...items.filter((x) => !x.plan.exclusive), ...items.filter((x) => x.plan.exclusive)];
  const running = new Set<{ readonly plan: Plan }>();
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
      if (pending.length === 0) return;
      const k = pending.findIndex(allowed);
      if (k < 0) {
        await changed;
        continue;
      }
      const [x] = pending.splice(k, 1);
      running.add(x!);
      try {
        await run(x!.i);
      } finally {
        running.delete(x!);
        signal();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, items.length)) }, () => worker()));
}

/** True when any result makes the suite fail. */
export function suiteFailed(results: readonly SuiteResult[]): boolean {
  return results.some((r) => isFailure(r.verdict));
}
