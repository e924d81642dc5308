/**
 * The kernel-RST guard.
 *
 * tcpcraft sends a SYN from a raw socket, so the local TCP stack has no socket for the flow; when
 * the peer's SYN/ACK arrives the local stack would answer it with a RST and kill the replay. The
 * guard drops the PEER's packets of this exact 4-tuple in nftables before the local stack sees
 * them. In the server role the client is not known in advance, so the peer may be a wildcard:
 * then every packet to LOCAL:LOCALPORT is dropped (the local stack would RST the client's SYN, as
 * nothing listens there), whatever its source; the rule stays scoped to that one address and port. libpcap still captures them: the packet taps run in __netif_receive_skb, before the
 * netfilter prerouting hook (verified by test/io/guard.test.ts). One nft table per guard:
 *
 *   table ip tcpcraft_<pid>_<n> {            (table ip6 ..., ip6 saddr/daddr for an IPv6 flow)
 *     chain peer_in {
 *       type filter hook prerouting priority raw; policy accept;
 *       ip saddr PEER ip daddr LOCAL tcp sport PEERPORT tcp dport LOCALPORT counter drop
 *     }   (the `ip saddr` / `tcp sport` matches are left out when the peer is a wildcard)
 *   }
 *
 * In the ip6 family nftables finds the TCP header behind any extension headers, so the rule
 * matches a peer that sends them.
 *
 * Why prerouting at priority raw (-300): it is the earliest IPv4 hook, before conntrack (-200)
 * and before any filter/input chain of the host, so no other rule can accept the packet first
 * and conntrack never creates state for a flow the stack does not own. It matches only inbound
 * packets of the flow, so RSTs that tcpcraft sends on purpose (output path) are never blocked.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { FAMILY, familyOf, type IpFamily } from '../wire/family.js';
import { EnvError, messageOf, UsageError } from '../errors.js';
import { run } from './exec.js';

/**
 * The flow to protect, seen from the local (tcpcraft) side. Leaving out `peerIp` and/or
 * `peerPort` matches any source address / port (server role: the client is not known yet).
 */
export interface GuardFlow {
  /** Local IPv4 address the peer's packets are sent to. */
  readonly localIp: string;
  /** Local TCP port the peer's packets are sent to. */
  readonly localPort: number;
  /** The peer's IPv4 address; absent: any source address. */
  readonly peerIp?: string;
  /** The peer's TCP port; absent: any source port. */
  readonly peerPort?: number;
}

/** The nftables family of a flow's table: `ip` for IPv4, `ip6` for IPv6. */
export type GuardFamily = 'ip' | 'ip6';

/** An installed guard. */
export interface Guard {
  /** Name of the nft table holding the rule, e.g. `tcpcraft_4242_17`. */
  readonly table: string;
  readonly family: GuardFamily;
  /** Delete the table. Idempotent: a table already gone is not an error. */
  remove(): Promise<void>;
}

/** Where the nft commands run. */
export interface GuardOptions {
  /** Run nft inside this network namespace (`ip netns exec NS nft ...`); default: current one. */
  readonly netns?: string;
  /**
   * The process the table is named after (`tcpcraft_<pid>_<n>`), which keeps it from being swept
   * while alive; default this one. The privileged helper names its tables after tcpcraft's PID.
   */
  readonly ownerPid?: number;
}

const TABLE_RE = /^tcpcraft_(\d+)_(\d+)$/;

function nftCommand(opts: GuardOptions): [string, string[]] {
  return opts.netns ? ['ip', ['netns', 'exec', opts.netns, 'nft']] : ['nft', []];
}

async function nft(args: readonly string[], opts: GuardOptions, input?: string) {
  const [cmd, prefix] = nftCommand(opts);
  const r = await run(cmd, [...prefix, ...args], { pkg: 'nftables', ...(input !== undefined ? { input } : {}) });
  if (opts.netns && r.code !== 0 && /exec.*nft.*No such file|execvp/i.test(r.stderr)) {
    throw new EnvError("command 'nft' was not found: install nftables (run 'make setup').");
  }
  return r;
}

/** Check that nft exists and we may use it, changing nothing. */
async function preflight(opts: GuardOptions): Promise<void> {
  const v = await nft(['--version'], opts);
  if (v.code !== 0) throw new EnvError(`nft does not run (${v.stderr.trim() || `exit ${v.code}`}): install nftables (run 'make setup').`);
  const l = await nft(['list', 'tables'], opts);
  if (l.code !== 0) {
    if (/not permitted|permission denied/i.test(l.stderr)) {
      throw new EnvError('tcpcraft needs root or CAP_NET_ADMIN to install its nftables guard: run it with sudo.');
    }
    throw new EnvError(`nft cannot list tables (${l.stderr.trim()}): check that the nf_tables kernel module is available.`);
  }
}

/** The family of `flow`'s table. */
export function guardFamily(flow: GuardFlow): GuardFamily {
  return FAMILY[familyOf(flow.localIp) ?? 4].nft;
}

function checkFlow(flow: GuardFlow): void {
  const family: IpFamily = typeof flow.localIp === 'string' && familyOf(flow.localIp) === 6 ? 6 : 4;
  for (const [k, v] of [['localIp', flow.localIp], ['peerIp', flow.peerIp]] as const) {
    if (k === 'peerIp' && v === undefined) continue;
    if (typeof v !== 'string' || familyOf(v) !== family) throw new UsageError(`guard ${k} '${String(v)}' is not an ${FAMILY[family].name} address${k === 'peerIp' ? ` (the local address ${flow.localIp} is)` : ''}.`);
  }
  for (const [k, v] of [['localPort', flow.localPort], ['peerPort', flow.peerPort]] as const) {
    if (k === 'peerPort' && v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw new UsageError(`guard ${k} ${String(v)} is not a TCP port (1..65535).`);
  }
}

/** The nft script that creates the guard table for `flow`; a missing peer address/port matches any (exported for documentation and tests). */
export function guardRuleset(table: string, flow: GuardFlow): string {
  // Rule text is made only of checked values: a table name of ours, addresses, port numbers.
  if (!TABLE_RE.test(table)) throw new UsageError(`'${table}' is not a tcpcraft guard table name.`);
  checkFlow(flow);
  const fam = guardFamily(flow);
  const match = [
    flow.peerIp !== undefined ? `${fam} saddr ${flow.peerIp}` : '',
    `${fam} daddr ${flow.localIp}`,
    flow.peerPort !== undefined ? `tcp sport ${flow.peerPort}` : '',
    `tcp dport ${flow.localPort}`,
  ].filter((m) => m !== '');
  return [
    `create table ${fam} ${table}`,
    `add chain ${fam} ${table} peer_in { type filter hook prerouting priority raw; policy accept; }`,
    `add rule ${fam} ${table} peer_in ${match.join(' ')} counter drop`,
    '',
  ].join('\n');
}

/**
 * Install a guard that drops the peer's packets of `flow` (any peer when `peerIp`/`peerPort` are
 * left out) before the local stack sees them.
 * Atomic (one nft transaction, one command). Throws an {@link EnvError}, having changed nothing,
 * when nft is missing or not permitted.
 */
export async function installGuard(flow: GuardFlow, opts: GuardOptions = {}): Promise<Guard> {
  checkFlow(flow);
  for (let attempt = 0; attempt < 5; attempt++) {
    const table = `tcpcraft_${opts.ownerPid ?? process.pid}_${randomInt(1, 2 ** 31)}`;
    const family = guardFamily(flow);
    // Tracked before nft runs: if the process exits (or nft is killed by a signal sent to the
    // whole process group) after the kernel took the table but before we heard of it, the exit
    // hook still deletes it.
    track(table, family, opts);
    const r = await nft(['-f', '-'], opts, guardRuleset(table, flow));
    if (r.code === 0) return makeGuard(table, family, opts);
    // Not installed, or installed and then nft was killed: make sure, then stop tracking it.
    await removeTable(table, family, opts).then(
      () => void live.delete(table),
      () => undefined,
    );
    if (!/exists/i.test(r.stderr)) {
      // Why (no permission, no nf_tables...) is worked out only now, keeping the usual path to one command.
      await preflight(opts);
      throw new EnvError(`installing the nftables guard ${table} failed: ${r.stderr.trim()}`);
    }
  }
  throw new EnvError('could not find a free nft table name for the guard after 5 attempts.');
}

/**
 * Every guard this process installed and has not removed yet. When the process exits with any of
 * them still there (an exit on a path that skipped its cleanup), the exit hook removes them
 * synchronously, so none outlives the process unless it is killed outright (SIGKILL: then
 * `tcpcraft cleanup`, or the next run's sweep, removes it).
 */
const live = new Map<string, GuardOptions & { readonly family: GuardFamily }>();
let exitHooked = false;

function removeLiveSync(): void {
  for (const [table, opts] of live) {
    const [cmd, prefix] = nftCommand(opts);
    spawnSync(cmd, [...prefix, 'delete', 'table', opts.family, table], { stdio: 'ignore', timeout: 3000 });
  }
  live.clear();
}

/** The guard tables this process has installed and not yet removed. */
export function liveGuards(): string[] {
  return [...live.keys()];
}

/**
 * Stop tracking every live guard without removing it (a forced exit, which says what it leaves:
 * `tcpcraft cleanup` removes them). Returns their names.
 */
export function abandonGuards(): string[] {
  const names = liveGuards();
  live.clear();
  return names;
}

/** Starts tracking `table` as live (the exit hook deletes what is still tracked). */
function track(table: string, family: GuardFamily, opts: GuardOptions): void {
  live.set(table, { ...opts, family });
  if (!exitHooked) {
    process.on('exit', removeLiveSync);
    exitHooked = true;
  }
}

function makeGuard(table: string, family: GuardFamily, opts: GuardOptions): Guard {
  track(table, family, opts);
  let removed: Promise<void> | undefined;
  return {
    table,
    family,
    remove() {
      removed ??= removeTable(table, family, opts).then(() => void live.delete(table));
      return removed;
    },
  };
}

async function removeTable(table: string, family: GuardFamily, opts: GuardOptions): Promise<void> {
  const r = await nft(['delete', 'table', family, table], opts);
  if (r.code !== 0 && !/No such file or directory|does not exist/i.test(r.stderr)) {
    throw new EnvError(`removing the nftables guard ${table} failed: ${r.stderr.trim()}`);
  }
}

/** Every tcpcraft guard table present now (families ip and ip6), with its family. */
async function guardTables(opts: GuardOptions): Promise<Array<{ readonly name: string; readonly family: GuardFamily }>> {
  const r = await nft(['-j', 'list', 'tables'], opts);
  if (r.code !== 0) {
    await preflight(opts);
    throw new EnvError(`nft -j list tables failed: ${r.stderr.trim()}`);
  }
  let parsed: { nftables?: Array<{ table?: { name?: string; family?: string } }> };
  try {
    parsed = JSON.parse(r.stdout) as typeof parsed;
  } catch (err) {
    throw new EnvError(`could not parse 'nft -j list tables': ${messageOf(err)}`);
  }
  return (parsed.nftables ?? []).flatMap((e) => {
    const name = e.table?.name;
    const family = e.table?.family;
    return name && TABLE_RE.test(name) && (family === 'ip' || family === 'ip6') ? [{ name, family }] : [];
  });
}

/** Names of all tcpcraft guard tables (families ip and ip6) present now. */
export async function listGuards(opts: GuardOptions = {}): Promise<string[]> {
  return (await guardTables(opts)).map((t) => t.name);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Remove every `tcpcraft_<pid>_*` table whose pid is not a live process; returns the names removed. */
export async function sweepGuards(opts: GuardOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  for (const { name, family } of await guardTables(opts)) {
    const pid = Number(TABLE_RE.exec(name)?.[1]);
    if (pid === process.pid || pid === opts.ownerPid || pidAlive(pid)) continue;
    await removeTable(name, family, opts);
    removed.push(name);
  }
  return removed;
}
