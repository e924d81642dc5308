/**
 * Least privilege for a scenario's own code, as tcpdump drops root once its device is open.
 *
 * A scenario is a program: its module and its `where()` predicates run inside tcpcraft. Started as
 * root, a command that runs scenario code calls {@link enterSandbox} after reading and compiling
 * the scenario files (no scenario code runs for that) and before evaluating them. It then:
 * 1. opens what it needs as root and keeps it: the raw sockets (IPv4 and IPv6), and every output
 *    file the command line names (created now; removed again if the run never writes them);
 * 2. forks the privileged helper (src/io/privhelper.ts), which alone does the privileged work left
 *    for later (captures, link-layer frames, the kernel-RST guard, a lab client) and cleans up when
 *    this process ends, however it ends;
 * 3. loads the rest of tcpcraft, so nothing more is read from a directory the user cannot read,
 *    and stops esbuild's service (a root process that could write files);
 * 4. switches to an unprivileged user for good (`nobody`, or $TCPCRAFT_USER): no supplementary
 *    groups, real, effective and saved IDs all changed, so no capability is left.
 * The scenario's code then cannot write where root could, open a raw socket or change firewall
 * rules. `--keep-root` (or TCPCRAFT_KEEP_ROOT=1) skips all this for a scenario that needs more.
 * Not started as root, tcpcraft has nothing to drop, and none of this happens.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, fstatSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvError, errorOfKind, messageOf } from '../errors.js';
import type { Guard, GuardFlow } from './guard.js';
import type { LinkSender, LinkSenderOptions } from './link.js';
import type { HelperFrame, HelperReply, HelperRequest } from './privhelper.js';
import { inInitialNetns } from './route.js';
import { openSender, type Sender } from './sender.js';
import type { Sniffer, SnifferOptions } from './sniffer.js';
import type { PuppetSession } from './puppet.js';
import type { PuppetReply } from '../lab/puppet.js';

/** The privileged operations a live run needs after the start: done here, or by the helper. */
export interface PrivilegedOps {
  openSniffer(o: SnifferOptions): Promise<Sniffer>;
  openLinkSender(o: LinkSenderOptions): Promise<LinkSender>;
  installGuard(flow: GuardFlow): Promise<Guard>;
  sweepGuards(): Promise<unknown>;
  /** Starts `nc` towards HOST:PORT in network namespace `netns`; `stop` waits up to a second, then kills it. */
  startClient(netns: string, host: string, port: number): Promise<{ stop(): Promise<void>; kill(): void }>;
  /** Opens a session with lab `lab`'s puppet application (src/io/puppet.ts). */
  openPuppet(lab: string): Promise<PuppetSession>;
}

/** What {@link enterSandbox} needs to know before the drop. */
export interface SandboxOptions {
  /** Files the command will write (undefined entries and '-' are skipped). */
  readonly outputs?: ReadonlyArray<string | undefined>;
  /** Open the raw sockets now (commands that send). */
  readonly sender?: boolean;
  /** Stay root (the command line's --keep-root); TCPCRAFT_KEEP_ROOT=1 does the same. */
  readonly keepRoot?: boolean;
}

/** A compiled scenario to put where the unprivileged user can import it, and nobody can change it. */
export interface SandboxModule {
  readonly name: string;
  readonly text: string;
}

interface Output {
  readonly fd: number;
  readonly created: boolean;
}

interface State {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  readonly ops: PrivilegedOps | undefined;
  readonly sender: Sender | undefined;
  readonly outputs: ReadonlyMap<string, Output>;
}

let state: State | undefined;
let keepRootOption = false;

/** The command line's --keep-root: the scenario's code runs as root (trusted scenarios only). */
export function setKeepRoot(keep: boolean): void {
  keepRootOption = keep;
}

/** True when {@link enterSandbox} with `o` will drop privileges: root, and not asked to keep them. */
export function willDrop(o: SandboxOptions = {}): boolean {
  if (state || typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  return !(o.keepRoot || keepRootOption || process.env.TCPCRAFT_KEEP_ROOT === '1');
}

/** The API's functions that open live devices: not handed to scenario code. */
const LIVE_API: readonly string[] = ['openLiveDevice', 'runSuite'];

/** Symbol under which the scenario language is handed to scenario modules after the drop. */
export const API_KEY = 'tcpcraft.api';

/** True once this process has dropped to the unprivileged user. */
export function sandboxed(): boolean {
  return state !== undefined;
}

/** The helper's operations, when this process has dropped its privileges. */
export function sandboxOps(): PrivilegedOps | undefined {
  return state?.ops;
}

/** The raw sender opened before the drop, if any. */
export function sandboxSender(): Sender | undefined {
  return state?.sender;
}

/**
 * Writes an output file: through the descriptor opened before the drop when there is one, else
 * as usual. Throws an EnvError naming the file when it cannot be written.
 */
export function writeOutput(path: string, data: string | Uint8Array): void {
  const out = state?.outputs.get(resolve(path));
  try {
    if (!out) {
      writeFileSync(path, data);
      return;
    }
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    ftruncateSync(out.fd, 0);
    for (let at = 0; at < buf.length; ) at += writeSync(out.fd, buf, at, buf.length - at, at);
  } catch (err) {
    throw new EnvError(`cannot write ${path}: ${messageOf(err)}.`, { cause: err });
  }
}

/** The user to drop to, from /etc/passwd: `nobody`, or $TCPCRAFT_USER. */
function targetUser(): { user: string; uid: number; gid: number } {
  const user = process.env.TCPCRAFT_USER || 'nobody';
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // handled below
  }
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === user && f.length >= 4) {
      const uid = Number(f[2]);
      const gid = Number(f[3]);
      if (Number.isInteger(uid) && Number.isInteger(gid) && uid !== 0) return { user, uid, gid };
    }
  }
  throw new EnvError(`there is no unprivileged user '${user}' to run the scenario's code as: set TCPCRAFT_USER to one (not root), or give --keep-root to run it as root.`);
}

/** Opens each output for writing now, as root; remembers those it created. */
function openOutputs(paths: ReadonlyArray<string | undefined>): Map<string, Output> {
  const out = new Map<string, Output>();
  try {
    for (const p of paths) {
      if (p === undefined || p === '-' || out.has(resolve(p))) continue;
      const abs = resolve(p);
      const created = !existsSync(abs);
      let fd: number;
      try {
        fd = openSync(abs, 'a');
      } catch (err) {
        throw new EnvError(`cannot write ${p}: ${messageOf(err)}.`, { cause: err });
      }
      if (!fstatSync(fd).isFile()) {
        closeSync(fd);
        throw new EnvError(`cannot write ${p}: it is not a regular file.`);
      }
      out.set(abs, { fd, created });
    }
  } catch (err) {
    for (const [abs, o] of out) {
      closeSync(o.fd);
      if (o.created) rmSync(abs, { force: true });
    }
    throw err;
  }
  return out;
}

/** The helper's path and how to start it (tsx for the sources, plain node when built). */
function helperModule(): { path: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  return { path: fileURLToPath(new URL(`./privhelper.${ts ? 'ts' : 'js'}`, import.meta.url)), execArgv: ts ? ['--import', 'tsx'] : [] };
}

/** The client end of the helper: requests with replies, and the frames of its captures. */
class HelperClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly frameSinks = new Map<number, Array<(frame: Uint8Array, ts: bigint) => void>>();
  private gone: string | undefined;

  constructor(private readonly child: ChildProcess) {
    child.on('message', (m: HelperReply | HelperFrame) => {
      if ('ev' in m) {
        if (m.ev === 'frame') for (const cb of this.frameSinks.get(m.cap) ?? []) cb(m.frame, BigInt(Date.now()) * 1000n);
        return;
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.refresh();
      if (m.ok) p.resolve(m.value);
      // What the helper could not do is the machine's state unless it says otherwise.
      else p.reject(errorOfKind(m.kind ?? 'env', m.error));
    });
    child.on('exit', (code, signal) => {
      this.gone = `the privileged helper ended (${signal ?? `exit ${code}`})`;
      for (const p of this.pending.values()) p.reject(new EnvError(this.gone));
      this.pending.clear();
    });
    this.refresh();
  }

  /** The channel keeps this process alive only while an answer is awaited. */
  private refresh(): void {
    const ch = this.child.channel as { ref(): void; unref(): void } | undefined;
    if (this.pending.size > 0 || this.frameSinks.size > 0) ch?.ref();
    else ch?.unref();
  }

  request<T>(op: HelperRequest['op'], args?: Record<string, unknown>): Promise<T> {
    if (this.gone) return Promise.reject(new EnvError(this.gone));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.refresh();
      this.child.send({ id, op, ...(args ? { args } : {}) } satisfies HelperRequest, (err) => {
        if (!err || !this.pending.delete(id)) return;
        this.refresh();
        reject(new EnvError(`the privileged helper cannot be reached (${err.message})`));
      });
    });
  }

  onFrames(cap: number, cb: (frame: Uint8Array, ts: bigint) => void): void {
    const list = this.frameSinks.get(cap) ?? [];
    list.push(cb);
    this.frameSinks.set(cap, list);
    this.refresh();
  }

  dropFrames(cap: number): void {
    this.frameSinks.delete(cap);
    this.refresh();
  }
}

let early: Promise<HelperClient> | undefined;

/**
 * Starts the helper ahead of {@link enterSandbox} (which would start it anyway) when `o` will
 * drop privileges and needs it, so that its start overlaps the reading and compiling of scenarios.
 */
export function prestartHelper(o: SandboxOptions): void {
  if (early || !willDrop(o)) return;
  early = startHelper();
  early.catch(() => undefined);
}

/** Starts the helper and waits for it to be ready. */
async function startHelper(): Promise<HelperClient> {
  const { path, execArgv } = helperModule();
  // The parent's PID in its command line says whose helper it is (`ps`, tests).
  const child = fork(path, ['--tcpcraft-helper', String(process.pid)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  await new Promise<void>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new EnvError(`the privileged helper did not start (exit ${code ?? 'by signal'}).`));
    child.once('exit', onExit);
    child.once('error', (err) => reject(new EnvError(`the privileged helper did not start: ${err.message}.`)));
    child.on('message', function ready(m: { ev?: string }) {
      if (m?.ev !== 'ready') return;
      child.off('message', ready);
      child.off('exit', onExit);
      resolve();
    });
  });
  child.unref();
  return new HelperClient(child);
}

/** The helper's operations, as {@link PrivilegedOps}. */
function remoteOps(h: HelperClient): PrivilegedOps {
  return {
    async openSniffer(o) {
      const { cap, linkType } = await h.request<{ cap: number; linkType: number }>('sniff', { iface: o.iface, filter: o.filter, trusted: o.trustedFilter === true });
      let closed = false;
      return {
        linkType,
        onFrame: (cb) => h.onFrames(cap, cb),
        close() {
          if (closed) return;
          closed = true;
          h.dropFrames(cap);
          h.request('unsniff', { cap }).catch(() => undefined);
        },
      };
    },
    async openLinkSender(o) {
      const { link, linkType, peerMac } = await h.request<{ link: number; linkType: number; peerMac: string | undefined }>('link', { iface: o.iface, peerIp: o.peerIp });
      let closed = false;
      return {
        linkType,
        peerMac,
        send: (packet) => (closed ? Promise.reject(new Error('the link-layer sender is closed')) : h.request<void>('linkSend', { link, packet })),
        trySend() {
          throw new Error('synchronous link-layer sending is not available after the drop of privileges');
        },
        close() {
          if (closed) return;
          closed = true;
          h.request('unlink', { link }).catch(() => undefined);
        },
      };
    },
    async installGuard(flow) {
      const { table, family } = await h.request<{ table: string; family: Guard['family'] }>('guard', { flow: { ...flow } });
      let removed: Promise<void> | undefined;
      return { table, family, remove: () => (removed ??= h.request<void>('unguard', { table })) };
    },
    sweepGuards: () => h.request('sweep'),
    async startClient(netns, host, port) {
      const client = await h.request<number>('client', { netns, host, port });
      return {
        stop: () => h.request<void>('unclient', { client, waitMs: 1000 }),
        kill: () => void h.request('unclient', { client }).catch(() => undefined),
      };
    },
    async openPuppet(lab) {
      const { puppet, stack } = await h.request<{ puppet: number; stack: string }>('puppet', { lab });
      let closed = false;
      return {
        stack,
        call: (call, args) => (closed ? Promise.reject(new EnvError("the target's application: the session is closed")) : h.request<PuppetReply>('puppetCall', { puppet, call, args: [...args] })),
        // The stack's settings are no scenario's to change.
        sysctl: () => Promise.reject(new EnvError("the target's settings cannot be changed after the drop of privileges")),
        close() {
          if (closed) return;
          closed = true;
          h.request('unpuppet', { puppet }).catch(() => undefined);
        },
      };
    },
  };
}

/**
 * Drops to the unprivileged user for the rest of the process (see the module comment). Call it
 * once the scenario files are read and compiled, before any of their code runs. Does nothing when
 * the process is not root, or when asked to keep root.
 */
export async function enterSandbox(o: SandboxOptions = {}, modules: readonly SandboxModule[] = []): Promise<ReadonlyMap<string, string>> {
  const paths = new Map<string, string>();
  if (!willDrop(o)) return paths;
  const who = targetUser();
  const outputs = openOutputs(o.outputs ?? []);
  let sender: Sender | undefined;
  let helper: HelperClient | undefined;
  let dir: string | undefined;
  try {
    sender = o.sender ? openSender({ ipv6: true }) : undefined;
    helper = await (early ?? startHelper());
    // Guards of killed runs go now, which also says at once when nft is missing or not permitted.
    if (o.sender) await helper.request('sweep');
    // The compiled scenarios, in a directory of root's that everyone may read and nobody else
    // write (/tmp whatever TMPDIR says, so that the unprivileged user can reach it).
    dir = mkdtempSync(join(existsSync('/tmp') ? '/tmp' : tmpdir(), 'tcpcraft-sandbox-'));
    chmodSync(dir, 0o755);
    for (const [i, m] of modules.entries()) {
      const path = join(dir, `${i + 1}-${m.name.replace(/[^\w.-]/g, '_')}.mjs`);
      writeFileSync(path, m.text, { mode: 0o644 });
      paths.set(m.name, path);
    }
    // What the helper removes when tcpcraft ends: outputs created now and never written, the directory.
    const created = [...outputs].filter(([, v]) => v.created).map(([k]) => k);
    await helper.request('outputs', { paths: created, scratch: dir });
    await helper.request('seal');
    inInitialNetns();
    await preload();
  } catch (err) {
    sender?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const [abs, v] of outputs) {
      closeSync(v.fd);
      if (v.created) rmSync(abs, { force: true });
    }
    throw err;
  }
  process.setgroups!([]);
  process.setgid!(who.gid);
  process.setuid!(who.uid);
  if (process.getuid!() !== who.uid || process.geteuid!() !== who.uid || process.getegid!() !== who.gid) {
    throw new EnvError(`could not switch to the user ${who.user}: run with --keep-root to stay root.`);
  }
  state = { ...who, ops: o.sender ? remoteOps(helper) : undefined, sender, outputs };
  return paths;
}

/**
 * Loads the parts of tcpcraft a run may still need (so none is read after the drop, from a
 * directory only root may read), hands the scenario language to compiled scenarios under
 * {@link API_KEY}, and stops esbuild's service process, which would otherwise stay root.
 */
async function preload(): Promise<void> {
  const ts = import.meta.url.endsWith('.ts');
  const api = (await import(new URL(`../index.${ts ? 'ts' : 'js'}`, import.meta.url).href)) as Record<string, unknown>;
  // What scenario files import from 'tcpcraft': the package's API, less what opens live devices
  // (the helper checks every request anyway).
  const language = Object.fromEntries(Object.entries(api).filter(([k]) => !LIVE_API.includes(k)));
  (globalThis as Record<symbol, unknown>)[Symbol.for(API_KEY)] = Object.freeze(language);
  try {
    const esbuild = await import('esbuild');
    await esbuild.stop();
  } catch {
    // esbuild not there: nothing runs
  }
}
