/**
 * The live run loop: sends each `send` step, waits for each expectation and compares, learning
 * the peer's ISN from its SYN (and, in the server role, the client's address from it). All I/O
 * comes in as arguments (a link to send on, a queue of captured frames, a clock), so the same loop
 * runs against an in-memory peer in unit tests.
 *
 * Matching is strict, as in packetdrill: the next segment from the peer on a connection must
 * match the current expectation. An `optional` expectation is skipped when that segment matches
 * the following expectation instead, or when nothing arrives within its timeout. `either()`
 * takes the first alternative that matches; `anyOrder()` matches each of its expectations once,
 * in any order; `silence()` fails if anything arrives.
 */
import { stepError } from '../scenario/errors.js';
import type { AnyOrderStep, DrainStep, EitherStep, ExpectStep, Scenario, SilenceStep, Step } from '../scenario/types.js';
import { connOf, DEFAULT_TIMEOUT_MS, DEFAULT_WINDOW, MAIN_CONN } from '../scenario/model.js';
import { buildIcmpErrorFor } from '../wire/icmp.js';
import { buildPacket, parseFrame, parseOwnPacket, parsePacket, type Packet } from '../wire/packet.js';
import { toRaw } from '../wire/seq.js';
import { Flag } from '../wire/tcp.js';
import { addressedTo, directionOf, isComplete, type Flow, type FlowSpec } from './flow.js';
import { DEFAULT_TOLERANCE, matchExpectation, type FieldDiff, type MatchResult, type CaptureValue } from './match.js';
import { plan } from './plan.js';
import { makeReport, type Candidate, type Failure, type IcmpEvent, type RunReport, type TraceEvent } from './report.js';
import { buildSend } from './segment.js';
import { hasStarted, initialState, isClosed, observe, viewOf, type ConnState, type SegmentView } from './state.js';
import type { Clock, FrameQueue } from './queue.js';
import { AppDriver, type AppChannel, type AppOutcome } from './app.js';

/** Where packets go. */
export interface Link {
  /**
   * Sends one IPv4 packet (header included) built for scenario step `step` (undefined: a cleanup
   * RST). Which path carries it is the device's business (the session plan decided it per step).
   */
  send(packet: Uint8Array, step?: number): Promise<void>;
}

/** Everything a run needs from the outside world. */
export interface RunDeps {
  readonly link: Link;
  /** Frames captured on the flows, both directions (our own sends are recognised and skipped). */
  readonly frames: FrameQueue;
  readonly clock: Clock;
  /**
   * Aborting stops the run where it is: it then sends its cleanup RST and its report's failure is
   * `interrupted`, with the abort reason (a string such as 'SIGINT', else 'aborted').
   */
  readonly signal?: AbortSignal;
  /** The target's application, for app() steps (absent: a scenario with app() steps fails at the first). */
  readonly app?: AppChannel;
}

/** A further connection's flow and ISN. */
export interface RunConnection {
  readonly flow: FlowSpec;
  readonly localIsn: number;
}

/** Settings of one run. */
export interface RunConfig {
  readonly file: string;
  /** The main connection; in the server role the peer is usually left out and learned from the SYN. */
  readonly flow: FlowSpec;
  readonly localIsn: number;
  /** Further connections, by the names the scenario gives them. */
  readonly connections?: Readonly<Record<string, RunConnection>>;
  /** Default wait for each expectation, ms, when neither step nor scenario sets one. Default 3000. */
  readonly timeoutMs?: number;
  /** Send a RST the peer will accept when the run leaves a connection open. Default true. */
  readonly cleanupRst?: boolean;
  /** How long to keep listening after a mismatch, to show what else arrived. Default 100 ms. */
  readonly contextMs?: number;
  /**
   * The scenario's numbering was already checked by the planner for these flows and ISNs (the
   * session plan does it once); otherwise the run checks it before sending anything.
   */
  readonly checked?: boolean;
}

/** What a step leads to: the index of the next step, or the failure that ends the run. */
export type Outcome = { readonly next: number } | { readonly failure: Failure };

const next = (i: number): Outcome => ({ next: i });

/** One connection's live state. */
class Conn {
  state: ConnState;
  /**
   * Segments that arrived for this connection while another was being waited for (or that an
   * optional step left for the next one). Kept as packets and viewed when taken, so they are
   * numbered with what the connection knows then (e.g. the peer's ISN from a SYN/ACK queued first).
   * `stray`: sent to this connection's address and port, but not from its peer (see {@link addressedTo}).
   */
  readonly pending: Array<{ readonly packet: Packet; readonly timestampUs: bigint; readonly stray?: boolean }> = [];
  /** When the last segment from the peer was matched (µs), and the gap before it (ms), for `backoff`. */
  lastInUs: bigint | undefined;
  lastInGapMs: number | undefined;
  /** The latest segment from the peer that a step took (what an icmp() step quotes). */
  lastIn: Uint8Array | undefined;
  /**
   * When we first sent on this connection (µs). A segment from the peer captured before that
   * cannot answer anything of ours: it belongs to an earlier connection on the same 4-tuple (a
   * SYN/ACK the peer still retransmits for a run that was killed, say) and is left out.
   */
  firstOutUs: bigint | undefined;

  /** Segments captured before our first one on this connection: not ours to match. */
  stale(timestampUs: bigint): boolean {
    return this.firstOutUs !== undefined && timestampUs < this.firstOutUs;
  }

  constructor(
    readonly name: string,
    public flow: FlowSpec,
    localIsn: number,
  ) {
    this.state = initialState(localIsn);
  }

  /** The flow with the peer filled in (0.0.0.0:0 while unknown). */
  get fullFlow(): Flow {
    return { localIp: this.flow.localIp, localPort: this.flow.localPort, peerIp: this.flow.peerIp ?? '0.0.0.0', peerPort: this.flow.peerPort ?? 0 };
  }
}

class Run {
  readonly events: TraceEvent[] = [];
  readonly icmp: IcmpEvent[] = [];
  readonly captures = new Map<string, CaptureValue>();
  readonly conns = new Map<string, Conn>();
  /** Step being executed, for failures that are not about a segment. */
  current = 0;
  /** Time of the last segment sent or matched (µs), the reference for timing checks. */
  lastUs: bigint;
  /** The app() steps' calls, once the first one runs. */
  appDriver: AppDriver | undefined;

  constructor(
    readonly sc: Scenario,
    readonly cfg: RunConfig,
    readonly deps: RunDeps,
  ) {
    this.conns.set(MAIN_CONN, new Conn(MAIN_CONN, cfg.flow, cfg.localIsn));
    for (const [name, c] of Object.entries(cfg.connections ?? {})) this.conns.set(name, new Conn(name, c.flow, c.localIsn));
    this.lastUs = deps.clock.wallUs();
  }

  conn(step: Step): Conn {
    return this.conns.get(connOf(step)) ?? this.conns.get(MAIN_CONN)!;
  }

  private event(kind: TraceEvent['kind'], c: Conn, view: SegmentView, stepIndex?: number): void {
    this.events.push({ kind, ...(stepIndex !== undefined ? { stepIndex } : {}), ...(c.name !== MAIN_CONN ? { conn: c.name } : {}), view });
  }

  async send(c: Conn, bytes: Uint8Array, kind: 'sent' | 'cleanup', stepIndex?: number): Promise<void> {
    const parsed = parseOwnPacket(bytes);
    if (!parsed.ok) throw new Error(`built an unreadable packet: ${parsed.error.message}`);
    const before = this.deps.clock.wallUs();
    await this.deps.link.send(bytes, stepIndex);
    c.firstOutUs ??= before;
    const view = viewOf(parsed.value, 'out', c.state.isns, this.deps.clock.wallUs());
    c.state = observe(c.state, view, stepIndex ?? -1);
    this.moveReference(view.timestampUs);
    this.event(kind, c, view, stepIndex);
  }

  /**
   * The next segment from `c`'s peer within `ms`; segments for other connections are kept for
   * them. A segment sent to `c`'s address and port from another address or port (a stray: a
   * target answering a broadcast SYN from its own address) is returned only when `anyAddress`
   * (a silence() rules out any answer); otherwise it is recorded as unmatched, for the
   * diagnostic, and the wait goes on.
   */
  async nextIncoming(c: Conn, ms: number, anyAddress = false): Promise<SegmentView | undefined> {
    for (let queued = c.pending.shift(); queued; queued = c.pending.shift()) {
      if (c.stale(queued.timestampUs)) continue;
      const view = viewOf(queued.packet, 'in', c.state.isns, queued.timestampUs);
      if (!queued.stray || anyAddress) return view;
      this.event('unmatched', c, view);
    }
    const deadline = this.deps.clock.now() + ms;
    for (;;) {
      const left = Math.max(0, deadline - this.deps.clock.now());
      const frame = await this.deps.frames.take(left, this.deps.clock);
      if (!frame) return undefined;
      let packet = frame.packet;
      if (!packet) {
        const decoded = parseFrame(frame.data, frame.linkType);
        if (!decoded.ok) continue; // not ours to judge: undecodable frames never stop a run
        packet = decoded.value.packet;
      }
      // The connection it belongs to by 4-tuple, else the one whose address and port it is sent to.
      const conns = [...this.conns.values()];
      const pkt = packet;
      let owner = conns.find((o) => directionOf(pkt, o.flow) === 'in');
      const stray = owner === undefined;
      owner ??= conns.find((o) => isComplete(o.flow) && addressedTo(pkt, o.flow));
      if (!owner) continue;
      // Server role: the first segment from a client tells who the peer is.
      if (!isComplete(owner.flow)) owner.flow = { ...owner.flow, peerIp: packet.ip.src, peerPort: packet.tcp.srcPort };
      if (owner.stale(frame.timestampUs)) continue;
      if (owner !== c) {
        owner.pending.push({ packet, timestampUs: frame.timestampUs, ...(stray ? { stray } : {}) });
        continue;
      }
      const view = viewOf(packet, 'in', c.state.isns, frame.timestampUs);
      if (!stray || anyAddress) return view;
      this.event('unmatched', c, view);
    }
  }

  accept(c: Conn, view: SegmentView, stepIndex: number, result: MatchResult): void {
    c.state = observe(c.state, view, stepIndex);
    for (const [name, value] of result.captures) this.captures.set(name, value);
    c.lastIn = view.packet.bytes;
    if (c.lastInUs !== undefined) c.lastInGapMs = Number(view.timestampUs - c.lastInUs) / 1000;
    c.lastInUs = view.timestampUs;
    this.moveReference(view.timestampUs);
    this.event('received', c, view, stepIndex);
  }

  /** The segment at `us` becomes the reference for the next timing check. */
  moveReference(us: bigint): void {
    this.lastUs = us;
  }

  match(step: ExpectStep, c: Conn, view: SegmentView): MatchResult {
    const isns = view.packet.tcp.flags & Flag.SYN ? { local: c.state.isns.local, peer: view.packet.tcp.seq } : c.state.isns;
    const elapsedMs = Number(view.timestampUs - this.lastUs) / 1000;
    const tolerance = { ms: this.sc.tolerance?.ms ?? DEFAULT_TOLERANCE.ms, percent: this.sc.tolerance?.percent ?? DEFAULT_TOLERANCE.percent };
    // `backoff` compares the intervals between the peer's own segments on this connection, so
    // that our answers in between (a probe's ACK) do not reset the measure.
    const backoffGaps = c.lastInUs !== undefined && c.lastInGapMs !== undefined ? { gapMs: Number(view.timestampUs - c.lastInUs) / 1000, previousGapMs: c.lastInGapMs } : undefined;
    return matchExpectation(step, view, { isns, elapsedMs, tolerance, known: this.captures, ...(backoffGaps ? { backoffGaps } : {}) });
  }

  timeoutOf(step: ExpectStep): number {
    return step.fields.timeout ?? this.sc.timeout ?? this.cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Runs expectation `i` (and the one after it when `i` is optional). */
  async expect(i: number, step: ExpectStep): Promise<Outcome> {
    const c = this.conn(step);
    const waited = this.timeoutOf(step);
    const view = await this.nextIncoming(c, waited);
    if (!view) return step.fields.optional ? next(i + 1) : { failure: { kind: 'timeout', stepIndex: i, step, waitedMs: waited } };
    const result = this.match(step, c, view);
    if (result.diffs.length === 0) {
      this.accept(c, view, i, result);
      return next(i + 1);
    }
    const following: Step | undefined = this.sc.steps[i + 1];
    if (step.fields.optional && following?.kind === 'expect' && this.conn(following) === c && !following.fields.optional) {
      const nextResult = this.match(following, c, view);
      if (nextResult.diffs.length === 0) {
        this.accept(c, view, i + 1, nextResult);
        return next(i + 2);
      }
      return this.mismatch(c, i + 1, following, view, nextResult.diffs, [{ step, diffs: result.diffs }]);
    }
    if (step.fields.optional) {
      // Not the optional segment: leave it for whatever comes next (another optional step too).
      c.pending.unshift({ packet: view.packet, timestampUs: view.timestampUs });
      return next(i + 1);
    }
    return this.mismatch(c, i, step, view, result.diffs);
  }

  /** Runs `either` step `i`; when every alternative is optional, so is the step. */
  async either(i: number, step: EitherStep): Promise<Outcome> {
    const c = this.conn(step);
    const optional = step.alternatives.every((a) => a.fields.optional);
    const waited = Math.max(...step.alternatives.map((a) => this.timeoutOf(a)));
    const view = await this.nextIncoming(c, waited);
    if (!view) return optional ? next(i + 1) : { failure: { kind: 'timeout', stepIndex: i, step: step.alternatives[0]!, waitedMs: waited } };
    const tried = step.alternatives.map((a) => ({ step: a, result: this.match(a, c, view) }));
    const hit = tried.find((t) => t.result.diffs.length === 0);
    if (hit) {
      this.accept(c, view, i, hit.result);
      return next(i + 1);
    }
    if (optional) {
      // Not this segment: leave it for whatever comes next.
      c.pending.unshift({ packet: view.packet, timestampUs: view.timestampUs });
      return next(i + 1);
    }
    const ranked = [...tried].sort((a, b) => a.result.diffs.length - b.result.diffs.length);
    const best = ranked[0]!;
    return this.mismatch(c, i, best.step, view, best.result.diffs, ranked.slice(1).map((t) => ({ step: t.step, diffs: t.result.diffs })));
  }

  async anyOrder(i: number, step: AnyOrderStep): Promise<Outcome> {
    const c = this.conn(step);
    const left = [...step.items];
    const required = (): ExpectStep[] => left.filter((e) => !e.fields.optional);
    while (required().length > 0) {
      const waited = Math.max(...required().map((e) => this.timeoutOf(e)));
      const view = await this.nextIncoming(c, waited);
      if (!view) return { failure: { kind: 'timeout', stepIndex: i, step: required()[0]!, waitedMs: waited } };
      const tried = left.map((e) => ({ step: e, result: this.match(e, c, view) }));
      const hit = tried.find((t) => t.result.diffs.length === 0);
      if (!hit) {
        const ranked = tried.sort((a, b) => a.result.diffs.length - b.result.diffs.length);
        return this.mismatch(c, i, ranked[0]!.step, view, ranked[0]!.result.diffs, ranked.slice(1).map((t) => ({ step: t.step, diffs: t.result.diffs })));
      }
      left.splice(left.indexOf(hit.step), 1);
      this.accept(c, view, i, hit.result);
    }
    return next(i + 1);
  }

  async silence(i: number, step: SilenceStep): Promise<Outcome> {
    const c = this.conn(step);
    const from = this.deps.clock.now();
    const view = await this.nextIncoming(c, step.ms, true);
    if (!view) return next(i + 1);
    c.state = observe(c.state, view, i);
    this.event('unmatched', c, view);
    return { failure: { kind: 'unexpected', stepIndex: i, step, actual: view, afterMs: this.deps.clock.now() - from } };
  }

  /** Takes, unchecked, whatever is queued or arrives on the connection within `step.ms`. */
  async drain(i: number, step: DrainStep): Promise<Outcome> {
    const c = this.conn(step);
    const deadline = this.deps.clock.now() + step.ms;
    for (;;) {
      const view = await this.nextIncoming(c, Math.max(0, deadline - this.deps.clock.now()));
      if (!view) return next(i + 1);
      c.state = observe(c.state, view, i);
      c.lastIn = view.packet.bytes;
      this.event('drained', c, view, i);
    }
  }

  mismatch(c: Conn, i: number, step: ExpectStep, view: SegmentView, diffs: FieldDiff[], others?: Candidate[]): Outcome {
    this.event('unmatched', c, view);
    c.state = observe(c.state, view, i);
    return { failure: { kind: 'mismatch', stepIndex: i, step, actual: view, diffs, ...(others && others.length ? { others } : {}) } };
  }

  driver(i: number, step: Step): AppDriver {
    if (this.appDriver) return this.appDriver;
    if (!this.deps.app) throw stepError(this.cfg.file, i, step, 'kind', "this target has no application to drive (app() steps need the lab's puppet: run against a lab target)");
    return (this.appDriver = new AppDriver(this.deps.app, this.deps.clock));
  }

  /** The outcome of an app() call: its captures kept; a failure when it differs. */
  appOutcome(i: number, o: AppOutcome): Outcome {
    // A call that ran in the background fails at the app() step that made it and holds its checks.
    if (o.problems.length) return { failure: { kind: 'app', stepIndex: o.index, step: o.step, problems: o.problems, event: o.event } };
    for (const [name, value] of o.captures) this.captures.set(name, value);
    // Timing checks stay measured from the previous segment: a call in between does not move the
    // reference (as in a packetdrill script, whose times between segments add up).
    return next(i + 1);
  }

  /** Runs step `i`. */
  async step(i: number, step: Step): Promise<Outcome> {
    switch (step.kind) {
      case 'app': {
        const c = this.conn(step);
        const out = await this.driver(i, step).run(i, step, { name: c.name, flow: c.flow }, this.sc.timeout ?? this.cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        return out ? this.appOutcome(i, out) : next(i + 1);
      }
      case 'appWait': {
        const out = await this.driver(i, step).wait(step.name, (started) => {
          const c = this.conn(started);
          return { name: c.name, flow: c.flow };
        });
        return this.appOutcome(i, out);
      }
      case 'pause':
        await this.sleep(step.ms);
        return next(i + 1);
      case 'send': {
        const c = this.conn(step);
        if (!isComplete(c.flow)) throw stepError(this.cfg.file, i, step, 'conn', 'the peer of this connection is not known yet: the client must send its SYN first');
        const built = buildSend(step, c.state, c.flow, { window: this.sc.window ?? DEFAULT_WINDOW }, this.captures);
        if (!built.ok) throw stepError(this.cfg.file, i, step, built.field, built.problem);
        await this.send(c, buildPacket(built.spec), 'sent', i);
        return next(i + 1);
      }
      case 'expect':
        return this.expect(i, step);
      case 'either':
        return this.either(i, step);
      case 'anyOrder':
        return this.anyOrder(i, step);
      case 'silence':
        return this.silence(i, step);
      case 'drain':
        return this.drain(i, step);
      case 'icmp': {
        const c = this.conn(step);
        if (!c.lastIn || !isComplete(c.flow)) throw stepError(this.cfg.file, i, step, 'kind', 'an ICMP error quotes the peer\'s latest segment, and none has arrived on this connection yet');
        const bytes = buildIcmpErrorFor({ src: c.flow.localIp, dst: c.flow.peerIp, type: step.type, code: step.code, quoted: c.lastIn, ...(step.mtu !== undefined ? { mtu: step.mtu } : {}) });
        await this.deps.link.send(bytes, i);
        this.icmp.push({ stepIndex: i, ...(c.name !== MAIN_CONN ? { conn: c.name } : {}), type: step.type, code: step.code, timestampUs: this.deps.clock.wallUs(), bytes });
        return next(i + 1);
      }
    }
  }

  /** Collects what else arrives on any connection for a short while, for the diagnostic. */
  async collectContext(ms: number): Promise<void> {
    const deadline = this.deps.clock.now() + ms;
    for (const c of this.conns.values()) {
      for (;;) {
        const view = await this.nextIncoming(c, Math.max(0, deadline - this.deps.clock.now()));
        if (!view) break;
        c.state = observe(c.state, view, -1);
        this.event('unmatched', c, view);
      }
    }
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.deps.signal;
      const onAbort = (): void => {
        cancel();
        resolve();
      };
      // The abort listener goes when the pause ends: a scenario of many pauses must not pile them up.
      const cancel = this.deps.clock.setTimer(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** RSTs the peer will accept, for every connection left open. */
  async cleanup(): Promise<void> {
    for (const c of this.conns.values()) {
      if (!hasStarted(c.state) || isClosed(c.state) || !isComplete(c.flow)) continue;
      for (const rst of cleanupRsts(c.state, c.flow)) {
        try {
          await this.send(c, rst, 'cleanup');
        } catch {
          // The report already says how the run went; a lost cleanup RST is not worth masking that.
        }
      }
    }
  }
}

/** The flows and ISNs the planner should use for a static check of this run's scenario. */
function planFlows(sc: Scenario, cfg: RunConfig): { flow: Flow; connections: Record<string, { flow: Flow; localIsn: number; peerIsn: number }> } {
  const full = (f: FlowSpec): Flow => ({ localIp: f.localIp, localPort: f.localPort, peerIp: f.peerIp ?? '0.0.0.0', peerPort: f.peerPort ?? 1 });
  const connections: Record<string, { flow: Flow; localIsn: number; peerIsn: number }> = {};
  for (const name of Object.keys(sc.connections ?? {})) {
    const c = cfg.connections?.[name];
    if (c) connections[name] = { flow: full(c.flow), localIsn: c.localIsn, peerIsn: 0 };
  }
  return { flow: full(cfg.flow), connections };
}

/**
 * Runs a scenario on a live (or in-memory) link. Numbering problems are thrown as ScenarioError
 * before anything is sent; everything after that ends in a report, passed or failed.
 */
export async function runScenario(sc: Scenario, cfg: RunConfig, deps: RunDeps): Promise<RunReport> {
  if (!cfg.checked) {
    // Static check first: the planner throws on any step whose numbers cannot be worked out.
    const planned = planFlows(sc, cfg);
    plan(sc, { file: cfg.file, flow: planned.flow, localIsn: cfg.localIsn, peerIsn: 0, connections: planned.connections });
  }
  const run = new Run(sc, cfg, deps);
  const startedUs = deps.clock.wallUs();
  const started = deps.clock.now();
  let failure: Failure | undefined;
  const onAbort = (): void => deps.frames.close();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (let i = 0; i < sc.steps.length && !failure; ) {
      // Checked before moving on, so an interrupted run names the step it was in.
      if (deps.signal?.aborted) throw new Error('interrupted');
      run.current = i;
      const outcome = await run.step(i, sc.steps[i]!);
      if ('failure' in outcome) failure = outcome.failure;
      else i = outcome.next;
    }
    if (deps.signal?.aborted) throw new Error('interrupted');
    if (failure?.kind === 'mismatch') await run.collectContext(cfg.contextMs ?? 100);
  } catch (err) {
    failure = { kind: 'error', stepIndex: run.current, message: (err as Error).message };
  }
  if (deps.signal?.aborted) {
    const why: unknown = deps.signal.reason;
    failure = { kind: 'interrupted', stepIndex: run.current, reason: typeof why === 'string' ? why : 'aborted' };
  }
  deps.signal?.removeEventListener('abort', onAbort);
  const leftovers: SegmentView[] = [];
  for (const c of run.conns.values()) for (let v = await run.nextIncoming(c, 0); v; v = await run.nextIncoming(c, 0)) leftovers.push(v);
  if (cfg.cleanupRst !== false) await run.cleanup();
  const [main, ...others] = [...run.conns.values()].map((c) => ({ name: c.name, flow: c.fullFlow, isns: c.state.isns }));
  return makeReport(sc, cfg.file, [main!, ...others], { events: run.events, icmp: run.icmp, app: run.appDriver?.events ?? [], failure, leftovers, startedUs, durationMs: deps.clock.now() - started });
}

/**
 * RSTs the peer will accept (RFC 5961 §3.2: the sequence number must equal the receiver's RCV.NXT
 * exactly). The peer's RCV.NXT is its last acknowledgment, or our next sequence number if data we
 * sent reached it after that ACK: both are sent when they differ (the stale one is ignored).
 */
export function cleanupRsts(state: ConnState, flow: Flow): Uint8Array[] {
  const next = toRaw(state.sndNxt, state.isns.local);
  const seqs = state.peerAck === undefined || state.peerAck === next ? [next] : [state.peerAck, next];
  return seqs.map((seq) =>
    buildPacket({
      ip: { src: flow.localIp, dst: flow.peerIp },
      tcp: { srcPort: flow.localPort, dstPort: flow.peerPort, seq, ack: 0, flags: Flag.RST, window: 0 },
    }),
  );
}
