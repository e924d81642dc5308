/** Route and interface look-ups through iproute2 (`ip -j`). */
import { readlinkSync } from 'node:fs';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { FAMILY, familyOf } from '../wire/family.js';
import { EnvError, UsageError } from '../errors.js';
import { run } from './exec.js';
import { LAB_ADDRESSES, LAB_IFACE } from '../lab/catalogue.js';
import type { LinkFacts, Route, RouteQuery } from '../session/plan.js';

/** Outgoing interface and source address the kernel would use to reach `dst`. */
export interface RouteInfo {
  readonly iface: string;
  readonly src: string;
  /** The gateway, when `dst` is not on the link. */
  readonly gateway?: string;
}

/**
 * Ask the kernel (`ip -j route get DST`) which interface and source address reach `dst`.
 * Rejects with an {@link EnvError} "no route to DST" when there is none.
 */
export async function routeTo(dst: string): Promise<RouteInfo> {
  if (!isIPv4(dst) && !isIPv6(dst)) throw new UsageError(`'${dst}' is not an IPv4 or IPv6 address.`);
  const r = await run('ip', ['-j', 'route', 'get', dst], { pkg: 'iproute2' });
  if (r.code !== 0) {
    const why = r.stderr.trim();
    throw new EnvError(`no route to ${dst}${why ? ` (${why})` : ''}: add an address or route that reaches it, or run inside the lab with 'tcpcraft lab exec client -- ...'.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new EnvError(`could not parse the output of 'ip -j route get ${dst}': ${r.stdout.slice(0, 200)}`);
  }
  const first = Array.isArray(parsed) ? (parsed[0] as { dev?: unknown; prefsrc?: unknown; gateway?: unknown } | undefined) : undefined;
  if (!first || typeof first.dev !== 'string') {
    throw new EnvError(`no route to ${dst}: add an address or route that reaches it.`);
  }
  if (typeof first.prefsrc !== 'string') {
    throw new EnvError(`the route to ${dst} via ${first.dev} has no source address: give ${first.dev} an ${FAMILY[familyOf(dst) ?? 4].name} address.`);
  }
  return { iface: first.dev, src: FAMILY[familyOf(dst) ?? 4].canonical(first.prefsrc), ...(typeof first.gateway === 'string' ? { gateway: first.gateway } : {}) };
}

/**
 * What a scenario that derives an address needs to know of the link: the prefix length of `src`
 * on `iface` (left out when `viaGateway`: the peer is not on this link) and our other addresses
 * of that family there (`ip -j addr show dev IFACE`). IPv6 link-local addresses are not counted.
 */
export async function linkFacts(iface: string, src: string, viaGateway: boolean): Promise<LinkFacts> {
  const family = familyOf(src) ?? 4;
  const fam = FAMILY[family];
  const parsed = await ipJson([fam.ipFlag, 'addr', 'show', 'dev', iface]);
  const entries: Array<{ address: string; prefix: number }> = [];
  for (const link of Array.isArray(parsed) ? (parsed as Array<{ addr_info?: ReadonlyArray<{ family?: unknown; local?: unknown; prefixlen?: unknown; scope?: unknown }> }>) : []) {
    for (const a of link.addr_info ?? []) {
      if (a.family !== fam.inet || typeof a.local !== 'string' || typeof a.prefixlen !== 'number' || a.scope === 'link') continue;
      entries.push({ address: fam.canonical(a.local), prefix: a.prefixlen });
    }
  }
  const own = entries.find((e) => e.address === fam.canonical(src));
  return { ...(own && !viaGateway ? { prefix: own.prefix } : {}), others: entries.filter((e) => e !== own) };
}

/**
 * The JSON `ip -j ARGV...` prints (an empty list when it prints nothing, as `route show` of no
 * route does); an EnvError naming the command when it fails or prints something else.
 */
export async function ipJson(argv: readonly string[]): Promise<unknown> {
  const r = await run('ip', ['-j', ...argv], { pkg: 'iproute2' });
  if (r.code !== 0) throw new EnvError(`'ip -j ${argv.join(' ')}' failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  try {
    return JSON.parse(r.stdout.trim() || '[]');
  } catch {
    throw new EnvError(`could not parse the output of 'ip -j ${argv.join(' ')}': ${r.stdout.slice(0, 200)}`);
  }
}

/** True when a network interface called `name` exists in the current network namespace. */
export async function interfaceExists(name: string): Promise<boolean> {
  const r = await run('ip', ['-j', 'link', 'show', 'dev', name], { pkg: 'iproute2' });
  return r.code === 0;
}

interface IpAddrEntry {
  readonly ifname?: unknown;
  readonly addr_info?: ReadonlyArray<{ readonly family?: unknown; readonly local?: unknown }>;
}

/**
 * Name of the interface that holds the IPv4 address `ip` (`ip -j addr show`), e.g. the one the
 * server role listens on for `--src`. Rejects with an {@link EnvError} naming the address when no
 * interface holds it.
 */
export async function interfaceWithAddress(ip: string): Promise<string> {
  const family = familyOf(ip);
  if (family === undefined) throw new UsageError(`'${ip}' is not an IPv4 or IPv6 address.`);
  const fam = FAMILY[family].ipFlag;
  const parsed = await ipJson([fam, 'addr', 'show']);
  for (const link of Array.isArray(parsed) ? (parsed as IpAddrEntry[]) : []) {
    if (typeof link.ifname !== 'string') continue;
    if ((link.addr_info ?? []).some((a) => a.family === FAMILY[family].inet && typeof a.local === 'string' && FAMILY[family].canonical(a.local) === FAMILY[family].canonical(ip))) return link.ifname;
  }
  throw new EnvError(`no interface holds the address ${ip}: pick an address listed by 'ip addr' (or add it with 'ip addr add ${ip}/PREFIX dev IFACE'), or run inside the lab with 'tcpcraft lab exec client -- ...'.`);
}

/** Next hop towards `dst` when leaving through `iface`: the gateway, or `dst` itself when on-link. */
export interface NextHop {
  /** Interface the packet leaves through (equals the `iface` asked for). */
  readonly iface: string;
  /** IPv4 address whose link-layer address the frame must carry (gateway or `dst`). */
  readonly via: string;
  /** True for a local (own) or loopback destination, which has no neighbour entry. */
  readonly local: boolean;
}

/**
 * Ask the kernel (`ip -j route get DST oif IFACE`) for the next hop towards `dst` through `iface`.
 * Rejects with an {@link EnvError} when `iface` does not reach `dst`.
 */
export async function nextHop(dst: string, iface: string): Promise<NextHop> {
  if (familyOf(dst) === undefined) throw new UsageError(`'${dst}' is not an IPv4 or IPv6 address.`);
  const r = await run('ip', ['-j', 'route', 'get', dst, 'oif', iface], { pkg: 'iproute2' });
  let first: { dev?: unknown; gateway?: unknown; type?: unknown } | undefined;
  if (r.code === 0) {
    try {
      const parsed: unknown = JSON.parse(r.stdout);
      first = Array.isArray(parsed) ? (parsed[0] as typeof first) : undefined;
    } catch {
      throw new EnvError(`could not parse the output of 'ip -j route get ${dst} oif ${iface}': ${r.stdout.slice(0, 200)}`);
    }
  }
  if (!first || typeof first.dev !== 'string') {
    const why = r.stderr.trim();
    throw new EnvError(`interface ${iface} has no route to ${dst}${why ? ` (${why})` : ''}: check 'ip route', or use the interface 'ip route get ${dst}' names.`);
  }
  const local = first.type === 'local' || first.dev === 'lo';
  return { iface: first.dev, via: typeof first.gateway === 'string' ? first.gateway : dst, local };
}

/**
 * The interface and our address for a run, from what the session plan asks (src/session/plan.ts).
 * Client role: the route to the peer (skipped when both interface and address are given). Server
 * role: our address (given, or the route's source towards the peer) and the interface holding it.
 * Throws an {@link EnvError} naming what is missing.
 */
export async function resolveRoute(q: RouteQuery): Promise<Route> {
  if (q.iface && !(await interfaceExists(q.iface))) {
    throw new EnvError(`interface '${q.iface}' does not exist here: see 'ip link', or run inside the lab with 'tcpcraft lab exec client -- ...'.`);
  }
  if (q.server) {
    const toPeer = q.peer ? await routeTo(q.peer) : undefined;
    const src = q.src ?? toPeer?.src;
    if (!src) throw new EnvError('the server role needs the address to answer on: give --src IP or --dst (or local.host / peer.host in the scenario).');
    const iface = q.iface ?? (await interfaceWithAddress(src));
    return { iface, src, ...(q.link ? { link: await linkFacts(iface, src, toPeer?.gateway !== undefined) } : {}) };
  }
  if (q.iface && q.src && !q.link) return { iface: q.iface, src: q.src };
  if (!q.peer) throw new EnvError("the client role needs the peer's address: give --dst (or peer.host in the scenario).");
  const r = await routeTo(q.peer);
  const iface = q.iface ?? r.iface;
  const src = q.src ?? r.src;
  return { iface, src, ...(q.link ? { link: await linkFacts(iface, src, r.gateway !== undefined) } : {}) };
}

const LAB_NETS = new BlockList();
LAB_NETS.addSubnet(LAB_ADDRESSES[4].net, LAB_ADDRESSES[4].bits, 'ipv4');
LAB_NETS.addSubnet(LAB_ADDRESSES[6].net, LAB_ADDRESSES[6].bits, 'ipv6');

/** True for an address of the lab's subnets (10.77.0.0/24, fd77::/64). */
export function isLabAddress(ip: string): boolean {
  const family = familyOf(ip);
  return family !== undefined && LAB_NETS.check(ip, FAMILY[family].node);
}

let initialNetns: boolean | undefined;

/**
 * True when this process provably runs in the same network namespace as PID 1 (the machine's
 * own), where no lab interface ever is. False when PID 1's namespace cannot be read. Worked out
 * once (before a drop of privileges, src/io/sandbox.ts: afterwards /proc/1 is not readable).
 */
export function inInitialNetns(): boolean {
  if (initialNetns === undefined) {
    try {
      initialNetns = readlinkSync('/proc/self/ns/net') === readlinkSync('/proc/1/ns/net');
    } catch {
      initialNetns = false;
    }
  }
  return initialNetns;
}

/** How a lab address is reached from here (`ip -j route get`): why it is not inside a lab, or undefined when it is. */
export function strayLabRoute(route: { readonly dev?: unknown; readonly gateway?: unknown; readonly type?: unknown }, initialNetns: boolean): string | undefined {
  if (route.type === 'local' || route.dev === 'lo') return undefined;
  const dev = typeof route.dev === 'string' ? route.dev : '?';
  if (typeof route.gateway === 'string') return `the route to it goes through the gateway ${route.gateway} on ${dev}`;
  if (initialNetns || !LAB_IFACE.test(dev)) return `the route to it goes out of ${dev}, which is not a lab interface`;
  return undefined;
}

/**
 * Refuses, before anything is sent, to talk to a lab address (10.77.0.0/24, fd77::/64) that the
 * route here does not keep inside a lab: through a gateway, or out of an interface the lab did
 * not make (the machine's own namespace has none). Without this, a lab scenario run outside the
 * lab would send its crafted segments to whatever host on the real network holds the address.
 * An address outside the lab's subnets is the user's own choice (`--dst`, a scenario's peer) and
 * is let through, gateway or not. Throws an {@link EnvError} naming the fix.
 */
export async function checkLabPeer(peer: string): Promise<void> {
  if (!isLabAddress(peer)) return;
  const r = await run('ip', ['-j', 'route', 'get', peer], { pkg: 'iproute2' });
  let first: { dev?: unknown; gateway?: unknown; type?: unknown } | undefined;
  try {
    const parsed: unknown = r.code === 0 ? JSON.parse(r.stdout) : undefined;
    first = Array.isArray(parsed) ? (parsed[0] as typeof first) : undefined;
  } catch {
    first = undefined;
  }
  // No route at all: nothing can leave; the route look-up of the run says so in its own words.
  if (!first) return;
  const why = strayLabRoute(first, inInitialNetns());
  if (why === undefined) return;
  throw new EnvError(
    `refusing to send to ${peer}: it is a lab address, but ${why}, so the segments would leave the lab. ` +
      `Bring the lab up ('tcpcraft lab up') and run inside it ('tcpcraft lab exec client -- tcpcraft ...'), or give --dst with the address of a device of your own.`,
  );
}
