/**
 * The lab catalogue: everything tcpcraft's lab is made of, declared once and read by every layer
 * (the session plan's defaults, the route check, `lab up` and its targets, `lab serve`, the suite
 * and its probes). A leaf: it imports nothing.
 */

/** The lab a command means when it names none. */
export const DEFAULT_LAB_NAME = 'tcpcraft';

/** What a lab name may be: it prefixes the lab's namespaces and interfaces (15 characters at most). */
export const LAB_NAME = /^[a-z0-9_]{1,13}$/;

/** Where each lab keeps its state (LAB_STATE_ROOT/NAME: recorded servers, sink output, the puppet's socket). */
export const LAB_STATE_ROOT = '/run/tcpcraft';

/** IP families, as the catalogue keys them. */
export type LabFamily = 4 | 6;

/** The lab's addresses in one family: client, server, the client's spare, the subnet. */
export interface LabAddresses {
  readonly client: string;
  readonly server: string;
  /**
   * A second address of the client side, for scenarios that leave per-peer state in the target
   * (a cached path MTU, say), so that the others, sent from `client`, do not see it. The kernel
   * never picks it as a source of its own.
   */
  readonly spare: string;
  /** The lab subnet: traffic to an address in it is meant for a lab and must stay in one. */
  readonly net: string;
  readonly bits: number;
}

/** The lab's addresses per family (IPv6: unique-local, RFC 4193; no default route in either). */
export const LAB_ADDRESSES: Readonly<Record<LabFamily, LabAddresses>> = {
  4: { client: '10.77.0.1', server: '10.77.0.2', spare: '10.77.0.201', net: '10.77.0.0', bits: 24 },
  6: { client: 'fd77::1', server: 'fd77::2', spare: 'fd77::201', net: 'fd77::', bits: 64 },
};

/** Where an IPv4 lab's spare client address sits: the client's last octet plus this. */
export const LAB_SPARE_OFFSET = 200;

/** The ports of the lab's services on the server address. */
export const LAB_PORTS = {
  /** nc -lk: a sink that keeps what it received (`lab received`), one connection at a time. */
  nc: 5000,
  /** 22 bytes of time of day, then close. */
  daytime: 13,
  echo: 7,
  discard: 9,
  /** A bounded chargen: 65536 bytes. */
  chargen: 19,
  /** Nothing listens here: a closed port. */
  closed: 5999,
} as const;

/** Peer ports whose service takes one connection at a time: suite scenarios to them never overlap. */
export const LAB_SERIAL_PORTS: readonly number[] = [LAB_PORTS.nc];

/** Names of the interfaces a lab makes (`NAME-c` in its client namespace, `NAME-s` in its server one). */
export const LAB_IFACE = /^[a-z0-9_]{1,13}-[cs]$/;

/** `ethtool -K IFACE ...` arguments that turn the offloads off (captures show real checksums, no super-segments). */
export const OFFLOADS_OFF: readonly string[] = ['tx', 'off', 'rx', 'off', 'tso', 'off', 'gso', 'off', 'gro', 'off'];

/** The lab's services as processes: the command line of each, for `lab up`'s targets and `lab serve`. */
export interface LabServices {
  readonly nc: readonly string[];
  readonly daytime: readonly string[];
  readonly services: readonly string[];
}

/**
 * The command lines of the lab's services on `hosts` (addresses, comma-separated) for `lifetime`
 * seconds: nc on 5000 (for one address), lab/daytime.mjs on 13, lab/services.mjs (echo, discard,
 * chargen and the cooperating applications). `node` is the Node.js to run them with, `labDir` the
 * package's lab/ folder.
 */
export function labServices(node: string, labDir: string, hosts: string, lifetime: number | string): LabServices {
  return {
    nc: ['nc', '-lk', '-d', '-n', hosts, String(LAB_PORTS.nc)],
    daytime: [node, `${labDir.replace(/\/$/, '')}/daytime.mjs`, hosts, String(LAB_PORTS.daytime), String(lifetime)],
    services: [node, `${labDir.replace(/\/$/, '')}/services.mjs`, hosts, String(lifetime)],
  };
}

/**
 * The TCP settings packetdrill's test harness gives the Linux it tests (its defaults.sh: buffer
 * sizes, timestamps, SACK, SYN retries, F-RTO, reordering, cubic, no slow start after idle, RACK
 * and TLP, no ECN, Fast Open with a fixed key, SYN cookies). Scripts converted by `import-pkt`
 * were written against them (the window scale a SYN/ACK offers follows from the receive buffer's
 * size, for one); `lab up --packetdrill-settings` applies them in a linux lab's server namespace.
 */
export const PACKETDRILL_SYSCTLS: readonly string[] = [
  'net.ipv4.tcp_rmem=4096 540000 15728640',
  'net.ipv4.tcp_wmem=4096 262144 4194304',
  'net.ipv4.tcp_timestamps=1',
  'net.ipv4.tcp_syn_retries=5',
  'net.ipv4.tcp_synack_retries=5',
  'net.ipv4.tcp_frto=2',
  'net.ipv4.tcp_sack=1',
  'net.ipv4.tcp_dsack=1',
  'net.ipv4.tcp_reordering=3',
  'net.ipv4.tcp_congestion_control=cubic',
  'net.ipv4.tcp_slow_start_after_idle=0',
  'net.ipv4.tcp_early_retrans=4',
  'net.ipv4.tcp_recovery=1',
  'net.ipv4.tcp_tso_win_divisor=3',
  'net.ipv4.tcp_ecn=0',
  'net.ipv4.tcp_pacing_ss_ratio=200',
  'net.ipv4.tcp_pacing_ca_ratio=120',
  'net.ipv4.tcp_notsent_lowat=4294967295',
  'net.ipv4.tcp_fastopen=3',
  'net.ipv4.tcp_fastopen_key=a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4',
  'net.ipv4.tcp_syncookies=1',
];
