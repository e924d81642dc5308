/**
 * The systems `tcpcraft learn` learns (issue 27): the mapper of src/session/mapper.ts on a fresh
 * connection per query, either against the reference stack in memory (a fresh stack per query, on
 * a virtual clock: nothing waits) or against a lab target on the network (one raw socket, one
 * capture and one puppet session for the whole run; per query a fresh source port and listening
 * port, the kernel-RST guard of its flow, and a reset at the end).
 *
 * How long to wait for an answer is measured, not fixed: {@link calibrate} sends a few probe
 * words with a long wait and times every answer (the handshake's, a delayed ACK's, a FIN's); the
 * wait per input is then a few times the slowest one, within bounds.
 */
import { FrameQueue } from '../engine/queue.js';
import type { Device } from '../engine/device.js';
import type { FlowSpec } from '../engine/flow.js';
import { Demux } from '../engine/demux.js';
import { type System } from '../learn/driver.js';
import type { LearningSetting } from '../learn/machinefile.js';
import { BAD_REQUEST, type SysctlName } from '../lab/puppet.js';
import { referenceDevice, type ReferenceSettings } from '../reference/index.js';
import { alphabet, PortInUse, RATE_LIMITED, runQuery, type AlphabetName, type LearnRole, type QueryExtras, type QueryTrace, type Timing } from '../session/mapper.js';
import { Cleanups } from '../io/cleanup.js';
import { privilegedOps } from '../io/device.js';
import type { Guard } from '../io/guard.js';
import { sandboxSender } from '../io/sandbox.js';
import { openSender } from '../io/sender.js';
import { systemClock, randomIsn } from '../io/clock.js';
import { checkLabPeer, resolveRoute } from '../io/route.js';
import { packetDestination } from '../wire/packet.js';
import { familyOf } from '../wire/family.js';
import { PortAllocator } from './ports.js';
import { LAB_ADDRESSES } from '../lab/catalogue.js';

/** A system under learning with its alphabet and what it is. */
export interface TcpSystem extends System {
  readonly role: LearnRole;
  readonly alphabetName: AlphabetName;
  readonly timing: Timing;
  /** The target's settings changed for the run (put back by {@link close}). */
  readonly settings?: readonly LearningSetting[];
  /** Runs `word` once more and gives its trace, on the wire (for scenarios replaying it). */
  traceOf(word: readonly string[]): Promise<QueryTrace>;
  /** Releases what it holds. */
  close(): Promise<void>;
}

/** Listening ports of the target, one per query, away from the lab's services. */
class TargetPorts {
  private n = 0;
  next(): number {
    return 20000 + (this.n++ % 40000);
  }
}

/** The reference's addresses in memory (the lab's). */
const REF_LOCAL = LAB_ADDRESSES[4].client;
const REF_PEER = LAB_ADDRESSES[4].server;

/** Waits on the reference's virtual clock: longer than its delayed ACK (200 ms). */
export const REFERENCE_TIMING: Timing = { waitMs: 250, promptMs: 50 };

/**
 * The reference is learnt with a retransmission timeout of a minute (the RFCs set a floor, not a
 * ceiling): a query lasts a few seconds of virtual time, so no retransmission ever falls into it
 * and the machine learnt is the stack's answer to inputs, not to the passing of time. Likewise
 * without its limit on challenge ACKs (RFC 5961 §7, a SHOULD with the numbers left to the stack):
 * a limit counts challenges over time, which no finite machine over these inputs holds.
 */
export const LEARN_REFERENCE_SETTINGS: Partial<ReferenceSettings> = { initialRtoMs: 60_000, minRtoMs: 60_000, challengeAckLimit: 1_000_000 };

/** The reference stack in memory, with the RFC 9293 state each word leaves its connection in. */
export interface ReferenceSystem extends TcpSystem {
  /** The state of the connection (or LISTEN / CLOSED when there is none) after `word`. */
  stateAfter(word: readonly string[]): Promise<string>;
}

/** The reference stack in memory, a fresh one per query. */
export function referenceSystem(role: LearnRole, name: AlphabetName, o: { readonly settings?: Partial<ReferenceSettings>; readonly inputs?: readonly string[]; readonly timing?: Partial<Timing> } = {}): ReferenceSystem {
  const timing: Timing = { ...REFERENCE_TIMING, ...o.timing };
  const inputs = o.inputs ?? alphabet(name, role);
  const ports = new TargetPorts();
  let localPort = 40000;
  const one = async (word: readonly string[], extras: QueryExtras = {}, state?: (s: string) => void): Promise<string[]> => {
    const targetPort = ports.next();
    const lp = 10000 + (localPort++ % 50000);
    const flow: FlowSpec = role === 'server' ? { localIp: REF_LOCAL, localPort: lp, peerIp: REF_PEER, peerPort: targetPort } : { localIp: REF_LOCAL, localPort: lp, peerIp: REF_PEER };
    const device = referenceDevice([flow], { settings: { ...LEARN_REFERENCE_SETTINGS, ...o.settings } });
    const stack = device.reference.stack;
    const beforeCleanup = (): void => {
      if (!state) return;
      const tcb = stack.connections.find((c) => c.state !== 'CLOSED');
      state(tcb?.state ?? (role === 'server' ? 'LISTEN' : 'CLOSED'));
    };
    try {
      return await runQuery(word, { device, flow, app: device.app }, 0x1000_0000, role, timing, targetPort, { ...extras, beforeCleanup });
    } finally {
      await device.close();
    }
  };
  return {
    inputs,
    role,
    alphabetName: name,
    timing,
    queryMany: (words) => Promise.all(words.map((w) => one(w))),
    traceOf: (word) => traced((extras) => one(word, extras)),
    async stateAfter(word) {
      let found = 'CLOSED';
      await one(word, {}, (s) => (found = s));
      return found;
    },
    close: async () => undefined,
  };
}

/** Options of a live system. */
export interface LiveSystemOptions {
  /** The lab whose puppet drives the target's application. */
  readonly lab: string;
  /** The target's address. */
  readonly dst: string;
  readonly role: LearnRole;
  readonly alphabet: AlphabetName;
  readonly inputs?: readonly string[];
  /** Fixed timing (default: measured by {@link calibrate}). */
  readonly timing?: Timing;
  /** Queries run at once (default 1). */
  readonly parallel?: number;
  readonly cleanups: Cleanups;
  readonly say?: (line: string) => void;
}

/** A lab target on the network. */
export async function liveSystem(o: LiveSystemOptions): Promise<TcpSystem> {
  await checkLabPeer(o.dst);
  const route = await resolveRoute({ server: false, peer: o.dst });
  const ops = privilegedOps();
  const six = familyOf(o.dst) === 6;
  const sender = sandboxSender() ?? openSender({ ipv6: six });
  const unSender = o.cleanups.add('close the raw socket', () => sender.close());
  const sniffer = await ops.openSniffer({ iface: route.iface, filter: `tcp and host ${o.dst}`, trustedFilter: true });
  const unSniffer = o.cleanups.add(`close the capture on ${route.iface}`, () => sniffer.close());
  const puppet = await ops.openPuppet(o.lab);
  const unPuppet = o.cleanups.add("end the session with the target's application", () => puppet.close());
  // The stack's rate limits off for the run, where it lets its application change them: else the
  // answers depend on the time since the last one, and the machine counts time.
  const settings: LearningSetting[] = [];
  const putBack = async (): Promise<void> => {
    for (const x of settings) if (x.was !== undefined && x.was !== x.value) await puppet.sysctl(x.name as SysctlName, x.was).catch(() => undefined);
  };
  const unSettings = o.cleanups.add("put the target's rate limits back", putBack);
  for (const [name, value] of SETTINGS_STACKS.has(puppet.stack) ? LEARN_SETTINGS : []) {
    const r = await puppet.sysctl(name, value).catch((e: unknown) => ({ ret: -1, errno: e instanceof Error ? e.message : String(e) }));
    settings.push(r.ret >= 0 ? { name, value, was: r.ret } : { name, value, refused: r.errno ?? 'EIO' });
  }
  if (settings.length) o.say?.(`the target's settings for the run: ${settings.map((x) => (x.was !== undefined ? `${x.name} ${x.was} → ${x.value}` : `${x.name} kept (${x.refused === BAD_REQUEST ? 'the puppet cannot change it' : x.refused})`)).join(', ')}`);
  const demux = new Demux(sniffer, () => systemClock.wallUs());
  // Every call the mapper makes returns, or the query fails saying which did not: a blocking
  // call (accept, connect) is one the mapper does not wait for.
  const bounded = {
    call: (call: string, args: ReadonlyArray<string | number>) =>
      new Promise<Awaited<ReturnType<typeof puppet.call>>>((resolve, reject) => {
        const timer = call === 'accept' || call === 'connect' ? undefined : setTimeout(() => reject(new Error(`the target's application did not return from ${call} ${args.join(' ')} within ${APP_CALL_BOUND_MS} ms`)), APP_CALL_BOUND_MS);
        puppet.call(call, args).then(
          (r) => (clearTimeout(timer), resolve(r)),
          (e: unknown) => (clearTimeout(timer), reject(e)),
        );
      }),
  };
  // Ports on both ends follow the wall clock (see ports.ts), so that no 4-tuple and no listening
  // port of an earlier run can still be in TIME-WAIT.
  const sourcePorts = new PortAllocator();
  const inputs = o.inputs ?? alphabet(o.alphabet, o.role);

  /**
   * In the server role a worker keeps its source port and its guard from query to query: the
   * target's listening port is new for each, so the 4-tuple still is (and two nft commands per
   * query are saved). In the client role the target picks its own port: ours must be new.
   */
  const slots = new Map<number, { readonly port: number; readonly guard: Guard; readonly unGuard: () => void }>();
  const slotFor = async (k: number): Promise<{ readonly port: number }> => {
    let slot = slots.get(k);
    if (!slot) {
      const port = sourcePorts.next();
      const guard = await ops.installGuard({ localIp: route.src, localPort: port, peerIp: o.dst });
      slot = { port, guard, unGuard: o.cleanups.add(`remove the kernel-RST guard ${guard.table}`, () => guard.remove()) };
      slots.set(k, slot);
    }
    return slot;
  };

  /** A query; run again on another listening port when the target still holds the one it got (5 tries). */
  const one = async (word: readonly string[], timing: Timing, extras: QueryExtras = {}, worker?: number): Promise<string[]> => {
    for (let k = 1; ; k++) {
      try {
        return await once(word, timing, extras, worker);
      } catch (err) {
        if (!(err instanceof PortInUse) || k >= 5) throw err;
      }
    }
  };

  const once = async (word: readonly string[], timing: Timing, extras: QueryExtras = {}, worker?: number): Promise<string[]> => {
    const slot = o.role === 'server' && worker !== undefined ? await slotFor(worker) : undefined;
    const localPort = slot?.port ?? sourcePorts.next();
    const targetPort = sourcePorts.next();
    const flow: FlowSpec = o.role === 'server' ? { localIp: route.src, localPort, peerIp: o.dst, peerPort: targetPort } : { localIp: route.src, localPort, peerIp: o.dst };
    const frames = new FrameQueue();
    const unregister = demux.register([flow], frames);
    const guard = slot ? undefined : await ops.installGuard(flow);
    const unGuard = guard ? o.cleanups.add(`remove the kernel-RST guard ${guard.table}`, () => guard.remove()) : () => undefined;
    const device: Device = {
      frames,
      linkType: sniffer.linkType,
      clock: systemClock,
      send: (p) => sender.send(p, packetDestination(p)),
      close: async () => undefined,
    };
    try {
      return await runQuery(word, { device, flow, app: bounded }, randomIsn(), o.role, timing, targetPort, extras);
    } finally {
      unregister();
      frames.close();
      await guard?.remove();
      unGuard();
      if (!slot) sourcePorts.release(localPort);
      sourcePorts.release(targetPort);
    }
  };

  const parallel = Math.max(1, o.parallel ?? 1);
  const many = async (words: ReadonlyArray<readonly string[]>, timing: Timing): Promise<string[][]> => {
    const out: string[][] = new Array(words.length);
    let next = 0;
    const worker = async (k: number): Promise<void> => {
      for (let i = next++; i < words.length; i = next++) out[i] = await one(words[i]!, timing, {}, k);
    };
    await Promise.all(Array.from({ length: Math.min(parallel, words.length) }, (_, k) => worker(k)));
    return out;
  };

  const close = async (): Promise<void> => {
    for (const slot of slots.values()) {
      await slot.guard.remove().catch(() => undefined);
      slot.unGuard();
    }
    slots.clear();
    await putBack();
    unSettings();
    puppet.close();
    unPuppet();
    await sniffer.close();
    unSniffer();
    await sender.close();
    unSender();
  };
  try {
    const measured = o.timing ?? (await calibrate((ws, t) => many(ws, t), o.role, inputs, o.say));
    // A stack whose rate limit stays on gets the inputs it limits spaced out instead (slower).
    const limited = settings.some((x) => x.name === 'tcp_invalid_ratelimit' && x.refused !== undefined);
    const timing: Timing = limited ? { ...measured, limitGapMs: RATE_LIMIT_GAP_MS } : measured;
    if (limited) o.say?.(`its rate limit stays: ${[...RATE_LIMITED].join(', ')} go at least ${RATE_LIMIT_GAP_MS} ms apart within a query`);
    return { inputs, role: o.role, alphabetName: o.alphabet, timing, settings, queryMany: (words) => many(words, timing), traceOf: (word) => traced((extras) => one(word, timing, extras)), close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The trace of one query run through `run`. */
async function traced(run: (extras: QueryExtras) => Promise<string[]>): Promise<QueryTrace> {
  let trace: QueryTrace | undefined;
  await run({ trace: (t) => (trace = t) });
  return trace!;
}

/** Where each input is tried while calibrating: before the handshake, in it, after it, after data. */
function contexts(role: LearnRole): string[][] {
  return role === 'server' ? [[], ['SYN'], ['SYN', 'ACK'], ['SYN', 'ACK', 'DATA']] : [['connect'], ['connect', 'SYNACK'], ['connect', 'SYNACK', 'DATA']];
}

/**
 * The settings a learning run asks of a live target: no rate limit on ACKs to invalid segments
 * (Linux's 500 ms per socket, RFC 5961 §7 leaves it to the stack) and no global challenge-ACK limit.
 */
const LEARN_SETTINGS: ReadonlyArray<readonly [SysctlName, number]> = [
  ['tcp_invalid_ratelimit', 0],
  ['tcp_challenge_ack_limit', 2 ** 31 - 1],
];

/**
 * The stacks whose puppet runs on the stack under test and which have such limits (the slirp
 * target's puppet runs on the Linux behind slirp; lwIP has none).
 */
const SETTINGS_STACKS: ReadonlySet<string> = new Set(['linux', 'linux-uml', 'gvisor']);

/**
 * Inputs a rate-limiting stack may leave unanswered go this far apart: Linux's and gVisor's limit
 * is 500 ms. Not a divisor of 3 s or 7 s: gVisor's SYN/ACK retransmissions (1, 3, 7 s after its
 * SYN/ACK) then do not fall in step with a run of spaced inputs (at 600 ms, the sixth input met the
 * 3 s one and the vote on it had no majority).
 */
const RATE_LIMIT_GAP_MS = 650;

/** How long an application call other than accept and connect may take. */
const APP_CALL_BOUND_MS = 10_000;

/** Bounds of the measured wait, ms. */
export const WAIT_FLOOR_MS = 30;
export const WAIT_CEILING_MS = 1500;
/** Time given to each probe input while calibrating: more than any delayed ACK may take (500 ms). */
const PROBE_WAIT_MS = 700;

/**
 * Measures how long the target takes to answer each input: every input is tried in a few places
 * (before, in and after the handshake, after data) with a long wait, every answer timed from the
 * input that drew it. The wait after an input is three times the slowest answer it drew (within
 * {@link WAIT_FLOOR_MS}..{@link WAIT_CEILING_MS}; the floor for one that drew none), so a stack
 * that delays its ACKs makes only the inputs it acknowledges late wait long. An identical segment
 * arriving later than the slowest answer and a half is taken as a retransmission.
 */
export async function calibrate(query: (words: ReadonlyArray<readonly string[]>, t: Timing) => Promise<unknown>, role: LearnRole, inputs: readonly string[], say?: (line: string) => void): Promise<Timing> {
  const slowest = new Map<string, number>();
  const words = contexts(role).flatMap((c) => inputs.map((x) => [...c, x]));
  const onAnswer = (ms: number, input: string): void => void slowest.set(input, Math.max(ms, slowest.get(input) ?? 0));
  await query(words, { waitMs: PROBE_WAIT_MS, promptMs: 0, onAnswer });
  // Data in, the application's write at once, data again: a stack that delays its ACKs for
  // interactive traffic (Linux's pingpong mode, entered when its application answers data within
  // its ACK timeout) does it here. Played at the pace of learning, the last input waited for
  // long; four times, for whether the ACK waits depends on timing.
  const paced = inputs.includes('write') && inputs.includes('DATA') ? Array.from({ length: 4 }, () => [...(role === 'server' ? ['SYN', 'DATA'] : ['connect', 'SYNACK', 'DATA']), 'write', 'DATA']) : [];
  if (paced.length) await query(paced, { waitMs: PROBE_WAIT_MS, prefixWaitMs: WAIT_FLOOR_MS, promptMs: 0, onAnswer });
  const wait = (ms: number | undefined): number => Math.min(WAIT_CEILING_MS, Math.max(WAIT_FLOOR_MS, Math.ceil((ms ?? 0) * 3)));
  const waitFor = Object.fromEntries(inputs.map((x) => [x, wait(slowest.get(x))]));
  const worst = Math.max(0, ...slowest.values());
  const timing: Timing = { waitMs: Math.max(...Object.values(waitFor)), waitFor, promptMs: Math.max(5, Math.ceil(worst * 1.5)) };
  say?.(`calibrated over ${words.length + paced.length} probes: slowest answer ${worst.toFixed(1)} ms; waiting ${inputs.map((x) => `${x} ${waitFor[x]}`).join(', ')} ms`);
  return timing;
}
