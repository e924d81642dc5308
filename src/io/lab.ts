/**
 * The two-namespace lab: `${name}-client` and `${name}-server`, no default route, offloads off.
 * What answers in the server namespace is the lab's target (src/io/targets.ts): by default
 * (`linux`) a veth pair created directly inside the two namespaces (nothing appears in the root
 * namespace) and real servers on the server namespace's kernel:
 * - TCP 5000: `nc -lk -d -n SERVER 5000` (netcat-openbsd), received bytes appended to a file;
 *   it accepts connection after connection and closes right after the client's FIN, so the
 *   server's ACK of that FIN is merged into its FIN/ACK.
 * - TCP 13: lab/daytime.mjs, 22 bytes of UTC time of day per connection, then close.
 * - TCP 7 echo, 9 discard, 19 chargen (65536 bytes): lab/services.mjs, many connections at once,
 *   each closed when its client closes (for conformance tests and anything run in parallel).
 * State (server records, nc output, logs) lives in `/run/tcpcraft/<name>/`.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { familyOf } from '../wire/family.js';
import { delimiter, join } from 'node:path';
import { EnvError, UsageError } from '../errors.js';
import { run, runOk } from './exec.js';
import { DEFAULT_LAB_NAME, LAB_NAME, LAB_STATE_ROOT, LAB_ADDRESSES, LAB_SPARE_OFFSET, OFFLOADS_OFF } from '../lab/catalogue.js';
import { targetNamed } from './targets.js';
import type { LabConfig, LabHost, LabSide, ServerHandle, StartServerOptions, TargetName } from './labhost.js';

export { LAB_CHARGEN_PORT, LAB_DAYTIME_PORT, LAB_DISCARD_PORT, LAB_ECHO_PORT, LAB_NC_PORT, LAB_SERVER_LIFETIME_S } from './targets.js';
export { TARGET_NAMES, type LabConfig, type LabSide, type ServerHandle, type StartServerOptions, type TargetName } from './labhost.js';

/** What {@link labStatus} reports. */
export interface LabStatus {
  readonly name: string;
  readonly namespaces: Readonly<Record<LabSide, boolean>>;
  /** IPv4 addresses (CIDR) of the veth end in each namespace. */
  readonly addresses: Readonly<Record<LabSide, readonly string[]>>;
  readonly servers: ReadonlyArray<{ readonly name: string; readonly pid: number; readonly alive: boolean }>;
  /** The target the lab was brought up with, its stack and version (version only when up). */
  readonly target: TargetName;
  readonly stack: string;
  readonly version?: string;
  readonly up: boolean;
}

interface ServerRecord {
  readonly name: string;
  readonly pid: number;
  /** Field 22 of /proc/PID/stat, so a recycled PID is never killed. */
  readonly startTime: string;
  readonly argv: readonly string[];
}

/** Default lab settings. */
export const DEFAULT_LAB: LabConfig = Object.freeze({ name: DEFAULT_LAB_NAME, clientAddr: LAB_ADDRESSES[4].client, serverAddr: LAB_ADDRESSES[4].server, prefix: LAB_ADDRESSES[4].bits, target: 'linux' as TargetName });

const STATE_ROOT = LAB_STATE_ROOT;

/** Complete a partial config with {@link DEFAULT_LAB} and validate it. */
export function labConfig(partial: Readonly<Partial<LabConfig>> = {}): LabConfig {
  const cfg: LabConfig = Object.freeze({ ...DEFAULT_LAB, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) });
  if (!LAB_NAME.test(cfg.name)) {
    throw new UsageError(`lab name '${cfg.name}' is invalid: use 1 to 13 characters among a-z, 0-9 and _ (interface names are limited to 15).`);
  }
  for (const [k, v] of [['client address', cfg.clientAddr], ['server address', cfg.serverAddr]] as const) {
    if (familyOf(v) !== 4) throw new UsageError(`lab ${k} '${v}' is not an IPv4 address.`);
  }
  if (!Number.isInteger(cfg.prefix) || cfg.prefix < 8 || cfg.prefix > 30) throw new UsageError(`lab prefix /${cfg.prefix} is invalid: use 8 to 30.`);
  if (cfg.clientAddr === cfg.serverAddr) throw new UsageError(`lab client and server addresses are both ${cfg.clientAddr}: use two addresses.`);
  if (cfg.impair !== undefined && cfg.target !== 'reference') throw new UsageError(`--impair is for the reference target only (it loses and reorders frames itself); lab target ${cfg.target} has none.`);
  targetNamed(cfg.target).check(cfg);
  return cfg;
}

/**
 * A second address of the client side (the client's last octet + 200, default 10.77.0.201), for
 * scenarios that leave state in the target tied to the peer's address (a cached path MTU, say),
 * so that the other scenarios, sent from the main client address, do not see it.
 */
export function labSpareAddr(cfg: LabConfig): string {
  const parts = cfg.clientAddr.split('.').map(Number);
  parts[3] = (parts[3]! + LAB_SPARE_OFFSET) % 256;
  return parts.join('.');
}

/** Network namespace names of the lab. */
export function labNamespaces(cfg: LabConfig): Readonly<Record<LabSide, string>> {
  return { client: `${cfg.name}-client`, server: `${cfg.name}-server` };
}

/** Veth interface names (<= 15 characters) inside the client and server namespaces. */
export function labIfaces(cfg: LabConfig): Readonly<Record<LabSide, string>> {
  return { client: `${cfg.name}-c`, server: `${cfg.name}-s` };
}

/** State directory of the lab (server records, nc output, logs). */
export function labStateDir(cfg: LabConfig): string {
  return join(STATE_ROOT, cfg.name);
}

/** argv that runs `argv` inside one side of the lab: `ip netns exec NS ...argv`. */
export function labExecArgv(cfg: LabConfig, side: LabSide, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', labNamespaces(cfg)[side], ...argv];
}

/** The target a lab was brought up with (recorded by {@link labUp}), or undefined when it is not up. */
export function recordedTarget(name: string): TargetName | undefined {
  try {
    const t = readFileSync(join(STATE_ROOT, name, 'target'), 'utf8').trim();
    return targetNamed(t).name;
  } catch {
    return undefined;
  }
}

/** Every byte the lab's nc on port 5000 has received since `lab up` (all connections, in order). */
export function labNcOutput(cfg: LabConfig): Buffer {
  // What the IPv4 nc got, then what the IPv6 one (the linux target's nc6) got.
  const files = ['nc.out', 'nc6.out'].map((n) => join(labStateDir(cfg), n)).filter((f) => existsSync(f));
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

function onPath(cmd: string): boolean {
  for (const dir of (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

/** Check privileges and tools before touching anything. */
function preflight(cmds: ReadonlyArray<readonly [string, string]>): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new EnvError('the lab needs root to create network namespaces: run it with sudo.');
  }
  for (const [cmd, pkg] of cmds) {
    if (cmd.startsWith('/')) {
      if (!existsSync(cmd)) throw new EnvError(`${cmd} is missing: install ${pkg}.`);
    } else if (!onPath(cmd)) throw new EnvError(`command '${cmd}' was not found: install ${pkg} (run 'make setup').`);
  }
}

async function namespaceExists(ns: string): Promise<boolean> {
  const r = await run('ip', ['-j', 'netns', 'list'], { pkg: 'iproute2' });
  if (r.code !== 0) return false;
  try {
    const list = JSON.parse(r.stdout || '[]') as Array<{ name?: string }>;
    return list.some((e) => e.name === ns);
  } catch {
    return false;
  }
}

async function inNs(ns: string, argv: readonly string[]) {
  return runOk('ip', ['netns', 'exec', ns, ...argv]);
}

function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function recordAlive(rec: ServerRecord): boolean {
  return procStartTime(rec.pid) === rec.startTime;
}

function readRecords(cfg: LabConfig): ServerRecord[] {
  const dir = labStateDir(cfg);
  if (!existsSync(dir)) return [];
  const out: ServerRecord[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.server.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as ServerRecord);
    } catch {
      // a torn record: ignore, the namespace deletion still stops the lab
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function killRecord(cfg: LabConfig, rec: ServerRecord): Promise<void> {
  const file = join(labStateDir(cfg), `${rec.name}.server.json`);
  if (recordAlive(rec)) {
    try {
      process.kill(-rec.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    for (let i = 0; i < 40 && recordAlive(rec); i++) await sleep(50);
    if (recordAlive(rec)) {
      try {
        process.kill(-rec.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      for (let i = 0; i < 40 && recordAlive(rec); i++) await sleep(50);
    }
  }
  rmSync(file, { force: true });
}

/**
 * Start `argv` as a daemon in the lab's server namespace, in its own process group, recorded in
 * the state dir so {@link labDown} stops it. Replaces a live server recorded under the same name.
 */
export async function startServer(cfg: LabConfig, name: string, argv: readonly string[], opts: StartServerOptions = {}): Promise<ServerHandle> {
  if (!/^[a-z0-9_-]{1,32}$/.test(name)) throw new UsageError(`server name '${name}' is invalid: use 1 to 32 characters among a-z, 0-9, _ and -.`);
  if (argv.length === 0) throw new UsageError(`server '${name}' has an empty command line.`);
  const ns = labNamespaces(cfg).server;
  if (!(await namespaceExists(ns))) throw new EnvError(`lab '${cfg.name}' is not up (namespace ${ns} is missing): run 'tcpcraft lab up --name ${cfg.name}' first.`);
  const dir = labStateDir(cfg);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const old of readRecords(cfg)) if (old.name === name) await killRecord(cfg, old);
  const outFile = opts.stdoutFile ?? join(dir, `${name}.out`);
  const outFd = openSync(outFile, 'a');
  const errFd = openSync(join(dir, `${name}.log`), 'a');
  const full = labExecArgv(cfg, 'server', argv);
  let pid: number | undefined;
  try {
    const child = spawn(full[0] as string, full.slice(1), { detached: true, stdio: ['ignore', outFd, errFd] });
    pid = child.pid;
    child.on('error', () => undefined);
    child.unref();
  } finally {
    closeSync(outFd);
    closeSync(errFd);
  }
  if (pid === undefined) throw new EnvError(`could not start server '${name}': ${full.join(' ')}`);
  const startTime = procStartTime(pid);
  if (startTime === undefined) {
    throw new EnvError(`server '${name}' exited at once: see ${join(dir, `${name}.log`)}`);
  }
  const rec: ServerRecord = { name, pid, startTime, argv: full };
  writeFileSync(join(dir, `${name}.server.json`), JSON.stringify(rec));
  if (opts.waitPort !== undefined || opts.waitOutput !== undefined) {
    let listening = false;
    const said = (): boolean => {
      try {
        return opts.waitOutput!.test(readFileSync(outFile, 'utf8')) || opts.waitOutput!.test(readFileSync(join(dir, `${name}.log`), 'utf8'));
      } catch {
        return false;
      }
    };
    for (let i = 0; i < (opts.waitMs ?? 5000) / 50 && !listening && recordAlive(rec); i++) {
      if (opts.waitOutput !== undefined) listening = said();
      else {
        const r = await run('ip', ['netns', 'exec', ns, 'ss', '-Hltn', `sport = :${opts.waitPort}`]);
        // With waitAddr, that address must be the one listening (another server may hold the port on another address).
        listening = r.code === 0 && r.stdout.trim() !== '' && (opts.waitAddr === undefined || r.stdout.includes(familyOf(opts.waitAddr) === 6 ? `[${opts.waitAddr}]:` : `${opts.waitAddr}:`));
      }
      if (!listening) await sleep(50);
    }
    if (!listening) {
      await killRecord(cfg, rec);
      let log = '';
      try {
        log = readFileSync(join(dir, `${name}.log`), 'utf8').trim().split('\n').slice(-3).join(' | ');
      } catch {
        // no log
      }
      const what = opts.waitOutput !== undefined ? `say it was ready (${opts.waitOutput.source})` : `listen on port ${opts.waitPort}`;
      throw new EnvError(`server '${name}' did not ${what} within ${(opts.waitMs ?? 5000) / 1000} s${log ? `: ${log}` : ''}`);
    }
  }
  let stopped: Promise<void> | undefined;
  return { name, pid, stop: () => (stopped ??= killRecord(cfg, rec)) };
}

/** What a target may do to the lab: the lab's own helpers, bound to `cfg`. */
function hostOf(cfg: LabConfig): LabHost {
  const ns = labNamespaces(cfg);
  const ifs = labIfaces(cfg);
  return {
    cfg,
    ns,
    ifs,
    stateDir: labStateDir(cfg),
    inNs: async (side, argv) => void (await inNs(ns[side], argv)),
    tryInNs: (side, argv) => run('ip', ['netns', 'exec', ns[side], ...argv]),
    async veth() {
      const hasVeth = (await run('ip', ['-n', ns.client, 'link', 'show', 'dev', ifs.client])).code === 0;
      if (!hasVeth) {
        // Created directly inside the namespaces: the pair never appears in the root namespace.
        await runOk('ip', ['link', 'add', ifs.client, 'netns', ns.client, 'type', 'veth', 'peer', 'name', ifs.server, 'netns', ns.server]);
      }
      await runOk('ip', ['-n', ns.server, 'link', 'set', ifs.server, 'up']);
      await inNs(ns.server, ['ethtool', '-K', ifs.server, ...OFFLOADS_OFF]);
    },
    async clientAddress() {
      await runOk('ip', ['-n', ns.client, 'addr', 'replace', `${cfg.clientAddr}/${cfg.prefix}`, 'dev', ifs.client]);
      await runOk('ip', ['-n', ns.client, 'addr', 'replace', `${labSpareAddr(cfg)}/${cfg.prefix}`, 'dev', ifs.client]);
      // IPv6 too, usable at once: duplicate address detection off (the lab owns the link).
      await runOk('ip', ['-n', ns.client, '-6', 'addr', 'replace', `${LAB_ADDRESSES[6].client}/${LAB_ADDRESSES[6].bits}`, 'dev', ifs.client, 'nodad']);
      // The spare is deprecated (preferred lifetime 0), so the kernel never picks it as a source of its
      // own (RFC 6724 rule 3), yet a scenario may still send from it.
      await runOk('ip', ['-n', ns.client, '-6', 'addr', 'replace', `${LAB_ADDRESSES[6].spare}/${LAB_ADDRESSES[6].bits}`, 'dev', ifs.client, 'nodad', 'preferred_lft', '0']);
      await runOk('ip', ['-n', ns.client, 'link', 'set', ifs.client, 'up']);
      await inNs(ns.client, ['ethtool', '-K', ifs.client, ...OFFLOADS_OFF]);
    },
    startServer: (name, argv, opts) => startServer(cfg, name, argv, opts),
    alive: () => new Set(readRecords(cfg).filter(recordAlive).map((r) => r.name)),
  };
}

/**
 * Bring the lab up with its target: namespaces, then whatever the target wires and starts (see
 * src/io/targets.ts). Idempotent: what already exists is kept, dead servers are restarted. A lab
 * that is up with another target must be taken down first.
 */
export async function labUp(cfg: LabConfig): Promise<LabStatus> {
  const target = targetNamed(cfg.target);
  preflight([['ip', 'iproute2'], ['timeout', 'coreutils'], ...target.needs]);
  const ns = labNamespaces(cfg);
  const before = recordedTarget(cfg.name);
  if (before !== undefined && before !== cfg.target && (await namespaceExists(ns.client))) {
    throw new EnvError(`lab '${cfg.name}' is up with target ${before}: take it down first ('tcpcraft lab down --name ${cfg.name}').`);
  }
  for (const side of ['client', 'server'] as const) {
    if (!(await namespaceExists(ns[side]))) await runOk('ip', ['netns', 'add', ns[side]]);
    await runOk('ip', ['-n', ns[side], 'link', 'set', 'lo', 'up']);
  }
  mkdirSync(labStateDir(cfg), { recursive: true, mode: 0o755 });
  writeFileSync(join(labStateDir(cfg), 'target'), `${cfg.target}\n`);
  await target.up(hostOf(cfg));
  return labStatus(cfg);
}

/** Tear the lab down: stop the recorded servers (only those PIDs), delete namespaces and state. Harmless if absent. */
export async function labDown(cfg: LabConfig): Promise<void> {
  preflight([['ip', 'iproute2']]);
  for (const rec of readRecords(cfg)) await killRecord(cfg, rec);
  const ns = labNamespaces(cfg);
  for (const side of ['client', 'server'] as const) {
    if (await namespaceExists(ns[side])) await runOk('ip', ['netns', 'del', ns[side]]);
  }
  rmSync(labStateDir(cfg), { recursive: true, force: true });
}

/** Report namespaces, addresses, servers and target of the lab; changes nothing. */
export async function labStatus(cfg: LabConfig): Promise<LabStatus> {
  const ns = labNamespaces(cfg);
  const ifs = labIfaces(cfg);
  const target = targetNamed(recordedTarget(cfg.name) ?? cfg.target);
  const namespaces = { client: await namespaceExists(ns.client), server: await namespaceExists(ns.server) };
  const addresses: Record<LabSide, string[]> = { client: [], server: [] };
  for (const side of ['client', 'server'] as const) {
    if (!namespaces[side]) continue;
    const r = await run('ip', ['-n', ns[side], '-j', 'addr', 'show', 'dev', ifs[side]]);
    if (r.code !== 0) continue;
    try {
      const list = JSON.parse(r.stdout) as Array<{ addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }> }>;
      // IPv4 and global or unique-local IPv6 addresses (not the link-local fe80::/10).
      addresses[side] = list.flatMap((l) => (l.addr_info ?? []).filter((a) => a.family === 'inet' || (a.family === 'inet6' && !/^fe[89ab]/i.test(a.local ?? ''))).map((a) => `${a.local}/${a.prefixlen}`));
    } catch {
      // leave empty
    }
  }
  const servers = readRecords(cfg).map((r) => ({ name: r.name, pid: r.pid, alive: recordAlive(r) }));
  const want = (n: string) => servers.some((s) => s.name === n && s.alive);
  const up =
    namespaces.client && namespaces.server &&
    addresses.client.includes(`${cfg.clientAddr}/${cfg.prefix}`) &&
    (!target.kernelServer || addresses.server.includes(`${cfg.serverAddr}/${cfg.prefix}`)) &&
    target.servers.every(want);
  const version = up ? await target.version(hostOf(cfg)) : undefined;
  return { name: cfg.name, namespaces, addresses, servers, target: target.name, stack: target.stack, ...(version ? { version } : {}), up };
}
