/**
 * The offline planner behind `tcpcraft build`: plays a scenario against a model peer that answers
 * exactly as the expectations say. It is also the static check run before anything is sent: a
 * step whose numbers cannot be worked out is a {@link ScenarioError} naming file, step and field.
 */
import { stepError } from '../scenario/errors.js';
import type { Scenario } from '../scenario/types.js';
import { buildPacket, parsePacket } from '../wire/packet.js';
import type { Flow } from './flow.js';
import type { RunReport, TraceEvent } from './report.js';
import { buildModelAnswer, buildSend, type Built } from './segment.js';
import { initialState, observe, viewOf } from './state.js';

/** Inputs of a plan. */
export interface PlanConfig {
  readonly file: string;
  readonly flow: Flow;
  readonly localIsn: number;
  readonly peerIsn: number;
  /** Time of the first packet, µs since the epoch (default 0); each packet is 1 ms after the last, plus pauses. */
  readonly startUs?: bigint;
}

/** Default window of sent segments when the scenario does not set one. */
export const DEFAULT_WINDOW = 65535;

/** Builds every packet of the scenario against the model peer. Throws ScenarioError on numbering problems. */
export function plan(sc: Scenario, cfg: PlanConfig): RunReport {
  let state = initialState(cfg.localIsn);
  const modelIsns = { local: cfg.localIsn, peer: cfg.peerIsn };
  const events: TraceEvent[] = [];
  let t = cfg.startUs ?? 0n;
  sc.steps.forEach((step, i) => {
    if (step.kind === 'pause') {
      t += BigInt(Math.round(step.ms * 1000));
      return;
    }
    let built: Built;
    if (step.kind === 'send') built = buildSend(step, state, cfg.flow, { window: sc.window ?? DEFAULT_WINDOW });
    else built = buildModelAnswer(step, { ...state, isns: state.isns.peer === undefined ? modelIsns : state.isns }, cfg.flow);
    if (!built.ok) throw stepError(cfg.file, i, step, built.field, built.problem);
    const parsed = parsePacket(buildPacket(built.spec));
    if (!parsed.ok) throw stepError(cfg.file, i, step, parsed.error.field, `builds a packet tcpcraft cannot read back: ${parsed.error.message}`);
    const dir = step.kind === 'send' ? 'out' : 'in';
    const view = viewOf(parsed.value, dir, state.isns, t);
    state = observe(state, view, i);
    events.push({ kind: step.kind === 'send' ? 'sent' : 'received', stepIndex: i, view });
    t += 1000n;
  });
  return {
    scenario: sc.name,
    file: cfg.file,
    flow: cfg.flow,
    isns: state.isns,
    events,
    passed: true,
    leftovers: [],
    startedUs: cfg.startUs ?? 0n,
    durationMs: Number((t - (cfg.startUs ?? 0n)) / 1000n),
  };
}
