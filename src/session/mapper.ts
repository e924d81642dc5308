/**
 * The learner's mapper (issue 27): turns an abstract input word ("SYN", "ACK", "close"...) into
 * real segments and socket calls on one fresh connection, and what the target sent back into
 * abstract outputs ("SA(isn,next)", "RA(0,next)", "-"). It talks to a {@link Device}, the same seam
 * the run unit uses, so the reference stack in memory and a live lab target are learned alike.
 *
 * Numbers: the mapper keeps our own next sequence number and what it learnt of the target's (its
 * ISN from its SYN, its next sequence number from in-order segments). Each input is sent with
 * numbers valid for that state; the extra inputs of the full alphabet are deliberately off (an
 * acknowledgment above what the target sent, a reset or SYN inside the window but not at its
 * edge, data beyond the window, data without the ACK bit). An output names, for each segment, its
 * flags and how its sequence and acknowledgment numbers relate to what the mapper tracks.
 *
 * Roles are the target's: `server` means the target listens (its application accepts at once)
 * and we connect; `client` means the target's application connects to us when the `connect` input
 * says so. The application's inputs (`connect`, `write`, `close`) go through the puppet.
 */
import type { Device } from '../engine/device.js';
import type { Clock } from '../engine/queue.js';
import { directionOf, type FlowSpec } from '../engine/flow.js';
import type { PuppetReply } from '../lab/puppet.js';
import { familyOf } from '../wire/family.js';
import { buildPacket, parseFrame, type Packet } from '../wire/packet.js';
import { Flag, flagLetters } from '../wire/tcp.js';

/** The role of the stack being learned. */
export type LearnRole = 'server' | 'client';

/** Segment inputs of the basic alphabet, each with valid numbers. */
export const BASIC_SEGMENTS = ['SYN', 'SYNACK', 'ACK', 'DATA', 'FIN', 'RST', 'RSTACK'] as const;
/** Segment inputs the full alphabet adds: numbers deliberately off. */
export const EXTRA_SEGMENTS = ['ACK+', 'RST~', 'SYN~', 'DATA>', 'DATA-noack'] as const;
/** Application inputs (through the puppet). */
export const APP_INPUTS = ['connect', 'write', 'close'] as const;

export type AlphabetName = 'basic' | 'full';

/** What each input is, for --help and the JSON document. */
export const INPUT_MEANING: Readonly<Record<string, string>> = {
  SYN: 'SYN, seq our ISN',
  SYNACK: 'SYN+ACK, seq our ISN, ack the target’s next (0 before its SYN)',
  ACK: 'ACK, seq our next, ack the target’s next',
  DATA: 'ACK+PSH with one byte, seq our next, ack the target’s next',
  FIN: 'FIN+ACK, seq our next, ack the target’s next',
  RST: 'RST, seq our next',
  RSTACK: 'RST+ACK, seq our next, ack the target’s next',
  'ACK+': 'ACK acknowledging 1000 octets beyond what the target sent',
  'RST~': 'RST with seq one above our next (in the window, not exact)',
  'SYN~': 'SYN with seq 1000 above our ISN (in the window)',
  'DATA>': 'ACK+PSH with one byte, seq 2^30 beyond our next (outside the window)',
  'DATA-noack': 'PSH with one byte and no ACK bit',
  connect: "the target's application connects to us (client role)",
  write: "the target's application writes one byte",
  close: "the target's application closes its socket",
};

/** The input alphabet of a role. */
export function alphabet(name: AlphabetName, role: LearnRole): string[] {
  const segments: string[] = [...BASIC_SEGMENTS, ...(name === 'full' ? EXTRA_SEGMENTS : [])];
  if (role === 'client') return ['connect', ...segments, ...(name === 'full' ? ['write', 'close'] : ['close'])];
  return name === 'full' ? [...segments, 'write', 'close'] : segments;
}

/** How long to wait for answers. */
export interface Timing {
  /** After each input: how long to collect what the target sends, ms. */
  readonly waitMs: number;
  /**
   * A segment identical to one the target already sent in this query, arriving later than this
   * after our last input, is its retransmission timer's doing, not an answer: left out.
   */
  readonly promptMs: number;
  /** The wait after each input where it differs from `waitMs` (measured per input). */
  readonly waitFor?: Readonly<Record<string, number>>;
  /**
   * A target that answers invalid segments at most once per this many ms on a connection (a rate
   * limit it cannot be asked to lift): inputs that may draw such an answer ({@link RATE_LIMITED})
   * are sent at least this far apart within a query, so that every one of them can be answered.
   */
  readonly limitGapMs?: number;
  /**
   * The wait after every input but a word's last (calibration: a context played at the pace of
   * learning, then its last input given a long wait).
   */
  readonly prefixWaitMs?: number;
  /** Told how long each answer (not a retransmission) took after its input, ms (calibration). */
  readonly onAnswer?: (ms: number, input: string) => void;
}

/** One query's connection: the device, the flow (our end fresh; the peer's port, for a target client, learnt from its SYN). */
export interface QueryConnection {
  readonly device: Device;
  readonly flow: FlowSpec;
  /** The target's application, for the app inputs (absent: they answer `noapp`). */
  readonly app?: QueryApp;
}

/** The target's application for one query, as the mapper drives it. */
export interface QueryApp {
  call(call: string, args: ReadonlyArray<string | number>): Promise<PuppetReply>;
}

/**
 * What the mapper tracks on the connection. It follows the target rather than counting for
 * itself: our next segment goes where the target's last acknowledgment points, so that inputs
 * the target ignored leave no trace in the numbers (else the learnt machine would count them).
 */
interface Track {
  /** Our ISN on the current connection: a fresh one after each reset (see {@link forget}). */
  localIsn: number;
  /** The target's ISN on the current connection, once its SYN came. */
  peerIsn?: number;
  /** The target's next sequence number (raw), once its SYN came; kept in order. */
  rcvNxt?: number;
  /** The last acknowledgment number the target sent (raw). */
  peerAck?: number;
  /** Segments received so far: key → time, for retransmissions. */
  readonly seen: Map<string, number>;
  /** The end of the highest sequence space the target has sent (raw), once its SYN came. */
  highEnd?: number;
  /** Where the target's FIN ended and where ours did (raw), once each went in order. */
  finIn?: number;
  finOut?: number;
  /** Our last segment: whether it carried an ACK, its acknowledgment number, where it ended (all raw). */
  lastHadAck: boolean;
  lastAck: number;
  /**
   * The highest acknowledgment we sent on a segment the target had to take (valid numbers, not a
   * SYN, on a connection we know): an ACK riding an unacceptable segment acknowledges nothing.
   */
  ackedIn?: number;
  /**
   * The end of the highest sequence space we sent with valid numbers on the current connection
   * (raw): what the target should acknowledge. Forgotten when a reset ends the connection.
   */
  sentEnd?: number;
}

const u32 = (n: number): number => n >>> 0;

/** The target's application sockets in this query. */
class AppState {
  listener: number | undefined;
  sock: number | undefined;
  /** The accept or connect under way. */
  pending: Promise<void> | undefined;
  /** The query is over: no more accepts. */
  ended = false;
  /** Connections accepted so far, and which one `sock` is. */
  accepted = 0;
  sockIndex: number | undefined;
  /** What the last app input did. */
  last: AppCallRecord | undefined;

  constructor(readonly app: QueryApp | undefined) {}

  async call(call: string, args: ReadonlyArray<string | number>): Promise<PuppetReply | undefined> {
    return this.app?.call(call, args);
  }
}

/**
 * How a segment's sequence number relates to what we expect: `next` when it is the number our last
 * segment acknowledged, or the target's next as we tracked it (in order); `isn` for a SYN; `0`.
 */
function seqRelation(p: Packet, t: Track): string {
  const seq = p.tcp.seq;
  if (p.tcp.flags & Flag.SYN) return 'isn';
  if ((t.lastHadAck && seq === t.lastAck) || seq === t.rcvNxt) return 'next';
  // A reset answering a segment without ACK has sequence number zero (RFC 9293 §3.10.7.1).
  if (seq === 0) return '0';
  if (t.rcvNxt === undefined) return 'other';
  return ((seq - t.rcvNxt) | 0) < 0 ? 'old' : 'ahead';
}

/** How a segment's acknowledgment relates to the end of what we sent with valid numbers. */
function ackRelation(p: Packet, t: Track): string {
  const ack = p.tcp.ack;
  if (!(p.tcp.flags & Flag.ACK)) return ack === 0 ? '0' : 'x';
  const want = t.sentEnd ?? u32(t.localIsn + 1);
  if (ack === want) return 'next';
  return ((ack - want) | 0) < 0 ? 'old' : 'ahead';
}

/**
 * One received segment as an output symbol, e.g. `A(next,next)` or `PA(next,next,data)`. How much
 * data is left out: the application writes one byte at a time, and a stack that holds small
 * segments back (Nagle) would otherwise make the machine count the writes.
 */
export function outputSymbol(p: Packet, t: Track): string {
  return `${flagLetters(p.tcp.flags & 0x3f)}(${seqRelation(p, t)},${ackRelation(p, t)}${p.payload.length ? ',data' : ''})`;
}

/** Apart, in sequence space, of the ISNs of successive connections in one query. */
const ISN_STEP = 0x0100_0000;

/**
 * A reset ended the connection (ours with valid numbers, or the target's): what we knew of it
 * goes, and a SYN after it opens a new connection with a new ISN, as a real client's would. Else
 * the machine would remember, through the numbers, connections that are gone.
 */
function forget(t: Track): void {
  t.localIsn = u32(t.localIsn + ISN_STEP);
  t.rcvNxt = undefined;
  t.peerIsn = undefined;
  t.peerAck = undefined;
  t.sentEnd = undefined;
  t.highEnd = undefined;
  t.finIn = undefined;
  t.finOut = undefined;
  t.lastHadAck = false;
  t.lastAck = 0;
  t.ackedIn = undefined;
}

/** Both FINs went and were acknowledged: the connection is over, as after a reset. */
function closedBothWays(t: Track): boolean {
  const covers = (a: number | undefined, b: number | undefined): boolean => a !== undefined && b !== undefined && ((a - b) | 0) >= 0;
  return covers(t.ackedIn, t.finIn) && covers(t.peerAck, t.finOut);
}

/** True when `p` carries data or a FIN, all of it sequence space the target has sent before. */
function nothingNew(p: Packet, t: Track): boolean {
  const len = p.payload.length + (p.tcp.flags & Flag.FIN ? 1 : 0);
  if (len === 0 || p.tcp.flags & Flag.SYN || t.highEnd === undefined) return false;
  return ((u32(p.tcp.seq + len) - t.highEnd) | 0) <= 0;
}

/** Takes what the target sent into the tracked state. */
function observeIn(p: Packet, t: Track): void {
  const fresh = (p.tcp.flags & Flag.SYN) !== 0 && t.peerIsn !== undefined && p.tcp.seq !== t.peerIsn;
  if (p.tcp.flags & Flag.SYN) t.peerIsn = p.tcp.seq;
  const len = p.payload.length + (p.tcp.flags & Flag.SYN ? 1 : 0) + (p.tcp.flags & Flag.FIN ? 1 : 0);
  const end = u32(p.tcp.seq + len);
  if (p.tcp.flags & Flag.SYN) t.highEnd = end;
  else if (t.highEnd !== undefined && ((end - t.highEnd) | 0) > 0) t.highEnd = end;
  if (p.tcp.flags & Flag.SYN) {
    t.rcvNxt = end;
  } else if (t.rcvNxt !== undefined && p.tcp.seq === t.rcvNxt) {
    t.rcvNxt = u32(t.rcvNxt + len);
    if (p.tcp.flags & Flag.FIN) t.finIn = t.rcvNxt;
  }
  // With no connection known (none yet, or forgotten), an acknowledgment belongs to a connection
  // that is gone: following it would bring that one back.
  if (p.tcp.flags & Flag.ACK && t.rcvNxt !== undefined) t.peerAck = p.tcp.ack;
  if ((p.tcp.flags & (Flag.SYN | Flag.ACK)) === (Flag.SYN | Flag.ACK)) {
    // A target whose SYN acknowledges our in-window SYN (SYN~) took that SYN as the start of a
    // connection: it begins our sequence space. Else every later answer would be 'ahead', and the
    // machine would hold a copy of itself shifted by the SYN's offset. A new SYN of the target's (a
    // new ISN) answering our SYN: a new connection, begun where our SYN was, whatever the old one
    // had seen (a target may have dropped that one without a word).
    const tookSynAlt = p.tcp.ack === u32(t.localIsn + IN_WINDOW_SYN + 1);
    if (tookSynAlt || (fresh && p.tcp.ack === u32(t.localIsn + 1))) {
      t.sentEnd = p.tcp.ack;
      if (fresh) t.finIn = t.finOut = t.ackedIn = undefined;
    }
  }
}

/**
 * Inputs a stack may answer with an ACK it rate-limits (RFC 5961's challenge ACKs, ACKs to segments
 * outside the window): a SYN or SYN/ACK on a synchronized connection, an acknowledgment above
 * SND.NXT, an inexact RST, data beyond the window.
 */
export const RATE_LIMITED: ReadonlySet<string> = new Set(['SYN', 'SYNACK', 'SYN~', 'ACK+', 'RST~', 'DATA>']);

/** The byte each data input carries ('x'). */
export const DATA_BYTE = 0x78;
const ONE_BYTE = Uint8Array.of(DATA_BYTE);

/** Where SYN~ goes, above our ISN: inside any window a target offers after a few inputs. */
const IN_WINDOW_SYN = 1000;

/** The segment an input sends: flags, raw seq and ack, payload. */
function segmentFor(input: string, t: Track): { flags: number; seq: number; ack: number; payload: Uint8Array; valid: boolean } | undefined {
  // Before the target's SYN there is nothing to acknowledge: a fixed number, not zero.
  const ack = t.rcvNxt ?? u32(t.localIsn + 0x4000_0000);
  const isn = t.localIsn;
  const n = t.peerAck ?? u32(isn + 1);
  const S = Flag.SYN;
  const A = Flag.ACK;
  const P = Flag.PSH;
  const F = Flag.FIN;
  const R = Flag.RST;
  const none = new Uint8Array(0);
  switch (input) {
    case 'SYN':
      return { flags: S, seq: isn, ack: 0, payload: none, valid: true };
    case 'SYNACK':
      return { flags: S | A, seq: isn, ack, payload: none, valid: true };
    case 'ACK':
      return { flags: A, seq: n, ack, payload: none, valid: true };
    case 'DATA':
      return { flags: P | A, seq: n, ack, payload: ONE_BYTE, valid: true };
    case 'FIN':
      return { flags: F | A, seq: n, ack, payload: none, valid: true };
    case 'RST':
      return { flags: R, seq: n, ack: 0, payload: none, valid: true };
    case 'RSTACK':
      return { flags: R | A, seq: n, ack, payload: none, valid: true };
    case 'ACK+':
      return { flags: A, seq: n, ack: u32(ack + 1000), payload: none, valid: false };
    case 'RST~':
      return { flags: R, seq: u32(n + 1), ack: 0, payload: none, valid: false };
    case 'SYN~':
      // At a fixed place above our ISN, not after the target's acknowledgment: a target that takes
      // it as a new connection acknowledges it, and following that would move it on every time.
      return { flags: S, seq: u32(isn + IN_WINDOW_SYN), ack: 0, payload: none, valid: false };
    case 'DATA>':
      return { flags: P | A, seq: u32(n + 0x4000_0000), ack, payload: ONE_BYTE, valid: false };
    case 'DATA-noack':
      // Not counted as sent: a stack that follows RFC 9293 drops a segment without ACK.
      return { flags: P, seq: n, ack: 0, payload: ONE_BYTE, valid: false };
    default:
      return undefined;
  }
}

/** Our options on a SYN: an MSS that fits any link of the lab. */
export const SYN_OPTIONS = [{ kind: 'mss' as const, value: 1200 }];

/** The window of every segment the mapper sends. */
export const QUERY_WINDOW = 8192;

/** The target's application could not listen on the query's port (a connection of an earlier run may hold it). */
export class PortInUse extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use on the target`);
  }
}

/** A segment of a query's trace: raw numbers, flag letters, payload length. */
export interface TraceSegment {
  readonly flags: string;
  readonly seq: number;
  readonly ack: number;
  readonly len: number;
}

/** What happened on one input of a query. */
export interface TraceStep {
  readonly input: string;
  /** The segment the input sent (app inputs send none). */
  readonly sent?: TraceSegment;
  /** What the target sent that counted as the answer (retransmissions left out). */
  readonly received: readonly TraceSegment[];
  readonly output: string;
  /**
   * An app input: whether the call was made, what it failed with, and on which of the
   * connections the application accepted (1 the first), when it acted on one.
   */
  readonly call?: AppCallRecord;
}

/** What an app input did. */
export interface AppCallRecord {
  readonly made: boolean;
  readonly errno?: string;
  readonly connection?: number;
}

/** A query as it went on the wire: what a scenario replaying it needs. */
export interface QueryTrace {
  readonly localIsn: number;
  /** The target's ISN, when its SYN came. */
  readonly peerIsn?: number;
  readonly targetPort: number;
  readonly steps: readonly TraceStep[];
}

/** Extras of {@link runQuery}. */
export interface QueryExtras {
  /** Called with the query's trace once it is over. */
  readonly trace?: (t: QueryTrace) => void;
  /** Called after the last input's answers, before the clean-up (the reference reads its state there). */
  readonly beforeCleanup?: () => void;
}

const segmentOf = (flags: number, seq: number, ack: number, len: number): TraceSegment => ({ flags: flagLetters(flags & 0x3f), seq, ack, len });

/**
 * Runs one query: `word` on a fresh connection `conn`, our ISN `localIsn`. Returns one output per
 * input; cleans up after itself (a reset the target accepts, the application's sockets closed).
 */
export async function runQuery(word: readonly string[], conn: QueryConnection, localIsn: number, role: LearnRole, timing: Timing, targetPort: number, extras: QueryExtras = {}): Promise<string[]> {
  const { device } = conn;
  let flow: FlowSpec = conn.flow;
  const t: Track = { localIsn, seen: new Map(), lastHadAck: false, lastAck: 0 };
  const app = new AppState(conn.app);
  const family = familyOf(flow.peerIp ?? flow.localIp) === 6 ? 6 : 4;
  let lastSendAt = device.clock.now();
  let lastLimitedAt = -Infinity;
  let forgetAfter = false;
  let current = '';
  let sent: TraceSegment | undefined;
  let received: TraceSegment[] = [];
  let peerIsn: number | undefined;
  const steps: TraceStep[] = [];

  if (role === 'server' && conn.app) {
    // The target's application listens on this query's port and accepts at once.
    app.listener = await socket(app, family);
    const bound = await app.call('bind', [app.listener, flow.peerIp ?? '', targetPort]);
    if (bound && bound.ret < 0) {
      await app.call('close', [app.listener]).catch(() => undefined);
      // Nothing was sent yet: the caller may try the query again on another port.
      if (bound.errno === 'EADDRINUSE') throw new PortInUse(targetPort);
      throw new Error(`the target's application: bind failed with ${bound.errno}`);
    }
    await expectOk(app.call('listen', [app.listener, 8]), 'listen');
    app.pending = accept(app);
  }

  const send = async (flags: number, seq: number, ack: number, payload: Uint8Array, valid = false): Promise<void> => {
    if (flow.peerIp === undefined || flow.peerPort === undefined) return; // a client target that never connected: nowhere to send
    const packet = buildPacket({
      ip: { src: flow.localIp, dst: flow.peerIp },
      tcp: { srcPort: flow.localPort, dstPort: flow.peerPort, seq, ack: flags & Flag.ACK ? ack : 0, flags, window: QUERY_WINDOW, ...(flags & Flag.SYN ? { options: SYN_OPTIONS } : {}) },
      payload,
    });
    t.lastHadAck = (flags & Flag.ACK) !== 0;
    t.lastAck = ack;
    if (valid) {
      const end = u32(seq + payload.length + (flags & Flag.SYN ? 1 : 0) + (flags & Flag.FIN ? 1 : 0));
      if (flags & Flag.RST) {
        forgetAfter = true;
      } else if (flags & Flag.SYN && t.rcvNxt === undefined) {
        // A SYN with no connection opens one: a new sequence space, whatever went before it.
        t.sentEnd = end;
      } else if (t.rcvNxt !== undefined && (t.sentEnd !== undefined || flags & Flag.SYN)) {
        // Only what a connection can take counts: nothing beyond our FIN (RFC 9293 ignores text
        // after it), nothing sent where no connection is (its answer is a reset, not an ACK), nor
        // before our SYN (there is no sequence space of ours yet).
        if (t.finOut === undefined || ((end - t.finOut) | 0) <= 0) {
          if (flags & Flag.FIN && t.finOut === undefined) t.finOut = end;
          if (t.sentEnd === undefined || ((end - t.sentEnd) | 0) > 0) t.sentEnd = end;
        }
        if (flags & Flag.ACK && !(flags & Flag.SYN) && (t.ackedIn === undefined || ((ack - t.ackedIn) | 0) > 0)) t.ackedIn = ack;
      }
    }
    lastSendAt = device.clock.now();
    sent = segmentOf(flags, seq, flags & Flag.ACK ? ack : 0, payload.length);
    await device.send(packet);
  };

  /** Collects what the target sends for `ms`, as output symbols. */
  const collect = async (ms: number): Promise<string[]> => {
    const out: string[] = [];
    const deadline = device.clock.now() + ms;
    for (;;) {
      const left = deadline - device.clock.now();
      const frame = await device.frames.take(Math.max(0, left), device.clock);
      if (!frame) return out;
      const decoded = frame.packet ? { ok: true as const, value: { packet: frame.packet } } : parseFrame(frame.data, frame.linkType);
      if (!decoded.ok) continue;
      const p = decoded.value.packet;
      if (flow.peerPort === undefined && p.tcp.dstPort === flow.localPort && p.tcp.flags & Flag.SYN) flow = { ...flow, peerIp: p.ip.src, peerPort: p.tcp.srcPort };
      if (directionOf(p, flow) !== 'in') continue;
      const key = `${p.tcp.flags}/${p.tcp.seq}/${p.tcp.ack}/${p.payload.length}`;
      const now = device.clock.now();
      // Data or a FIN the target sent before, again: its retransmission timer's doing (or a fast
      // retransmit), never counted as an answer. A timer does not wait for our inputs, so the
      // same word would draw it on one run and not on the next.
      if (nothingNew(p, t)) continue;
      const first = !t.seen.has(key);
      t.seen.set(key, now);
      // A segment without new sequence space sent again (a SYN/ACK) answers an input only promptly.
      if (!first && now - lastSendAt > timing.promptMs) continue;
      if (first) timing.onAnswer?.(now - lastSendAt, current);
      out.push(outputSymbol(p, t));
      if (p.tcp.flags & Flag.RST) forgetAfter = true;
      received.push(segmentOf(p.tcp.flags, p.tcp.seq, p.tcp.ack, p.payload.length));
      if (p.tcp.flags & Flag.SYN) peerIsn ??= p.tcp.seq;
      observeIn(p, t);
    }
  };

  /** A reset went either way, or both FINs were acknowledged: the connection is forgotten. */
  const endIfOver = (): void => {
    if (forgetAfter || closedBothWays(t)) forget(t);
    forgetAfter = false;
  };

  const outputs: string[] = [];
  try {
    for (const [position, input] of word.entries()) {
      current = input;
      const limited = timing.limitGapMs !== undefined && RATE_LIMITED.has(input);
      if (limited) {
        // The gap: what arrives meanwhile came long after the last input's wait, of the target's
        // own accord (a timer's): taken into what we know, no input's answer.
        const wait = lastLimitedAt + timing.limitGapMs! - device.clock.now();
        received = []; // not the last step's: its trace holds what came within its wait
        if (wait > 0) await collect(wait);
        endIfOver();
      }
      const seg = segmentFor(input, t);
      let note = '';
      sent = undefined;
      received = [];
      if (seg) {
        if (limited) lastLimitedAt = device.clock.now();
        await send(seg.flags, seg.seq, seg.ack, seg.payload, seg.valid);
      } else {
        lastSendAt = device.clock.now();
        app.last = undefined;
        note = await appInput(input, app, role, family, flow, timing, device.clock);
      }
      const got = await collect(timing.prefixWaitMs !== undefined && position < word.length - 1 ? timing.prefixWaitMs : (timing.waitFor?.[input] ?? timing.waitMs));
      endIfOver();
      // The same segment twice in a row is one answer: how many duplicate ACKs a stack's timer
      // adds within the wait (lwIP's 250 ms one) depends on where in its period the input fell.
      const answers = got.filter((x, k) => x !== got[k - 1]);
      const output = (answers.length ? answers.join('+') : '-') + note;
      outputs.push(output);
      steps.push({ input, ...(sent ? { sent } : {}), received, output, ...(!seg && app.last ? { call: app.last } : {}) });
    }
    extras.beforeCleanup?.();
  } finally {
    // Leave nothing behind: a reset the target takes in any synchronized state (or SYN-RECEIVED),
    // then the application's sockets.
    if (t.peerAck !== undefined) await send(Flag.RST, t.peerAck, 0, new Uint8Array(0)).catch(() => undefined);
    else if (t.rcvNxt !== undefined) await send(Flag.RST | Flag.ACK, u32(localIsn + 1), t.rcvNxt, new Uint8Array(0)).catch(() => undefined);
    if (app.sock !== undefined) await app.call('close', [app.sock]).catch(() => undefined);
    app.ended = true;
    if (app.listener !== undefined) {
      // A shutdown wakes the accept still blocked on the listener (a close alone would leave it,
      // and its puppet thread, waiting for good).
      await app.call('shutdown', [app.listener, 'rdwr']).catch(() => undefined);
      await app.call('close', [app.listener]).catch(() => undefined);
      if (app.pending) await within(app.pending, 1000, device.clock);
      if (app.sock !== undefined) await app.call('close', [app.sock]).catch(() => undefined);
    }
  }
  extras.trace?.({ localIsn, ...(peerIsn !== undefined ? { peerIsn } : {}), targetPort, steps });
  return outputs;
}

/** Waits for `p`, at most `ms` on `clock`. */
async function within(p: Promise<unknown>, ms: number, clock: Clock): Promise<void> {
  let cancel = (): void => undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((r) => (cancel = clock.setTimer(ms, r)))]);
  cancel();
}

async function socket(app: AppState, family: 4 | 6): Promise<number> {
  const r = await app.call('socket', [family]);
  if (!r || r.ret < 0) throw new Error(`the target's application could not open a socket (${r?.errno ?? 'no application'})`);
  return r.ret;
}

async function expectOk(p: Promise<PuppetReply | undefined>, what: string): Promise<void> {
  const r = await p;
  if (r && r.ret < 0) throw new Error(`the target's application: ${what} failed with ${r.errno}`);
}

/** What a write fails with once the connection is gone. */
const GONE = new Set(['ECONNRESET', 'EPIPE', 'ENOTCONN', 'ECONNABORTED']);

/** Starts an accept on the listener; its socket becomes the connection's when it returns. */
function accept(app: AppState): Promise<void> {
  return (async () => {
    const r = await app.call('accept', [app.listener!]).catch(() => undefined);
    if (!r || r.ret < 0) return;
    // A new connection on the same port: the one before it is over (the 4-tuple is the same), so
    // its socket goes, and the application accepts again, as a server does.
    const old = app.sock;
    app.sock = r.ret;
    app.sockIndex = ++app.accepted;
    if (old !== undefined) await app.call('close', [old]).catch(() => undefined);
    if (!app.ended) app.pending = accept(app);
  })();
}

/**
 * An application input. Returns a note for the output: empty when the call was made (its effect
 * shows in the segments), `/nosock` when the application has no connection to act on yet,
 * `/ERRNO` when the call failed at once.
 */
async function appInput(input: string, app: AppState, role: LearnRole, family: 4 | 6, flow: FlowSpec, timing: Timing, clock: Clock): Promise<string> {
  if (!app.app) return '/noapp';
  switch (input) {
    case 'connect': {
      if (role !== 'client') {
        app.last = { made: false };
        return '/nosock';
      }
      if (app.sock !== undefined || app.pending) {
        app.last = { made: false };
        return '/again';
      }
      const h = await socket(app, family);
      app.sock = h;
      app.last = { made: true, connection: 1 };
      // Blocks until established or failed: runs on while the query goes on.
      app.pending = app
        .call('connect', [h, flow.localIp, flow.localPort])
        .then(() => undefined)
        .catch(() => undefined);
      return '';
    }
    case 'write':
    case 'close': {
      if (app.sock === undefined && app.pending && role === 'server') {
        // An accept under way: give it the time an answer gets to return.
        await within(app.pending, timing.waitMs, clock);
      }
      const h = app.sock;
      // Closing nothing is nothing; writing with no connection is the application's mistake.
      if (h === undefined) {
        app.last = { made: false };
        return input === 'close' ? '' : '/nosock';
      }
      const connection = app.sockIndex;
      if (input === 'close') {
        app.sock = undefined;
        const r = await app.call('close', [h]);
        app.last = { made: true, ...(r && r.ret < 0 ? { errno: r.errno ?? 'EIO' } : {}), ...(connection !== undefined ? { connection } : {}) };
        return r && r.ret < 0 ? `/${r.errno}` : '';
      }
      const r = await app.call('write', [h, 1, '-']);
      app.last = { made: true, ...(r && r.ret < 0 ? { errno: r.errno ?? 'EIO' } : {}), ...(connection !== undefined ? { connection } : {}) };
      if (r && r.ret < 0 && GONE.has(r.errno ?? '')) {
        // The connection was reset or closed under the application: it closes its socket, and
        // from then on has none (as if it had never been accepted).
        app.sock = undefined;
        await app.call('close', [h]).catch(() => undefined);
        return '/nosock';
      }
      return r && r.ret < 0 ? `/${r.errno}` : '';
    }
    default:
      throw new RangeError(`unknown input ${JSON.stringify(input)}`);
  }
}
