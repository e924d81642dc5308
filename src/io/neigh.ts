/**
 * Neighbour (ARP) look-ups through iproute2, for the link-layer sender (src/io/link.ts), which
 * writes whole Ethernet frames and so must know the destination MAC itself.
 *
 * Resolution sends no crafted traffic: when the kernel has no usable entry, one ordinary UDP
 * datagram (1 byte, to the discard port 9) is sent to the neighbour from a kernel UDP socket
 * bound to an address of the interface; the kernel then runs ARP as for any packet, and we poll
 * `ip -j neigh show` (bounded). The datagram only travels to the on-link neighbour itself.
 */
import { createSocket } from 'node:dgram';
import { FAMILY, familyOf, type IpFamily } from '../wire/family.js';
import { EnvError, messageOf, UsageError } from '../errors.js';
import { run } from './exec.js';
import { nextHop } from './route.js';

/** Options of {@link resolveMac}. */
export interface ResolveOptions {
  /** Give up after this many ms (default 2000). */
  readonly timeoutMs?: number;
  /** Poll `ip neigh` every this many ms (default 50). */
  readonly pollMs?: number;
  /** Local address the trigger datagram is sent from (default: the interface's first IPv4 address). */
  readonly localIp?: string;
}

/** States in which the kernel's link-layer address is trustworthy enough to address a frame. */
const USABLE = new Set(['REACHABLE', 'STALE', 'DELAY', 'PROBE', 'PERMANENT', 'NOARP']);

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The MAC of `ip` on `iface` from the kernel's neighbour table now, or undefined when none is usable. */
export async function lookupMac(iface: string, ip: string): Promise<string | undefined> {
  const r = await run('ip', ['-j', FAMILY[familyOf(ip) ?? 4].ipFlag, 'neigh', 'show', 'to', ip, 'dev', iface], { pkg: 'iproute2' });
  if (r.code !== 0) {
    if (/Cannot find device|does not exist/i.test(r.stderr)) {
      throw new EnvError(`interface ${iface} does not exist: check 'ip link', or run inside the lab with 'tcpcraft lab exec client -- ...'.`);
    }
    throw new EnvError(`'ip -j neigh show to ${ip} dev ${iface}' failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout || '[]');
  } catch {
    throw new EnvError(`could not parse the output of 'ip -j neigh show to ${ip} dev ${iface}': ${r.stdout.slice(0, 200)}`);
  }
  for (const e of Array.isArray(parsed) ? (parsed as Array<{ dst?: unknown; lladdr?: unknown; state?: unknown }>) : []) {
    if (e.dst !== ip || typeof e.lladdr !== 'string' || !MAC_RE.test(e.lladdr.toLowerCase())) continue;
    const states = Array.isArray(e.state) ? e.state.map(String) : [];
    if (states.some((s) => USABLE.has(s))) return e.lladdr.toLowerCase();
  }
  return undefined;
}

/** First address of `family` (for IPv6: global or unique-local) of `iface`, or undefined. */
async function firstAddress(iface: string, family: IpFamily = 4): Promise<string | undefined> {
  const r = await run('ip', ['-j', FAMILY[family].ipFlag, 'addr', 'show', 'dev', iface], { pkg: 'iproute2' });
  if (r.code !== 0) return undefined;
  try {
    const list = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ family?: unknown; local?: unknown }> }>;
    const a = list.flatMap((l) => l.addr_info ?? []).find((x) => x.family === FAMILY[family].inet && typeof x.local === 'string' && !(family === 6 && /^fe[89ab]/i.test(x.local)));
    return a?.local as string | undefined;
  } catch {
    return undefined;
  }
}

/** Send one byte to UDP port 9 (discard) of `ip` from `localIp`, so the kernel resolves `ip`; errors are ignored (best effort). */
async function nudge(ip: string, localIp: string | undefined): Promise<void> {
  const sock = createSocket(FAMILY[familyOf(ip) ?? 4].udp);
  try {
    await new Promise<void>((resolve) => {
      sock.once('error', () => resolve());
      sock.bind({ address: localIp, port: 0, exclusive: true }, () => {
        sock.send(Buffer.of(0), 9, ip, () => resolve());
      });
    });
  } finally {
    sock.close();
  }
}

/**
 * The MAC address (lower case, `aa:bb:cc:dd:ee:ff`) of the on-link neighbour `ip` on `iface`.
 * Reads the kernel's neighbour table; when there is no usable entry, makes the kernel resolve it
 * (see the module comment) and polls for at most `timeoutMs`. Rejects with an {@link EnvError}
 * naming the address and the fix when the neighbour does not answer.
 */
export async function resolveMac(iface: string, ip: string, opts: ResolveOptions = {}): Promise<string> {
  if (familyOf(ip) === undefined) throw new UsageError(`'${ip}' is not an IPv4 or IPv6 address.`);
  const timeoutMs = opts.timeoutMs ?? 2000;
  const pollMs = opts.pollMs ?? 50;
  const known = await lookupMac(iface, ip);
  if (known !== undefined) return known;
  const localIp = opts.localIp ?? (await firstAddress(iface, familyOf(ip) ?? 4));
  const deadline = Date.now() + timeoutMs;
  let nudged = 0;
  try {
    while (Date.now() < deadline) {
      // one nudge now and one more halfway, in case the first was lost
      if (nudged === 0 || (nudged === 1 && deadline - Date.now() < timeoutMs / 2)) {
        await nudge(ip, localIp);
        nudged++;
      }
      await sleep(pollMs);
      const mac = await lookupMac(iface, ip);
      if (mac !== undefined) return mac;
    }
  } catch (err) {
    if (err instanceof EnvError) throw err;
    throw new EnvError(`resolving the MAC address of ${ip} on ${iface} failed: ${messageOf(err)}`, { cause: err });
  }
  throw new EnvError(
    `${ip} did not answer ${FAMILY[familyOf(ip) ?? 4].neighbourProtocol} on ${iface} within ${timeoutMs} ms: check that it is up and on that link ('ip neigh show dev ${iface}'), or add its MAC with 'ip neigh replace ${ip} lladdr MAC dev ${iface}'.`,
  );
}

/**
 * Why nothing may have come back from `dst` through `iface`, when the kernel's neighbour table
 * knows: the next hop (the peer, or its gateway) has an INCOMPLETE or FAILED entry, so the
 * segments sent through the raw socket never left this host. Undefined when the entry looks fine,
 * the destination is local, or nothing can be said.
 */
export async function unresolvedNeighbour(dst: string, iface: string): Promise<string | undefined> {
  try {
    const hop = await nextHop(dst, iface);
    if (hop.local) return undefined;
    const r = await run('ip', ['-j', FAMILY[familyOf(hop.via) ?? 4].ipFlag, 'neigh', 'show', 'to', hop.via, 'dev', iface], { pkg: 'iproute2' });
    if (r.code !== 0) return undefined;
    const entries = JSON.parse(r.stdout || '[]') as Array<{ dst?: unknown; state?: unknown }>;
    const states = entries.filter((e) => e.dst === hop.via).flatMap((e) => (Array.isArray(e.state) ? e.state.map(String) : []));
    const bad = states.find((st) => st === 'INCOMPLETE' || st === 'FAILED');
    if (!bad) return undefined;
    const who = hop.via === dst ? dst : `the gateway ${hop.via}`;
    return `${who} did not answer ${FAMILY[familyOf(hop.via) ?? 4].neighbourProtocol} on ${iface} (its neighbour entry is ${bad}): the segments never left this host; check that ${dst} is up on that link`;
  } catch {
    return undefined;
  }
}
