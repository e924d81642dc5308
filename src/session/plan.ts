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
import { formatIpv4Address, parseIpv4Address } from '../wire/ipv4.js';
import { parseIpv6Address } from '../wire/ipv6.js';
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
  /** Our ISN on the main connection (default: the scenario's `isn`, else from {@link Sources.isn}). */
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
  /** The link facing the peer, looked up when the scenario derives an address from it ({@link RouteQuery.link}). */
  readonly link?: LinkFacts;
}

/** What the addresses a scenario derives (`peer.broadcast`, `local.spare`, `local.broadcast`) are worked out from. */
export interface LinkFacts {
  /** The prefix length of our address ({@link Route.src}) on the link; absent when the peer is reached through a gateway. */
  readonly prefix?: number;
  /** Our other addresses of the same family on the interface, with their prefix lengths. */
  readonly others: ReadonlyArray<{ readonly address: string; readonly prefix: number }>;
}

/** What src/io/route.ts must look up to give a {@link Route}. */
export interface RouteQuery {
  /** Server role: the interface is the one holding our address; client role: the route's. */
  readonly server: boolean;
  readonly peer?: string;
  readonly src?: string;
  readonly iface?: string;
  /** Look up the {@link LinkFacts} too: the scenario derives an address from the link. */
  readonly link?: boolean;
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
  const link = derivesAddress(sc);
  return { server: isServer(sc), ...(peer !== undefined ? { peer } : {}), ...(src !== undefined ? { src } : {}), ...(o.iface !== undefined ? { iface: o.iface } : {}), ...(link ? { link } : {}) };
}

/** True when the scenario works an address out from the link facing the peer. */
export function derivesAddress(sc: Scenario): boolean {
  return sc.peer?.broadcast === true || sc.local?.spare === true || sc.local?.broadcast === true;
}

/** The route of an offline plan (`tcpcraft build`): the lab's addresses, no interface. */
export function modelRoute(sc: Scenario, o: SessionOverrides): Route {
  const v6 = familyOf(o.dst ?? sc.peer?.host ?? '') === 6;
  const lab = v6 ? LAB6 : LAB4;
  const src = o.src ?? sc.local?.host ?? (isServer(sc) ? lab.server : lab.client);
  // The lab's link: a peer of the lab's subnet is on it; our spare is the client's second address.
  const peer = o.dst ?? sc.peer?.host;
  const onLab = inSubnet(src, lab.net, lab.bits) && (peer === undefined || inSubnet(peer, lab.net, lab.bits));
  const link: LinkFacts = { ...(onLab ? { prefix: lab.bits } : {}), others: src === lab.client ? [{ address: lab.spare, prefix: lab.bits }] : [] };
  return { iface: '', src, ...(derivesAddress(sc) ? { link } : {}) };
}

/** The addresses a scenario derives from the link facing its peer, or why it cannot here (the scenario is then N/A). */
export type Derived = { readonly dst?: string; readonly src?: string } | { readonly na: string };

/**
 * Works out the addresses `sc` derives from the link facing its peer (see `peer.broadcast`,
 * `local.spare` and `local.broadcast` in src/scenario/types.ts), so that pointing the scenario at
 * another target (`--dst`) keeps its meaning: the directed broadcast of the target's subnet, not
 * 10.77.0.255; a second address of ours beside the target, not the lab's 10.77.0.201. When the
 * link does not allow it, says why.
 */
export function deriveAddresses(sc: Scenario, o: SessionOverrides, route: Route): Derived {
  if (!derivesAddress(sc)) return {};
  const link = route.link;
  if (!link) return { na: 'the link facing the peer was not looked up' };
  const peer = o.dst ?? sc.peer?.host;
  const ours = `our address ${route.src}`;
  const broadcastOf = (): string | { na: string } => {
    if (familyOf(route.src) !== 4) return { na: `it needs an IPv4 broadcast address, and ${ours} is IPv6 (IPv6 has no broadcast)` };
    if (link.prefix === undefined) return { na: `${peer ?? 'the peer'} is reached through a gateway, not on our link, so its subnet's directed broadcast cannot be worked out (and routers do not forward directed broadcasts, RFC 2644)` };
    if (link.prefix >= 31) return { na: `${ours}/${link.prefix} is on a point-to-point subnet, which has no broadcast address` };
    if (peer !== undefined && !inSubnet(peer, route.src, link.prefix)) return { na: `${peer} is not in the subnet of ${ours}/${link.prefix}, so its directed broadcast is not known here` };
    return ipv4Broadcast(route.src, link.prefix);
  };
  let dst: string | undefined;
  let src: string | undefined;
  if (sc.peer?.broadcast || sc.local?.broadcast) {
    const b = broadcastOf();
    if (typeof b !== 'string') return b;
    if (sc.peer?.broadcast) dst = b;
    else src = b;
  }
  if (sc.local?.spare) {
    const spare = link.others.find((a) => a.address !== route.src && (peer === undefined || link.prefix === undefined || inSubnet(peer, a.address, a.prefix)));
    if (!spare) {
      const lab = familyOf(route.src) === 6 ? LAB6 : LAB4;
      return { na: `it talks from a second address of ours on ${route.iface || 'the link'} facing ${peer ?? 'the peer'}, used by no other scenario (the lab's client has ${lab.spare}), and there is none: add one with 'ip addr add ADDRESS/PREFIX dev ${route.iface || 'IFACE'}'` };
    }
    src = spare.address;
  }
  return { ...(dst !== undefined ? { dst } : {}), ...(src !== undefined ? { src } : {}) };
}

/** The address's bytes (wire/ipv4.ts, wire/ipv6.ts), or undefined for text that is neither. */
const addressBytes = (ip: string): Uint8Array | undefined => (familyOf(ip) === 6 ? parseIpv6Address(ip) : parseIpv4Address(ip));

/** True when `ip` lies in `net`/`bits`: the same family, and the first `bits` bits equal. */
function inSubnet(ip: string, net: string, bits: number): boolean {
  const a = addressBytes(ip);
  const b = addressBytes(net);
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length && i * 8 < bits; i++) {
    const mask = (0xff << (8 - Math.min(8, bits - i * 8))) & 0xff;
    if ((a[i]! & mask) !== (b[i]! & mask)) return false;
  }
  return true;
}

/** The directed broadcast address of `ip`/`bits` (IPv4): every host bit set. */
export function ipv4Broadcast(ip: string, bits: number): string {
  const bytes = parseIpv4Address(ip)!;
  for (let i = 0; i < 4; i++) bytes[i] = bytes[i]! | (0xff >> Math.max(0, Math.min(8, bits - i * 8)));
  return formatIpv4Address(bytes);
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

/** True when the scenario checks that something does not come (a `silence()` step). */
export function watchesAbsence(sc: Scenario): boolean {
  return sc.steps.some((s) => s.kind === 'silence');
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
  const derived = deriveAddresses(sc, o, route);
  if ('na' in derived) throw new EnvError(`this scenario cannot run here: ${derived.na}.`);
  const localIp = derived.src ?? route.src;
  const localIsn = o.isn ?? sc.isn ?? sources.isn();
  let flow: FlowSpec;
  const connections: Record<string, RunConnection> = {};
  if (sc.role === 'server') {
    const peerIp = o.dst ?? sc.peer?.host;
    const peerPort = o.dport ?? sc.peer?.port;
    flow = { localIp, localPort: o.sport ?? sc.local.port, ...(peerIp ? { peerIp } : {}), ...(peerPort ? { peerPort } : {}) };
  } else {
    const target = o.dst ?? sc.peer.host;
    const peerIp = derived.dst ?? target;
    const peerPort = o.dport ?? sc.peer.port;
    flow = { localIp, localPort: o.sport ?? sc.local?.port ?? sources.port(), peerIp, peerPort };
    for (const [name, c] of Object.entries(sc.connections ?? {})) {
      const host = o.dst ?? c.peer?.host ?? target;
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
