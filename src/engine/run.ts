/**
 * The live run loop: sends each `send` step, waits for each `expect` step and compares, learning
 * the peer's ISN from its SYN. All I/O comes in as arguments (a link to send on, a queue of
 * captured frames, a clock), so the same loop runs against an in-memory peer in unit tests.
 *
 * Matching is strict, as in packetdrill: the next segment from the peer must match the current
 * expectation. An `optional` expectation is skipped when that segment matches the following
 * expectation instead, or when nothing arrives within its timeout.
 */
import { stepError } from '../scenario/errors.js';
import type { ExpectStep, Scenario, Step } from '../scenario/types.js';
import { buildPacket, parseFrame, parsePacket } from '../wire/packet.js';
import { toRaw } from '../wire/seq.js';
import { Flag } from '../wire/tcp.js';
import { directionOf, type Flow } from './flow.js';
import { diffExpectation, type FieldDiff } from './match.js';
import { DEFAULT_WINDOW, plan } from './plan.js';
import type { Failure, RunReport, TraceEvent } from './report.js';
import { buildSend } from './segment.js';
import { hasStarted, initialState, isClosed, observe, viewOf, type ConnState, type SegmentView } from './state.js';
import type { Clock, FrameQueue } from './queue.js';

/** Where packets go. */
export interface Link {
  /** Sends one IPv4 packet (header included). */
  send(packet: Uint8Array): Promise<void>;
}

/** Everything a run needs from the outside world. */
export interface RunDeps {
  readonly link: Link;
  /** Frames captured on the flow, both directions (our own sends are recognised and skipped). */
  readonly frames: FrameQueue;
  readonly clock: Clock;
  /** Aborting stops the run where it is (it then sends its cleanup RST and reports as interrupted). */
  readonly signal?: AbortSignal;
}

/** Settings of one run. */
export interface RunConfig {
  readonly file: string;
  readonly flow: Flow;
  readonly localIsn: number;
  /** Default wait for each expectation, ms, when neither step nor scenario sets one. Default 3000. */
  readonly timeoutMs?: number;
  /** Send a RST the peer will accept when the run leaves the connection open. Default true. */
  readonly cleanupRst?: boolean;
  /** How long to keep listening after a mismatch, to show what else arrived. Default 100 ms. */
  readonly contextMs?: number;
}

/** Default wait for an expected segment. */
export const DEFAULT_TIMEOUT_MS = 3000;

class Run {
  state: ConnState;
  readonly events: TraceEvent[] = [];
  failure: Failure | undefined;
  private pending: SegmentView | undefined;

  constructor(
    readonly sc: Scenario,
    readonly cfg: RunConfig,
    readonly deps: RunDeps,
  ) {
    this.state = initialState(cfg.localIsn);
  }

  async send(bytes: Uint8Array, kind: 'sent' | 'cleanup', stepIndex?: number): Promise<void> {
    const parsed = parsePacket(bytes);
    if (!parsed.ok) throw new Error(`built an unreadable packet: ${parsed.error.message}`);
    await this.deps.link.send(bytes);
    const view = viewOf(parsed.value, 'out', this.state.isns, this.deps.clock.wallUs());
    this.state = observe(this.state, view, stepIndex ?? -1);
    this.events.push({ kind, ...(stepIndex !== undefined ? { stepIndex } : {}), view });
  }

  /** The next segment from the peer within `ms`, skipping our own frames and other flows. */
  async nextIncoming(ms: number): Promise<SegmentView | undefined> {
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      return p;
    }
    const deadline = this.deps.clock.now() + ms;
    for (;;) {
      const left = Math.max(0, deadline - this.deps.clock.now());
      const frame = await this.deps.frames.take(left, this.deps.clock);
      if (!frame) return undefined;
      const decoded = parseFrame(frame.data, frame.linkType);
      if (!decoded.ok) continue; // not ours to judge: undecodable frames never stop a run
      if (directionOf(decoded.value.packet, this.cfg.flow) !== 'in') continue;
      return viewOf(decoded.value.packet, 'in', this.state.isns, frame.timestampUs);
    }
  }

  accept(view: SegmentView, stepIndex: number): void {
    this.state = observe(this.state, view, stepIndex);
    this.events.push({ kind: 'received', stepIndex, view });
  }

  timeoutOf(step: ExpectStep): number {
    return step.fields.timeout ?? this.sc.timeout ?? this.cfg.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Runs expectation `i` (and the one after it when `i` is optional); returns the next step index. */
  async expect(i: number, step: ExpectStep): Promise<number> {
    const waited = this.timeoutOf(step);
    const view = await this.nextIncoming(waited);
    if (!view) {
      if (step.fields.optional) return i + 1;
      this.failure = { kind: 'timeout', stepIndex: i, step, waitedMs: waited };
      return -1;
    }
    const diffs = diffExpectation(step, view, view.dir === 'in' ? this.isnsFor(view) : this.state.isns);
    if (diffs.length === 0) {
      this.accept(view, i);
      return i + 1;
    }
    const next: Step | undefined = this.sc.steps[i + 1];
    if (step.fields.optional && next?.kind === 'expect') {
      const nextDiffs = diffExpectation(next, view, this.isnsFor(view));
      if (nextDiffs.length === 0) {
        this.accept(view, i + 1);
        return i + 2;
      }
      if (!next.fields.optional) return this.mismatch(i + 1, next, view, nextDiffs);
    }
    if (step.fields.optional && next?.kind !== 'expect') {
      // Not the optional segment: leave it for whatever comes next.
      this.pending = view;
      return i + 1;
    }
    return this.mismatch(i, step, view, diffs);
  }

  isnsFor(view: SegmentView): ConnState['isns'] {
    return view.packet.tcp.flags & Flag.SYN ? { local: this.state.isns.local, peer: view.packet.tcp.seq } : this.state.isns;
  }

  mismatch(i: number, step: ExpectStep, view: SegmentView, diffs: FieldDiff[]): number {
    this.events.push({ kind: 'unmatched', view });
    this.state = observe(this.state, view, i);
    this.failure = { kind: 'mismatch', stepIndex: i, step, actual: view, diffs };
    return -1;
  }

  /** Collects what else arrives for a short while, for the diagnostic. */
  async collectContext(ms: number): Promise<void> {
    const deadline = this.deps.clock.now() + ms;
    for (;;) {
      const left = deadline - this.deps.clock.now();
      const view = await this.nextIncoming(Math.max(0, left));
      if (!view) return;
      this.state = observe(this.state, view, -1);
      this.events.push({ kind: 'unmatched', view });
      if (left <= 0) return;
    }
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const cancel = this.deps.clock.setTimer(ms, resolve);
      this.deps.signal?.addEventListener('abort', () => (cancel(), resolve()), { once: true });
    });
  }
}

/**
 * Runs a scenario on a live (or in-memory) link. Numbering problems are thrown as ScenarioError
 * before anything is sent; everything after that ends in a report, passed or failed.
 */
export async function runScenario(sc: Scenario, cfg: RunConfig, deps: RunDeps): Promise<RunReport> {
  // Static check first: the planner throws on any step whose numbers cannot be worked out.
  plan(sc, { file: cfg.file, flow: cfg.flow, localIsn: cfg.localIsn, peerIsn: 0 });
  const run = new Run(sc, cfg, deps);
  const startedUs = deps.clock.wallUs();
  const started = deps.clock.now();
  let i = 0;
  const onAbort = (): void => deps.frames.close();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (i >= 0 && i < sc.steps.length) {
      if (deps.signal?.aborted) throw new Error('interrupted');
      const step = sc.steps[i]!;
      if (step.kind === 'pause') {
        await run.sleep(step.ms);
        i += 1;
      } else if (step.kind === 'send') {
        const built = buildSend(step, run.state, cfg.flow, { window: sc.window ?? DEFAULT_WINDOW });
        if (!built.ok) throw stepError(cfg.file, i, step, built.field, built.problem);
        await run.send(buildPacket(built.spec), 'sent', i);
        i += 1;
      } else {
        i = await run.expect(i, step);
      }
    }
    if (deps.signal?.aborted) throw new Error('interrupted');
    if (run.failure?.kind === 'mismatch') await run.collectContext(cfg.contextMs ?? 100);
  } catch (err) {
    run.failure = { kind: 'error', ...(i >= 0 ? { stepIndex: i } : {}), message: (err as Error).message };
  }
  deps.signal?.removeEventListener('abort', onAbort);
  const leftovers: SegmentView[] = [];
  for (let v = await run.nextIncoming(0); v; v = await run.nextIncoming(0)) leftovers.push(v);
  if (cfg.cleanupRst !== false && hasStarted(run.state) && !isClosed(run.state)) {
    try {
      await run.send(cleanupRst(run.state, cfg.flow), 'cleanup');
    } catch {
      // The report already says the run failed or passed; a lost cleanup RST is not worth masking that.
    }
  }
  return {
    scenario: sc.name,
    file: cfg.file,
    flow: cfg.flow,
    isns: run.state.isns,
    events: run.events,
    passed: run.failure === undefined,
    ...(run.failure ? { failure: run.failure } : {}),
    leftovers,
    startedUs,
    durationMs: deps.clock.now() - started,
  };
}

/**
 * A RST the peer will accept (RFC 5961 §3.2: its sequence number must equal the receiver's
 * RCV.NXT exactly): the peer's last acknowledgment number, or our next sequence number.
 */
export function cleanupRst(state: ConnState, flow: Flow): Uint8Array {
  const seq = state.peerAck ?? toRaw(state.sndNxt, state.isns.local);
  return buildPacket({
    ip: { src: flow.localIp, dst: flow.peerIp },
    tcp: { srcPort: flow.localPort, dstPort: flow.peerPort, seq, ack: 0, flags: Flag.RST, window: 0 },
  });
}
