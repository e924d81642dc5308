/**
 * The session plan: one pure function turns a scenario, the command line's overrides and the
 * route into everything a run needs — the flow of every connection, the ISNs, the path each
 * segment is sent on, the capture filter, the guard's flows, the run loop's settings and the
 * scenario played against the model peer (which is both `tcpcraft build`'s output and the static
 * check of the numbering). `build`, `run`, `suite` and `flood` all start from it; the device that
 * carries it out is opened by src/io/device.ts.
 *
 * Nothing here touches the machine: routes are looked up by src/io/route.ts from the
 * {@link RouteQuery} this module asks for, and randomness comes in as {@link Sources}.
 */
import { isComplete, bpfFilter, type Flow, type FlowSpec } from '../engine/flow.js';
import { plan, type PlanConnection } from '../engine/plan.js';
import type { RunReport } from '../engine/report.js';
import type { RunConfig, RunConnection } from '../engine/run.js';
import { EnvError } from '../errors.js';
import { sendPathFor, type SendPath } from './sendpath.js';
import { isServer, type ValidScenario } from '../scenario/model.js';
import { familyOf } from '../wire/family.js';
import type { Scenario } from '../scenario/types.js';
import { LAB_ADDRESSES } from '../lab/catalogue.js';

const LAB4 = LAB_ADDRESSES[4];
const LAB6 = LAB_ADDRESSES[6];

/** What the command line may change about where and how a scenario runs. */
export interface SessionOverrides {
  /** Our address (default: the scenario's local.host, else the route's source). */
  readonly src?: string;
  /** The peer's address (default: the scenario's peer.host). */
  readonly dst?: string;
  /** Our port (default: the scenario's local.port, else from {@link Sources.port}). */
  readonly sport?: number;
  /** The peer's port (default: the scenario's peer.port). */
  readonly dport?: number;
  /** Our ISN on the main connection (default: from {@link Sources.isn}). */
  readonly isn?: number;
  /** The model peer's ISN (`tcpcraft build`; default: from {@link Sources.isn}). */
  readonly peerIsn?: number;
  /** Interface to capture and send on (default: the route's). */
  readonly iface?: string;
  /** Send every segment through the link-layer path. */
  readonly linkLayer?: boolean;
  /** Replaces the scenario's default wait for each expectation (a step's own timeout still wins). */
  readonly timeoutMs?: number;
  /** Wait for each expectation when neither the step nor the scenario says. */
  readonly defaultTimeoutMs?: number;
}

/** Where the run happens: the interface and our address on it. */
export interface Route {
  readonly iface: string;
  readonly src: string;
}

/** What src/io/route.ts must look up to give a {@link Route}. */
export interface RouteQuery {
  /** Server role: the interface is the one holding our address; client role: the route's. */
  readonly server: boolean;
  readonly peer?: string;
  readonly src?: string;
  readonly iface?: string;
}

/** Randomness and port choice, injected (the suite hands out ports from its allocator). */
export interface Sources {
  isn(): number;
  port(): number;
  /** Wall-clock time of the model's first packet, µs since the epoch (default 0). */
  wallUs?(): bigint;
}

/** Everything a run of one scenario needs, worked out before anything is opened. */
export interface SessionPlan {
  readonly file: string;
  /** The scenario as it runs (with `timeoutMs` applied). */
  readonly scenario: Scenario;
  readonly server: boolean;
  readonly iface: string;
  /** The main connection (in the server role the peer may be left to learn from its SYN). */
  readonly flow: FlowSpec;
  /** Further connections by name. */
  readonly connections: Readonly<Record<string, RunConnection>>;
  /** Every connection's flow, the main one first: what the guard protects and the demux claims. */
  readonly flows: readonly FlowSpec[];
  readonly localIsn: number;
  /** The path of each step's segment (undefined for steps that send nothing). */
  readonly sendPaths: ReadonlyArray<SendPath | undefined>;
  /** The path of segments no step made (cleanup RSTs). */
  readonly cleanupPath: SendPath;
  /** True when some segment goes through the link-layer path. */
  readonly needsLink: boolean;
  /** A libpcap filter passing exactly the flows' segments, both ways. */
  readonly filter: string;
  /** Settings of the run loop (the numbering is already checked). */
  readonly run: RunConfig;
  /** The scenario against the model peer: what `build` prints and the rehearsal plays. */
  readonly model: RunReport;
}

/** The route look-up a scenario needs, given the overrides. */
export function routeQuery(sc: Scenario, o: SessionOverrides): RouteQuery {
  const peer = o.dst ?? sc.peer?.host;
  const src = o.src ?? sc.local?.host;
  return { server: isServer(sc), ...(peer !== undefined ? { peer } : {}), ...(src !== undefined ? { src } : {}), ...(o.iface !== undefined ? { iface: o.iface } : {}) };
}

/** The route of an offline plan (`tcpcraft build`): the lab's addresses, no interface. */
export function modelRoute(sc: Scenario, o: SessionOverrides): Route {
  const v6 = familyOf(o.dst ?? sc.peer?.host ?? '') === 6;
  const [client, server] = v6 ? [LAB6.client, LAB6.server] : [LAB4.client, LAB4.server];
  return { iface: '', src: o.src ?? sc.local?.host ?? (isServer(sc) ? server : client) };
}

/** The other lab address than `ip`: where a model peer sits when the scenario names none. */
const otherLabAddr = (ip: string): string =>
  familyOf(ip) === 6 ? (ip === LAB6.client ? LAB6.server : LAB6.client) : ip === LAB4.client ? LAB4.server : LAB4.client;

/** Every peer address a run of `sc` talks to (the main peer first); none for a server awaiting any client. */
export function peerHosts(sc: Scenario, o: SessionOverrides): string[] {
  const main = o.dst ?? sc.peer?.host;
  const hosts = new Set(main !== undefined ? [main] : []);
  if (!isServer(sc)) for (const c of Object.values(sc.connections ?? {})) hosts.add(o.dst ?? c.peer?.host ?? main!);
  return [...hosts];
}

/**
 * Libpcap filter terms a scenario needs on its interface when many runs share one capture: its
 * peers' addresses, or (server role, any client) its local port. Needs no ports chosen yet.
 */
export function captureTerms(sc: ValidScenario, o: SessionOverrides): string[] {
  if (sc.role === 'server') {
    const peer = o.dst ?? sc.peer?.host;
    return [peer ? `host ${peer}` : `port ${o.sport ?? sc.local.port}`];
  }
  return peerHosts(sc, o).map((h) => `host ${h}`);
}

/**
 * Works out a run of `sc` from `file`. Throws a ScenarioError for numbering problems (found by
 * playing the scenario against the model peer) and an EnvError for what the command line must
 * supply (a peer for the link-layer path).
 */
export function planSession(sc: ValidScenario, file: string, o: SessionOverrides, route: Route, sources: Sources): SessionPlan {
  const server = sc.role === 'server';
  const localIp = route.src;
  const localIsn = o.isn ?? sources.isn();
  let flow: FlowSpec;
  const connections: Record<string, RunConnection> = {};
  if (sc.role === 'server') {
    const peerIp = o.dst ?? sc.peer?.host;
    const peerPort = o.dport ?? sc.peer?.port;
    flow = { localIp, localPort: o.sport ?? sc.local.port, ...(peerIp ? { peerIp } : {}), ...(peerPort ? { peerPort } : {}) };
  } else {
    const peerIp = o.dst ?? sc.peer.host;
    const peerPort = o.dport ?? sc.peer.port;
    flow = { localIp, localPort: o.sport ?? sc.local?.port ?? sources.port(), peerIp, peerPort };
    for (const [name, c] of Object.entries(sc.connections ?? {})) {
      const host = o.dst ?? c.peer?.host ?? peerIp;
      // An accepted connection: the peer's port is learnt from its SYN.
      const f: FlowSpec =
        c.role === 'server'
          ? { localIp, localPort: c.local!.port!, peerIp: host, ...(c.peer?.port !== undefined ? { peerPort: c.peer.port } : {}) }
          : { localIp, localPort: c.local?.port ?? sources.port(), peerIp: host, peerPort: c.peer?.port ?? peerPort };
      connections[name] = { flow: f, localIsn: sources.isn() };
    }
  }
  const flows = [flow, ...Object.values(connections).map((c) => c.flow)];
  const sendPaths = sc.steps.map((s) => (s.kind !== 'send' ? undefined : o.linkLayer ? 'link' : sendPathFor(s.fields.ip)));
  const needsLink = o.linkLayer === true || sendPaths.includes('link');
  if (needsLink && flow.peerIp === undefined) throw new EnvError('the link-layer path needs the peer address up front: give --dst (or peer.host in the scenario).');
  const scenario = o.timeoutMs ? { ...sc, timeout: o.timeoutMs } : sc;
  // The model peer: the real one where known, else a stand-in on the other lab address.
  const modelFlow = (f: FlowSpec): Flow => (isComplete(f) ? f : { ...f, peerIp: f.peerIp ?? otherLabAddr(f.localIp), peerPort: f.peerPort ?? sources.port() });
  const mainModel = modelFlow(flow);
  const modelConnections: Record<string, PlanConnection> = {};
  for (const [name, c] of Object.entries(connections)) modelConnections[name] = { flow: modelFlow(c.flow), localIsn: c.localIsn, peerIsn: sources.isn() };
  const model = plan(scenario, { file, flow: mainModel, localIsn, peerIsn: o.peerIsn ?? sources.isn(), connections: modelConnections, ...(sources.wallUs ? { startUs: sources.wallUs() } : {}) });
  return {
    file,
    scenario,
    server,
    iface: route.iface,
    flow,
    connections,
    flows,
    localIsn,
    sendPaths,
    cleanupPath: o.linkLayer ? 'link' : 'raw',
    needsLink,
    filter: flows.map((f) => `(${bpfFilter(f)})`).join(' or '),
    run: { file, flow, localIsn, connections, checked: true, ...(o.defaultTimeoutMs ? { timeoutMs: o.defaultTimeoutMs } : {}) },
    model,
  };
}

/** The lab's addresses of one family and their counterparts in the other. */
const LAB_PAIRS: ReadonlyArray<readonly [string, string]> = [
  [LAB4.client, LAB6.client],
  [LAB4.server, LAB6.server],
  [LAB4.spare, LAB6.spare],
];

/**
 * `sc` with the lab's addresses of the other IP version swapped for those of `family`
 * (`--family 6`: 10.77.0.2 becomes fd77::2, 10.77.0.201 becomes fd77::201, and back for 4).
 * Other addresses are left as they are.
 */
export function withLabFamily<T extends ValidScenario>(sc: T, family: 4 | 6): T {
  const map = (host: string | undefined): string | undefined => {
    const pair = LAB_PAIRS.find(([v4, v6]) => host === v4 || host === v6);
    return pair && host !== undefined ? (family === 6 ? pair[1] : pair[0]) : host;
  };
  const end = <E extends { readonly host?: string } | undefined>(e: E): E => (e && e.host !== undefined ? { ...e, host: map(e.host) } : e);
  const connections = sc.connections ? Object.fromEntries(Object.entries(sc.connections).map(([k, c]) => [k, { ...c, ...(c.peer ? { peer: end(c.peer) } : {}) }])) : undefined;
  return { ...sc, ...(sc.peer ? { peer: end(sc.peer) } : {}), ...(sc.local ? { local: end(sc.local) } : {}), ...(connections ? { connections } : {}) } as T;
}
