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
 * - `slirp`: libslirp (QEMU/podman user networking) through slirp4netns. Its tap is the client
 *   namespace's only interface; slirp's own TCP answers for the server address (the gateway of
 *   its subnet) and forwards each connection to the services on 127.0.0.1 of the server
 *   namespace, which has no other interface: nothing it opens can leave the lab.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecResult } from './exec.js';
import type { LabConfig, LabSide, ServerHandle, StartServerOptions } from './lab.js';

/** The names `lab up --target` takes. */
export const TARGET_NAMES = ['linux', 'lwip', 'slirp'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** What a target may do to the lab (src/io/lab.ts provides it). */
export interface LabHost {
  readonly cfg: LabConfig;
  readonly ns: Readonly<Record<LabSide, string>>;
  readonly ifs: Readonly<Record<LabSide, string>>;
  readonly stateDir: string;
  /** Runs `argv` in one side of the lab; throws on failure. */
  inNs(side: LabSide, argv: readonly string[]): Promise<void>;
  /** Runs `argv` in one side of the lab and returns its result. */
  tryInNs(side: LabSide, argv: readonly string[]): Promise<ExecResult>;
  /** The veth pair between the namespaces (made if missing), both ends up, offloads off. */
  veth(): Promise<void>;
  /** The client side's address on its interface, the interface up, offloads off. */
  clientAddress(): Promise<void>;
  /** Starts a recorded server process in the server namespace (stopped by `lab down`). */
  startServer(name: string, argv: readonly string[], opts?: StartServerOptions): Promise<ServerHandle>;
  /** Names of the recorded servers that are alive now. */
  alive(): ReadonlySet<string>;
}

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
  /** Checks a config this target can serve (throws a RangeError saying why not). */
  check(cfg: LabConfig): void;
  /** Wires the lab (its namespaces exist) and starts the services; harmless when already done. */
  up(host: LabHost): Promise<void>;
  /** Name and version of the stack, e.g. `Linux 6.1.0-21-amd64`, `lwIP 2.1.3`. */
  version(host: LabHost): Promise<string>;
}

/** Lifetime bound of the lab's servers, in seconds (12 h); `lab down` normally stops them first. */
export const LAB_SERVER_LIFETIME_S = 43200;
export const LAB_NC_PORT = 5000;
export const LAB_DAYTIME_PORT = 13;
export const LAB_ECHO_PORT = 7;
export const LAB_DISCARD_PORT = 9;
export const LAB_CHARGEN_PORT = 19;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAB_DIR = join(ROOT, 'lab');
/** The lwIP lab server, compiled by `make setup` (Makefile target build/lwip-lab). */
export const LWIP_LAB_BINARY = join(ROOT, 'build', 'lwip-lab');

const lifetime = String(LAB_SERVER_LIFETIME_S);

/** The nc sink, the daytime service and echo/discard/chargen on the server namespace's kernel, at `addr`. */
async function kernelServices(host: LabHost, addr: string): Promise<void> {
  const live = host.alive();
  if (!live.has('nc')) {
    await host.startServer('nc', ['timeout', '-k', '5', lifetime, 'nc', '-lk', '-d', '-n', addr, String(LAB_NC_PORT)], {
      stdoutFile: join(host.stateDir, 'nc.out'),
      waitPort: LAB_NC_PORT,
    });
  }
  if (!live.has('daytime')) {
    await host.startServer('daytime', [process.execPath, join(LAB_DIR, 'daytime.mjs'), addr, String(LAB_DAYTIME_PORT), lifetime], { waitPort: LAB_DAYTIME_PORT });
  }
  if (!live.has('services')) {
    await host.startServer('services', [process.execPath, join(LAB_DIR, 'services.mjs'), addr, lifetime], { waitPort: LAB_CHARGEN_PORT });
  }
}

/** The kernel release of this machine (the `linux` target's stack). */
async function kernelVersion(host: LabHost): Promise<string> {
  const r = await host.tryInNs('server', ['uname', '-r']);
  return `Linux ${r.stdout.trim() || 'unknown'}`;
}

const IFACE_UP = ['link', 'set'] as const;
const OFFLOADS_OFF = ['tx', 'off', 'rx', 'off', 'tso', 'off', 'gso', 'off', 'gro', 'off'] as const;

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
  servers: ['nc', 'daytime', 'services'],
  kernelServer: true,
  check: () => undefined,
  async up(host) {
    await host.veth();
    await host.clientAddress();
    await host.inNs('server', ['ip', 'addr', 'replace', `${host.cfg.serverAddr}/${host.cfg.prefix}`, 'dev', host.ifs.server]);
    await kernelServices(host, host.cfg.serverAddr);
  },
  version: kernelVersion,
};

const lwip: LabTarget = {
  name: 'lwip',
  stack: 'lwIP',
  needs: [['ethtool', 'ethtool'], [LWIP_LAB_BINARY, "liblwip-dev and build it: run 'make setup' (it compiles build/lwip-lab)"]],
  servers: ['lwip'],
  kernelServer: false,
  check: () => undefined,
  async up(host) {
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
    if (!host.alive().has('lwip')) {
      await host.startServer('lwip', ['env', `PRECONFIGURED_TAPIF=${tap}`, LWIP_LAB_BINARY, host.cfg.serverAddr, maskOf(host.cfg.prefix), join(host.stateDir, 'nc.out'), lifetime], {
        waitOutput: /lwip-lab: ready/,
      });
    }
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
  check(cfg) {
    const { second } = networkOf(cfg.serverAddr, cfg.prefix);
    if (cfg.serverAddr !== second) throw new RangeError(`the slirp target answers on the second address of its subnet (${second} for ${cfg.serverAddr}/${cfg.prefix}): use --server-addr ${second}.`);
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
  },
  async version(host) {
    const r = await host.tryInNs('server', ['slirp4netns', '--version']);
    const lib = /libslirp:\s*(\S+)/.exec(r.stdout)?.[1];
    return `libslirp ${lib ?? 'unknown'}`;
  },
};

/** Every target by name. */
export const TARGETS: Readonly<Record<TargetName, LabTarget>> = { linux, lwip, slirp };

/** The target called `name`, or a RangeError listing the names. */
export function targetNamed(name: string): LabTarget {
  if (!(TARGET_NAMES as readonly string[]).includes(name)) throw new RangeError(`unknown lab target '${name}': use one of ${TARGET_NAMES.join(', ')}.`);
  return TARGETS[name as TargetName];
}
