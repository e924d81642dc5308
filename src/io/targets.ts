/**
 * Lab targets: the TCP stack on the server side of the lab. Each target serves the lab's services
 * on the usual ports of the server address (sink 5000, daytime 13 with 22 bytes, echo 7, discard
 * 9, chargen 19, nothing on 5999), reports its name and version, and leaves nothing behind once
 * its namespaces are deleted and its recorded processes stopped; scenarios never know which one
 * they talk to.
 *
 * - `linux`: the host kernel's TCP in the server namespace (veth, the lab's original shape).
 * - `lwip`: lwIP 2.1.3 (Debian liblwip-dev, its unix port) in `lab/lwip/lwip-lab.c`, on a tap
 *   bridged to the veth in the server namespace, whose kernel has no address on the lab subnet.
 * - `linux-uml`: Linux 6.1 as a process (Debian user-mode-linux), the host's file system as its
 *   read-only root, its vector interface on a tap bridged to the veth (`lab/uml/init.sh` is its
 *   init, running the lab's services on that kernel).
 * - `gvisor`: gVisor's netstack (Debian runsc, ptrace platform, no cgroups): the lab's services run
 *   in a sandbox that joins the server namespace and takes over its veth and address
 *   (`lab/gvisor/runsc.sh` says how runsc is made to accept that namespace).
 * - `slirp`: libslirp (QEMU/podman user networking) through slirp4netns. Its tap is the client
 *   namespace's only interface; slirp's own TCP answers for the server address (the gateway of
 *   its subnet) and forwards each connection to the services on 127.0.0.1 of the server
 *   namespace, which has no other interface: nothing it opens can leave the lab.
 */
import { LAB_ADDRESSES, LAB_PORTS, labServices, OFFLOADS_OFF, type LabFamily } from '../lab/catalogue.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { PUPPET_SOCKET } from '../lab/puppet.js';
import { TARGET_NAMES, type LabConfig, type LabHost, type TargetName } from './labhost.js';
import { EnvError, UsageError } from '../errors.js';
import { run } from './exec.js';
import { ipJson } from './route.js';
import { VERSION } from '../version.js';
import { parseImpairment } from '../reference/impair.js';

export { TARGET_NAMES, type LabHost, type TargetName } from './labhost.js';

/** One target. */
export interface LabTarget {
  readonly name: TargetName;
  /** The stack's name as people know it. */
  readonly stack: string;
  /** Commands (or files) it needs, with the Debian package or make target that provides each. */
  readonly needs: ReadonlyArray<readonly [string, string]>;
  /** Recorded servers that must be alive for the lab to be up. */
  readonly servers: readonly string[];
  /** True when the server namespace's kernel holds the server address (only `linux`). */
  readonly kernelServer: boolean;
  /** The IP families its services answer on (the lab catalogue's addresses of each). */
  readonly families: readonly LabFamily[];
  /**
   * Why its application cannot open a connection to the lab's client (`app('connect')`), if it
   * cannot; scenarios that need it are then N/A there.
   */
  readonly noConnect?: string;
  /** Checks a config this target can serve (throws a UsageError saying why not). */
  check(cfg: LabConfig): void;
  /** Wires the lab (its namespaces exist) and starts the services; harmless when already done. */
  up(host: LabHost): Promise<void>;
  /** Name and version of the stack, e.g. `Linux 6.1.0-21-amd64`, `lwIP 2.1.3`. */
  version(host: LabHost): Promise<string>;
}

/** Lifetime bound of the lab's servers, in seconds (12 h); `lab down` normally stops them first. */
export const LAB_SERVER_LIFETIME_S = 43200;
export const LAB_NC_PORT = LAB_PORTS.nc;
export const LAB_DAYTIME_PORT = LAB_PORTS.daytime;
export const LAB_ECHO_PORT = LAB_PORTS.echo;
export const LAB_DISCARD_PORT = LAB_PORTS.discard;
export const LAB_CHARGEN_PORT = LAB_PORTS.chargen;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAB_DIR = join(ROOT, 'lab');
/** The lwIP lab server, compiled by `make setup` (Makefile target build/lwip-lab). */
export const LWIP_LAB_BINARY = join(ROOT, 'build', 'lwip-lab');

const lifetime = String(LAB_SERVER_LIFETIME_S);

/** The puppet application for stacks that run Linux binaries (lab/puppet.c, compiled by `make setup`). */
export const PUPPET_BINARY = join(ROOT, 'build', 'lab-puppet');

/**
 * Starts the lab's puppet relay (lab/puppet-relay.mjs) in the server namespace, talking to a
 * puppet over `transport` (`spawn PROGRAM ARG...` or `fifo IN OUT`, see the relay). Without the
 * compiled puppet the lab has no application to drive, and scenarios that need one are N/A.
 */
async function startPuppet(host: LabHost, transport: readonly string[]): Promise<void> {
  if (host.alive().has('puppet')) return;
  if (transport[0] === 'spawn' && transport.includes(PUPPET_BINARY) && !existsSync(PUPPET_BINARY)) return;
  await host.startServer('puppet', [process.execPath, join(LAB_DIR, 'puppet-relay.mjs'), join(host.stateDir, PUPPET_SOCKET), lifetime, ...transport], { waitOutput: /puppet-relay: ready/, waitMs: 15_000 });
}

/**
 * {@link startPuppet}, but a puppet that does not come up leaves the lab up without one (its
 * app() scenarios are then N/A, as the warning says) rather than failing the whole lab.
 */
async function optionalPuppet(host: LabHost, transport: readonly string[]): Promise<void> {
  try {
    await startPuppet(host, transport);
  } catch (err) {
    process.stderr.write(`tcpcraft: lab ${host.cfg.name}: its puppet did not start (${(err as Error).message.split('\n')[0]}): app() scenarios will be N/A there\n`);
  }
}

/**
 * The two named pipes (requests in, replies out) between the relay and a target that is its own
 * puppet (lwip-lab, reference-lab), in the lab's state directory: made when missing.
 */
async function puppetFifos(host: LabHost): Promise<readonly [string, string]> {
  const fifos = [join(host.stateDir, 'puppet-in.fifo'), join(host.stateDir, 'puppet-out.fifo')] as const;
  for (const f of fifos) if (!existsSync(f)) await host.inNs('server', ['mkfifo', '-m', '600', f]);
  return fifos;
}

/** The puppet as a child of the relay, on the kernel of the namespace the relay runs in. */
const puppetChild = (stack: string, ...flags: string[]): string[] => ['spawn', PUPPET_BINARY, ...flags, '--stack', stack, '--lifetime', lifetime];

/** What the server's routes on the lab link may say for the TCP connections over them. */
export interface ServerRouteAttrs {
  /** The congestion control algorithm (the route's congctl). */
  readonly congctl?: string;
  /** The initial congestion window, in segments (the route's initcwnd). */
  readonly initcwnd?: number;
}

/**
 * Sets `attrs` on the routes of the lab link in the server namespace `ns` (device `dev`; IPv4 and
 * IPv6, not link-local), keeping what they already say: a route carries its congestion control
 * and initial window, so that both can be changed without a sysctl of the host's. Throws an
 * EnvError naming the command that failed.
 */
export async function setServerRoutes(ns: string, dev: string, attrs: ServerRouteAttrs): Promise<void> {
  for (const fam of ['-4', '-6']) {
    const shown = await ipJson(['-n', ns, fam, 'route', 'show', 'dev', dev, 'proto', 'kernel']);
    const routes = (Array.isArray(shown) ? shown : []) as Array<{ dst?: unknown; metric?: unknown; metrics?: Array<Record<string, unknown>> }>;
    for (const route of routes) {
      if (typeof route.dst !== 'string' || route.dst.startsWith('fe80')) continue;
      const had = Object.assign({}, ...(route.metrics ?? [])) as { congestion?: unknown; initcwnd?: unknown };
      const congctl = attrs.congctl ?? (typeof had.congestion === 'string' ? had.congestion : undefined);
      const initcwnd = attrs.initcwnd ?? (typeof had.initcwnd === 'number' ? had.initcwnd : undefined);
      const argv = ['-n', ns, fam, 'route', 'change', route.dst, 'dev', dev, 'proto', 'kernel', ...(typeof route.metric === 'number' ? ['metric', String(route.metric)] : []), ...(congctl ? ['congctl', congctl] : []), ...(initcwnd !== undefined ? ['initcwnd', String(initcwnd)] : [])];
      const c = await run('ip', argv, { pkg: 'iproute2' });
      if (c.code !== 0) throw new EnvError(`'ip ${argv.join(' ')}' failed: ${c.stderr.trim() || `exit ${c.code}`}`);
    }
  }
}

/**
 * The nc sink, the daytime service and echo/discard/chargen on the server namespace's kernel, at
 * `addr`; with `addr6`, the same services at that IPv6 address too (nc's IPv6 twin is `nc6`,
 * writing nc6.out).
 */
async function kernelServices(host: LabHost, addr: string, addr6?: string): Promise<void> {
  // Shortened timers, so that scenarios about them run in seconds (per namespace, never the
  // host's): keep-alive probes 1 s apart once started (only sockets that ask for keep-alives,
  // i.e. the 2009 service, send any), and give up on unacknowledged data after 5 backed-off
  // retransmissions (about 13 s from a 200 ms RTO) instead of 15. And source-routed packets are
  // taken (Linux's default drops them), so that the RFC 9293 source-route rows can be tested; and
  // TCP Fast Open is allowed for servers too (bit 2; only listeners that ask for it, the lab's
  // 2014, use it). See scenarios/conformance/README.md.
  await host.inNs('server', ['sysctl', '-qw', 'net.ipv4.tcp_keepalive_intvl=1', 'net.ipv4.tcp_retries2=5', 'net.ipv4.conf.all.accept_source_route=1', 'net.ipv4.tcp_fastopen=3']);
  const live = host.alive();
  const hosts = addr6 !== undefined ? `${addr},${addr6}` : addr;
  const services = labServices(process.execPath, LAB_DIR, hosts, lifetime);
  if (!live.has('nc')) {
    await host.startServer('nc', ['timeout', '-k', '5', lifetime, ...labServices(process.execPath, LAB_DIR, addr, lifetime).nc], {
      stdoutFile: join(host.stateDir, 'nc.out'),
      waitPort: LAB_NC_PORT,
    });
  }
  if (addr6 !== undefined && !live.has('nc6')) {
    await host.startServer('nc6', ['timeout', '-k', '5', lifetime, ...labServices(process.execPath, LAB_DIR, addr6, lifetime).nc], {
      stdoutFile: join(host.stateDir, 'nc6.out'),
      waitPort: LAB_NC_PORT,
      waitAddr: addr6,
    });
  }
  if (!live.has('daytime')) {
    await host.startServer('daytime', [...services.daytime], { waitPort: LAB_DAYTIME_PORT, ...(addr6 ? { waitAddr: addr6 } : {}) });
  }
  if (!live.has('services')) {
    await host.startServer('services', [...services.services], { waitPort: LAB_CHARGEN_PORT, ...(addr6 ? { waitAddr: addr6 } : {}) });
  }
}

/** The kernel release of this machine (the `linux` target's stack). */
async function kernelVersion(host: LabHost): Promise<string> {
  const r = await host.tryInNs('server', ['uname', '-r']);
  return `Linux ${r.stdout.trim() || 'unknown'}`;
}

const IFACE_UP = ['link', 'set'] as const;

/** `a.b.c.d/len` of the network holding `addr`. */
function networkOf(addr: string, prefix: number): { network: string; second: string } {
  const n = addr.split('.').reduce((v, o) => ((v << 8) | Number(o)) >>> 0, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const net = (n & mask) >>> 0;
  const text = (v: number) => [24, 16, 8, 0].map((s) => (v >>> s) & 0xff).join('.');
  return { network: text(net), second: text((net + 2) >>> 0) };
}

/** The dotted mask of a prefix length. */
function maskOf(prefix: number): string {
  const m = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 0xff).join('.');
}

const linux: LabTarget = {
  name: 'linux',
  stack: 'Linux',
  needs: [['nc', 'netcat-openbsd'], ['ethtool', 'ethtool'], ['ss', 'iproute2']],
  servers: ['nc', 'nc6', 'daytime', 'services'],
  kernelServer: true,
  families: [4, 6],
  check: () => undefined,
  async up(host) {
    await host.veth();
    await host.clientAddress();
    await host.inNs('server', ['ip', 'addr', 'replace', `${host.cfg.serverAddr}/${host.cfg.prefix}`, 'dev', host.ifs.server]);
    const six = linux.families.includes(6) ? LAB_ADDRESSES[6].server : undefined;
    if (six) await host.inNs('server', ['ip', '-6', 'addr', 'replace', `${six}/${LAB_ADDRESSES[6].bits}`, 'dev', host.ifs.server, 'nodad']);
    // The kernel's own default congestion control, CUBIC, whatever the host's sysctl chose (a
    // namespace inherits it; BBR, say, is no RFC algorithm): set on the routes, which needs no
    // change to the host's list of allowed algorithms.
    await setServerRoutes(host.ns.server, host.ifs.server, { congctl: 'cubic' });
    await kernelServices(host, host.cfg.serverAddr, six);
    await optionalPuppet(host, puppetChild('linux'));
  },
  version: kernelVersion,
};

/** The OCI bundle of the gvisor target: the host's root read-only, the lab's services as the container's process. */
function gvisorBundle(host: LabHost): unknown {
  const addr = host.cfg.serverAddr;
  // Paths reach the shell as its positional parameters, never inside the script's text (the
  // checkout may live anywhere); the address, ports and lifetime are validated numbers and addresses.
  const script = [
    `nc -lk -d -n ${addr} ${LAB_NC_PORT} >> "$1" &`,
    `node "$2" ${addr} ${LAB_DAYTIME_PORT} ${lifetime} &`,
    `exec node "$3" ${addr} ${lifetime}`,
  ].join(' ');
  const args = ['/bin/sh', '-c', script, 'sh', join(host.stateDir, 'nc.out'), join(LAB_DIR, 'daytime.mjs'), join(LAB_DIR, 'services.mjs')];
  return {
    ociVersion: '1.0.0',
    process: { user: { uid: 0, gid: 0 }, args, env: [`PATH=${process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'}`], cwd: '/', terminal: false },
    root: { path: '/', readonly: true },
    hostname: 'tcpcraft-gvisor',
    // Nothing is mounted over /tmp or the checkout: lab/ (and the services) may live there.
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      // The sink's file is the lab's: `lab received` reads it from outside.
      { destination: host.stateDir, type: 'bind', source: host.stateDir, options: ['rbind', 'rw'] },
    ],
    linux: { namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network', path: `/run/netns/${host.ns.server}` }] },
  };
}

/**
 * The veth, the client's address, and a tap in the server namespace bridged to the veth: the
 * wiring of stacks that speak Ethernet frames from a process. Returns the tap's name.
 */
async function tapBridge(host: LabHost): Promise<string> {
  await host.veth();
  await host.clientAddress();
  const tap = `${host.cfg.name}-t`;
  const bridge = `${host.cfg.name}-b`;
  if ((await host.tryInNs('server', ['ip', 'link', 'show', 'dev', tap])).code !== 0) {
    await host.inNs('server', ['ip', 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    await host.inNs('server', ['ip', 'link', 'add', bridge, 'type', 'bridge']);
    await host.inNs('server', ['ip', ...IFACE_UP, tap, 'master', bridge]);
    await host.inNs('server', ['ip', ...IFACE_UP, host.ifs.server, 'master', bridge]);
  }
  for (const dev of [tap, bridge]) await host.inNs('server', ['ip', ...IFACE_UP, dev, 'up']);
  await host.inNs('server', ['ethtool', '-K', tap, ...OFFLOADS_OFF]).catch(() => undefined);
  return tap;
}

const uml: LabTarget = {
  name: 'linux-uml',
  stack: 'Linux (user-mode)',
  needs: [['linux.uml', 'user-mode-linux'], ['nc', 'netcat-openbsd'], ['ethtool', 'ethtool']],
  servers: ['uml'],
  kernelServer: false,
  families: [4],
  check: () => undefined,
  async up(host) {
    const tap = await tapBridge(host);
    if (host.alive().has('uml')) return;
    // The kernel's command line splits at white space and knows no quoting.
    for (const path of [LAB_DIR, host.stateDir]) {
      if (/[\s"'\\]/.test(path)) throw new EnvError(`the linux-uml target cannot start from ${path}: a path with spaces or quotes cannot go on a kernel command line; use a checkout whose path has none.`);
    }
    // The puppet talks over the kernel's second console line (con1, /dev/tty1 inside), which UML
    // makes a pseudo-terminal outside: the relay's other end.
    const puppet = existsSync(PUPPET_BINARY);
    const argv = [
      'timeout', '-k', '5', lifetime,
      'linux.uml', 'mem=256M', 'rootfstype=hostfs', 'rootflags=/', 'ro', `init=${join(LAB_DIR, 'uml', 'init.sh')}`,
      `vec0:transport=tap,ifname=${tap}`, 'con=null', 'con0=null,fd:1', ...(puppet ? ['con1=pts', `tcpcraft_puppet=${PUPPET_BINARY}`] : []),
      `tcpcraft_addr=${host.cfg.serverAddr}/${host.cfg.prefix}`, `tcpcraft_state=${host.stateDir}`, `tcpcraft_lab=${LAB_DIR}`, `tcpcraft_life=${lifetime}`,
    ];
    await host.startServer('uml', argv, { waitOutput: /(?=[\s\S]*daytime: listening)(?=[\s\S]*services: listening)/, waitMs: 30_000 });
    // The relay finds the pseudo-terminal UML gave the puppet's console line in the kernel's log,
    // and holds it open (raw) from then on: nothing else may open and close it, or UML hangs up.
    if (puppet) await optionalPuppet(host, ['console', join(host.stateDir, 'uml.out')]);
  },
  async version(host) {
    const r = await host.tryInNs('server', ['linux.uml', '--version']);
    return `Linux ${r.stdout.trim() || 'unknown'} (UML)`;
  },
};

const gvisor: LabTarget = {
  name: 'gvisor',
  stack: 'gVisor netstack',
  needs: [['runsc', 'runsc'], ['unshare', 'util-linux'], ['nc', 'netcat-openbsd'], ['ethtool', 'ethtool']],
  servers: ['gvisor'],
  kernelServer: false,
  families: [4],
  check: () => undefined,
  async up(host) {
    await host.veth();
    await host.clientAddress();
    if (host.alive().has('gvisor')) return;
    // The sandbox copies the namespace's address and routes into netstack and removes them from the veth.
    await host.inNs('server', ['ip', 'addr', 'replace', `${host.cfg.serverAddr}/${host.cfg.prefix}`, 'dev', host.ifs.server]);
    const dir = join(host.stateDir, 'gvisor');
    mkdirSync(join(dir, 'bundle'), { recursive: true });
    writeFileSync(join(dir, 'bundle', 'config.json'), JSON.stringify(gvisorBundle(host), null, 1));
    await host.startServer('gvisor', ['unshare', '-m', '--propagation', 'private', 'sh', join(LAB_DIR, 'gvisor', 'runsc.sh'), dir, `tcpcraft-${host.cfg.name}`, lifetime], {
      waitOutput: /(?=[\s\S]*daytime: listening)(?=[\s\S]*services: listening)/,
      waitMs: 20_000,
    });
    // The puppet runs in the sandbox, beside the services (runsc exec), its stdin and stdout
    // piped to the relay outside: its socket calls go to netstack.
    if (existsSync(PUPPET_BINARY)) await optionalPuppet(host, ['spawn', 'runsc', '--root', join(dir, 'runsc'), 'exec', `tcpcraft-${host.cfg.name}`, ...puppetChild('gvisor').slice(1)]);
  },
  async version(host) {
    const r = await host.tryInNs('server', ['runsc', '--version']);
    return `gVisor ${/runsc version (?:0\.0~)?(\d+)/.exec(r.stdout)?.[1] ?? 'unknown'}`;
  },
};

const lwip: LabTarget = {
  name: 'lwip',
  stack: 'lwIP',
  needs: [['ethtool', 'ethtool'], [LWIP_LAB_BINARY, "liblwip-dev and build it: run 'make setup' (it compiles build/lwip-lab)"]],
  servers: ['lwip'],
  kernelServer: false,
  families: [4],
  check: () => undefined,
  async up(host) {
    const tap = await tapBridge(host);
    // lwip-lab is its own puppet (lwIP's raw API), over two named pipes the relay holds the other ends of.
    const [fifoIn, fifoOut] = await puppetFifos(host);
    if (!host.alive().has('lwip')) {
      await host.startServer('lwip', ['env', `PRECONFIGURED_TAPIF=${tap}`, LWIP_LAB_BINARY, host.cfg.serverAddr, maskOf(host.cfg.prefix), join(host.stateDir, 'nc.out'), lifetime, fifoIn, fifoOut], {
        waitOutput: /lwip-lab: ready/,
      });
    }
    await optionalPuppet(host, ['fifo', fifoIn, fifoOut]);
  },
  async version(host) {
    const r = await host.tryInNs('server', ['dpkg-query', '-W', '-f', '${Version}', 'liblwip0']);
    return `lwIP ${r.code === 0 ? r.stdout.trim().replace(/\+.*$/, '') : 'unknown'}`;
  },
};

const slirp: LabTarget = {
  name: 'slirp',
  stack: 'libslirp',
  needs: [['slirp4netns', 'slirp4netns'], ['nc', 'netcat-openbsd'], ['ethtool', 'ethtool'], ['ss', 'iproute2']],
  servers: ['nc', 'daytime', 'services', 'slirp'],
  kernelServer: false,
  families: [4],
  noConnect: "slirp only forwards connections its guest (the lab's client) opens; its host side has no route to the client",
  check(cfg) {
    const { second } = networkOf(cfg.serverAddr, cfg.prefix);
    if (cfg.serverAddr !== second) throw new UsageError(`the slirp target answers on the second address of its subnet (${second} for ${cfg.serverAddr}/${cfg.prefix}): use --server-addr ${second}.`);
  },
  async up(host) {
    // The services listen on the server namespace's loopback, where slirp forwards connections.
    await host.inNs('server', ['ip', 'link', 'set', 'lo', 'up']);
    await kernelServices(host, '127.0.0.1');
    if (!host.alive().has('slirp')) {
      const { network } = networkOf(host.cfg.serverAddr, host.cfg.prefix);
      await host.startServer('slirp', ['timeout', '-k', '5', lifetime, 'slirp4netns', '--netns-type=path', `--cidr=${network}/${host.cfg.prefix}`, '--disable-dns', `/run/netns/${host.ns.client}`, host.ifs.client], {
        waitOutput: /received tapfd/,
      });
    }
    await host.clientAddress();
    // slirp hands each connection on to the loopback of the server namespace: the puppet listens there.
    await optionalPuppet(host, puppetChild('slirp', '--bind-any'));
  },
  async version(host) {
    const r = await host.tryInNs('server', ['slirp4netns', '--version']);
    const lib = /libslirp:\s*(\S+)/.exec(r.stdout)?.[1];
    return `libslirp ${lib ?? 'unknown'}`;
  },
};

/** Hands the tap to lab/reference-lab.mjs as fd 3 (lab/tap-exec.c, compiled by `make setup`). */
export const TAP_EXEC_BINARY = join(ROOT, 'build', 'lab-tap-exec');
/** The link-layer address the reference stack uses on its tap (locally administered). */
export const REFERENCE_MAC = '02:77:00:00:00:02';

/**
 * tcpcraft's own RFC reference stack (src/reference/, issue 25) on a tap bridged to the lab's
 * link, in a Node process of the server namespace: real clients (nc, Linux, tcpcraft runs) reach
 * it at the lab's server addresses. Its puppet speaks over two named pipes, as lwip-lab's does.
 */
const reference: LabTarget = {
  name: 'reference',
  stack: 'tcpcraft reference',
  needs: [['ethtool', 'ethtool'], [TAP_EXEC_BINARY, "run 'make setup' (it compiles build/lab-tap-exec)"], [join(ROOT, 'dist', 'reference', 'index.js'), "run 'make build'"]],
  servers: ['reference'],
  kernelServer: false,
  families: [4, 6],
  check(cfg) {
    if (cfg.impair !== undefined) parseImpairment(cfg.impair);
  },
  async up(host) {
    const tap = await tapBridge(host);
    const [fifoIn, fifoOut] = await puppetFifos(host);
    if (!host.alive().has('reference')) {
      const impair = host.cfg.impair !== undefined ? ['--impair', host.cfg.impair] : [];
      const argv = [TAP_EXEC_BINARY, tap, process.execPath, join(LAB_DIR, 'reference-lab.mjs'), ...impair, `${host.cfg.serverAddr}/${host.cfg.prefix}`, LAB_ADDRESSES[6].server, REFERENCE_MAC, join(host.stateDir, 'nc.out'), lifetime, fifoIn, fifoOut];
      await host.startServer('reference', argv, { waitOutput: /reference-lab: ready/ });
    }
    await optionalPuppet(host, ['fifo', fifoIn, fifoOut]);
  },
  version: async () => `tcpcraft reference ${VERSION}`,
};

/** Every target by name. */
export const TARGETS: Readonly<Record<TargetName, LabTarget>> = { linux, 'linux-uml': uml, gvisor, lwip, slirp, reference };

/** The target called `name`, or a UsageError listing the names. */
export function targetNamed(name: string): LabTarget {
  if (!(TARGET_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown lab target '${name}': use one of ${TARGET_NAMES.join(', ')}.`);
  return TARGETS[name as TargetName];
}
