/**
 * The privileged helper: a small root process that tcpcraft forks before it drops to an
 * unprivileged user to run a scenario's own code (src/io/sandbox.ts). It alone does what needs
 * root after the drop, and only this: open a libpcap capture and forward its frames, inject
 * link-layer frames, install and remove the kernel-RST guard, sweep guards of killed runs, start
 * the client of a server-role scenario in a lab namespace. Every request is checked here, since
 * the process asking runs code tcpcraft did not write.
 *
 * It ignores SIGINT, SIGTERM and SIGHUP (a signal to the process group must not take it down
 * before tcpcraft has wound its runs down) and ends when its parent does: on the IPC channel's
 * disconnect it closes every capture, stops every client, removes the outputs its parent
 * created and left empty, and exits, when guard.ts's exit hook deletes any guard still installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, statSync, unlinkSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { LAB_ADDRESSES, LAB_NAME } from '../lab/catalogue.js';
import { messageOf, TcpcraftError, UsageError, type ErrorKind } from '../errors.js';
import { installGuard, sweepGuards, type Guard, type GuardFlow } from './guard.js';
import { openLinkSender, type LinkSender } from './link.js';
import { openSniffer, type Sniffer } from './sniffer.js';
import { checkCall, openPuppet, type PuppetSession } from './puppet.js';

/** A request from the parent: `op` with its arguments, answered under the same `id`. */
export interface HelperRequest {
  readonly id: number;
  readonly op: 'sniff' | 'unsniff' | 'link' | 'linkSend' | 'unlink' | 'guard' | 'unguard' | 'sweep' | 'client' | 'unclient' | 'puppet' | 'puppetCall' | 'unpuppet' | 'outputs' | 'seal';
  readonly args?: Record<string, unknown>;
}

/** The answer to a request. */
export type HelperReply = { readonly id: number; readonly ok: true; readonly value?: unknown } | { readonly id: number; readonly ok: false; readonly error: string; readonly kind?: ErrorKind };

/** A captured frame, forwarded as it arrives. */
export interface HelperFrame {
  readonly ev: 'frame';
  readonly cap: number;
  readonly frame: Uint8Array;
}

/** An interface name: what Linux allows, less '.', '..' and a leading '-'. */
const IFACE = /^(?!\.{1,2}$)(?!-)[A-Za-z0-9_.@:-]{1,15}$/;
/** A lab's server namespace (src/io/lab.ts: NAME-server), where a server-role scenario's client runs. */
const NETNS = /^[a-z0-9_]{1,13}-server$/;
// The filters tcpcraft makes, exactly: a run's flows (src/engine/flow.ts bpfFilter, each in
// parentheses, joined by `or`), or a suite's peers (src/suite/runner.ts capturesFor).
const A = '[0-9A-Fa-f:.]+';
const P = '\\d{1,5}';
const FLOW4 = `tcp and \\(\\((?:src host ${A} and )?(?:src port ${P} and )?dst port ${P}\\) or \\(src host ${A} and src port ${P}(?: and dst host ${A})?(?: and dst port ${P})?\\)\\)`;
const FLOW6 = `ip6 and \\(\\(dst host ${A}(?: and src host ${A})?\\) or \\(src host ${A}(?: and dst host ${A})?\\)\\)`;
const FLOW = `\\((?:${FLOW4}|${FLOW6})\\)`;
const RUN_FILTER = new RegExp(`^${FLOW}(?: or ${FLOW})*$`);
const TERM = `(?:(?:dst )?host ${A}|port ${P})`;
const SUITE_FILTER = new RegExp(`^\\(tcp or ip6\\) and \\(${TERM}(?: or ${TERM})*\\)$`);

/**
 * A capture filter of exactly the forms tcpcraft makes, every address an address and every port a
 * port: unprivileged code cannot widen a capture to everything on an interface, or to another
 * protocol. Throws a UsageError otherwise.
 */
export function checkFilter(filter: string): string {
  const shaped = filter.length <= 65536 && (RUN_FILTER.test(filter) || SUITE_FILTER.test(filter));
  const values = [...filter.matchAll(/\b(host|port) (\S+?)(?=[\s)]|$)/g)];
  const valid = values.every(([, k, v]) => (k === 'host' ? isIP(v!) !== 0 : Number(v) >= 1 && Number(v) <= 65535));
  if (!shaped || !valid) throw new UsageError('helper: that capture filter is not one tcpcraft makes');
  return filter;
}

/** How many of each thing the helper holds at once, at most (a run needs a few; a suite a few dozen). */
const LIMITS = { sniffers: 16, links: 64, guards: 512, clients: 64, puppets: 64 } as const;

function room(what: keyof typeof LIMITS, held: number): void {
  if (held >= LIMITS[what]) throw new UsageError(`helper: already ${held} ${what} open`);
}

/** The lab's subnets (src/lab/catalogue.ts): the only local addresses a guard for any peer may cover. */
const LAB_NETS = new BlockList();
for (const f of [4, 6] as const) LAB_NETS.addSubnet(LAB_ADDRESSES[f].net, LAB_ADDRESSES[f].bits, f === 4 ? 'ipv4' : 'ipv6');

function str(args: Record<string, unknown> | undefined, k: string, re?: RegExp): string {
  const v = args?.[k];
  if (typeof v !== 'string' || (re && !re.test(v))) throw new UsageError(`helper: '${k}' is not valid`);
  return v;
}
function int(args: Record<string, unknown> | undefined, k: string, lo: number, hi: number): number {
  const v = args?.[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new UsageError(`helper: '${k}' is not an integer in ${lo}..${hi}`);
  return v;
}
function ip(args: Record<string, unknown> | undefined, k: string): string {
  const v = str(args, k);
  if (isIP(v) === 0) throw new UsageError(`helper: '${k}' is not an IP address`);
  return v;
}
function bytes(args: Record<string, unknown> | undefined, k: string): Uint8Array {
  const v = args?.[k];
  if (!(v instanceof Uint8Array) || v.length > 65535 + 40) throw new UsageError(`helper: '${k}' is not a packet`);
  return v;
}

/** Serves requests on the IPC channel until the parent (tcpcraft, process `owner`) goes away. */
export function serve(owner: number): void {
  // A reply racing tcpcraft's exit finds the channel closed: nothing to tell any more.
  const send = (m: HelperReply | HelperFrame | { readonly ev: 'ready' }): void => {
    if (process.connected) process.send!(m, undefined, {}, () => undefined);
  };
  const sniffers = new Map<number, Sniffer>();
  const links = new Map<number, LinkSender>();
  const guards = new Map<string, Guard>();
  const clients = new Map<number, ChildProcess>();
  const puppets = new Map<number, PuppetSession>();
  /** Outputs the parent created before the drop (declared before `seal`), removed if left empty. */
  const created: string[] = [];
  /** The directory of compiled scenarios (declared before `seal`), removed at the end. */
  let scratch: string | undefined;
  let sealed = false;
  let next = 1;

  const handle = async (op: HelperRequest['op'], a: Record<string, unknown> | undefined): Promise<unknown> => {
    switch (op) {
      case 'sniff': {
        room('sniffers', sniffers.size);
        const iface = str(a, 'iface', IFACE);
        if (iface === 'any') throw new UsageError("helper: a capture is on one interface, not 'any'");
        // The filter is always compiled by tcpdump first (a request's word about it is not trusted).
        const sniffer = openSniffer({ iface, filter: checkFilter(str(a, 'filter')) });
        const id = next++;
        sniffers.set(id, sniffer);
        sniffer.onFrame((frame) => send({ ev: 'frame', cap: id, frame }));
        return { cap: id, linkType: sniffer.linkType };
      }
      case 'unsniff':
        sniffers.get(int(a, 'cap', 1, 2 ** 31))?.close();
        sniffers.delete(int(a, 'cap', 1, 2 ** 31));
        return undefined;
      case 'link': {
        room('links', links.size);
        const link = await openLinkSender({ iface: str(a, 'iface', IFACE), peerIp: ip(a, 'peerIp') });
        const id = next++;
        links.set(id, link);
        return { link: id, linkType: link.linkType, peerMac: link.peerMac };
      }
      case 'linkSend': {
        const link = links.get(int(a, 'link', 1, 2 ** 31));
        if (!link) throw new Error('helper: that link-layer sender is closed');
        return link.send(bytes(a, 'packet'));
      }
      case 'unlink':
        links.get(int(a, 'link', 1, 2 ** 31))?.close();
        links.delete(int(a, 'link', 1, 2 ** 31));
        return undefined;
      case 'guard': {
        const f = (a?.flow ?? {}) as Record<string, unknown>;
        const flow: GuardFlow = { localIp: ip(f, 'localIp'), localPort: int(f, 'localPort', 1, 65535), ...(f.peerIp !== undefined ? { peerIp: ip(f, 'peerIp') } : {}), ...(f.peerPort !== undefined ? { peerPort: int(f, 'peerPort', 1, 65535) } : {}) };
        room('guards', guards.size);
        // A guard for any peer (a server-role scenario) drops everything to a local port: only on a lab address.
        if (flow.peerIp === undefined && !LAB_NETS.check(flow.localIp, isIP(flow.localIp) === 6 ? 'ipv6' : 'ipv4')) {
          throw new UsageError(`helper: a guard for any peer is only for a lab address, not ${flow.localIp}`);
        }
        const g = await installGuard(flow, { ownerPid: owner });
        guards.set(g.table, g);
        return { table: g.table, family: g.family };
      }
      case 'unguard': {
        const table = str(a, 'table');
        await guards.get(table)?.remove();
        guards.delete(table);
        return undefined;
      }
      case 'sweep':
        return sweepGuards({ ownerPid: owner });
      case 'client': {
        room('clients', clients.size);
        const argv = ['netns', 'exec', str(a, 'netns', NETNS), 'nc', '-n', '-N', '-w', '3', ip(a, 'host'), String(int(a, 'port', 1, 65535))];
        const c = spawn('ip', argv, { stdio: 'ignore' });
        c.on('error', () => undefined);
        const id = next++;
        clients.set(id, c);
        c.on('exit', () => clients.delete(id));
        return id;
      }
      case 'unclient': {
        // Waits up to `waitMs` for the client to finish on its own, then kills it.
        const c = clients.get(int(a, 'client', 1, 2 ** 31));
        const waitMs = a?.waitMs === undefined ? 0 : int(a, 'waitMs', 0, 5000);
        const running = (): boolean => c !== undefined && c.exitCode === null && c.signalCode === null;
        for (let k = 0; k < waitMs / 50 && running(); k++) await new Promise((r) => setTimeout(r, 50));
        if (running()) c!.kill('SIGKILL');
        return undefined;
      }
      case 'puppet': {
        room('puppets', puppets.size);
        // Only a lab's own relay, by the lab's name: never a path the request gives.
        const session = await openPuppet(str(a, 'lab', LAB_NAME));
        const id = next++;
        puppets.set(id, session);
        return { puppet: id, stack: session.stack };
      }
      case 'puppetCall': {
        const session = puppets.get(int(a, 'puppet', 1, 2 ** 31));
        if (!session) throw new Error("helper: that session with the target's application is closed");
        const c = checkCall(a?.call, a?.args);
        return session.call(c.call, c.args);
      }
      case 'unpuppet':
        puppets.get(int(a, 'puppet', 1, 2 ** 31))?.close();
        puppets.delete(int(a, 'puppet', 1, 2 ** 31));
        return undefined;
      case 'outputs': {
        if (sealed) throw new Error('helper: outputs are declared before the drop');
        const list = a?.paths;
        if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p.startsWith('/'))) throw new UsageError("helper: 'paths' is not a list of absolute paths");
        created.push(...(list as string[]));
        if (a?.scratch !== undefined) {
          const dir = str(a, 'scratch');
          if (!/^\/.*\/tcpcraft-sandbox-[A-Za-z0-9]+$/.test(dir)) throw new UsageError("helper: 'scratch' is not a sandbox directory");
          scratch = dir;
        }
        return undefined;
      }
      case 'seal':
        sealed = true;
        return undefined;
    }
    throw new UsageError(`helper: unknown request '${String(op)}'`);
  };

  process.on('message', (m: HelperRequest) => {
    const id = typeof m?.id === 'number' ? m.id : -1;
    handle(m?.op, m?.args).then(
      (value) => send({ id, ok: true, ...(value !== undefined ? { value } : {}) }),
      (err: unknown) => send({ id, ok: false, error: messageOf(err), ...(err instanceof TcpcraftError ? { kind: err.kind } : {}) }),
    );
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
  process.on('disconnect', () => {
    for (const s of sniffers.values()) s.close();
    for (const l of links.values()) l.close();
    for (const c of clients.values()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const p of puppets.values()) p.close();
    for (const p of created) {
      try {
        if (statSync(p).size === 0) unlinkSync(p);
      } catch {
        // already gone, or not ours to judge
      }
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    // guard.ts's exit hook deletes every guard still installed, synchronously.
    process.exit(0);
  });
  send({ ev: 'ready' });
}

// Forked as a script: serve at once.
const at = process.argv.indexOf('--tcpcraft-helper');
if (process.send && at >= 0) serve(Number(process.argv[at + 1]) || process.ppid);
