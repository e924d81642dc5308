/**
 * The lab's shapes that src/io/lab.ts and the targets (src/io/targets.ts) share: the lab's
 * settings, its sides, its server processes and what a target may ask of the lab. A leaf, so that
 * lab.ts can use the targets and the targets can describe the lab without importing each other.
 */
import type { ExecResult } from './exec.js';

/** The names `lab up --target` takes. */
export const TARGET_NAMES = ['linux', 'linux-uml', 'gvisor', 'lwip', 'slirp', 'reference'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Lab settings; src/io/lab.ts's labConfig gives the defaults. */
export interface LabConfig {
  /** Lab name, prefix of the namespaces (default 'tcpcraft'); [a-z0-9_], at most 13 characters. */
  readonly name: string;
  /** Client address (default 10.77.0.1). */
  readonly clientAddr: string;
  /** Server address (default 10.77.0.2). */
  readonly serverAddr: string;
  /** Prefix length of the lab subnet (default 24). */
  readonly prefix: number;
  /** The TCP stack on the server side (default 'linux'); see src/io/targets.ts. */
  readonly target: TargetName;
  /**
   * Loss and reordering on the target's link (`loss=1%,reorder=1%`, src/reference/impair.ts):
   * only the reference target, which makes them itself (this kernel may have no netem).
   */
  readonly impair?: string;
}

/** Which namespace of the lab. */
export type LabSide = 'client' | 'server';

/** A server process started in the lab's server namespace. */
export interface ServerHandle {
  /** Name under which it is recorded in the state dir. */
  readonly name: string;
  /** PID of the process (leader of its own process group). */
  readonly pid: number;
  /** Stop it (SIGTERM to its process group, SIGKILL after 2 s) and forget it. Idempotent. */
  stop(): Promise<void>;
}

/** Options of `startServer` (src/io/lab.ts). */
export interface StartServerOptions {
  /** Append the server's stdout to this file (default: `<state dir>/<name>.out`). */
  readonly stdoutFile?: string;
  /** Wait until something listens on this TCP port in the server namespace (bounded, 5 s). */
  readonly waitPort?: number;
  /** With waitPort: the local address that must be listening on it. */
  readonly waitAddr?: string;
  /** Wait until the server's stdout or stderr says this: for stacks whose sockets `ss` cannot see. */
  readonly waitOutput?: RegExp;
  /** Bound on the wait, ms (default 5000). */
  readonly waitMs?: number;
}

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
