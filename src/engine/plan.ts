/**
 * The offline planner behind `tcpcraft build`: plays a scenario against a model peer that answers
 * exactly as the expectations say. It is also the static check run before anything is sent: a
 * step whose numbers cannot be worked out is a {@link ScenarioError} naming file, step and field.
 */
import { stepError } from '../scenario/errors.js';
import type { ExpectStep, Scenario, Step } from '../scenario/types.js';
import { connOf, DEFAULT_WINDOW, MAIN_CONN } from '../scenario/model.js';
import { buildPacket, parsePacket, parseOwnPacket } from '../wire/packet.js';
import type { Flow } from './flow.js';
import { matchExpectation, type CaptureValue } from './match.js';
import { makeReport, type RunReport, type TraceEvent } from './report.js';
import { buildModelAnswer, buildSend, type Built } from './segment.js';
import { initialState, observe, viewOf, type ConnState } from './state.js';

/** A further connection's flow and ISNs in a plan. */
export interface PlanConnection {
  readonly flow: Flow;
  readonly localIsn: number;
  readonly peerIsn: number;
}

/** Inputs of a plan. */
export interface PlanConfig {
  readonly file: string;
  readonly flow: Flow;
  readonly localIsn: number;
  readonly peerIsn: number;
  /** Further connections by name (default: derived from the main one, next source ports). */
  readonly connections?: Readonly<Record<string, PlanConnection>>;
  /** Time of the first packet, µs since the epoch (default 0); each packet is 1 ms after the last, plus pauses. */
  readonly startUs?: bigint;
}

interface ModelConn {
  readonly name: string;
  readonly flow: Flow;
  readonly peerIsn: number;
  state: ConnState;
}

/** The flows and ISNs of every connection, filling in defaults for those the config leaves out. */
function connections(sc: Scenario, cfg: PlanConfig): Map<string, ModelConn> {
  const out = new Map<string, ModelConn>();
  out.set(MAIN_CONN, { name: MAIN_CONN, flow: cfg.flow, peerIsn: cfg.peerIsn, state: initialState(cfg.localIsn) });
  Object.entries(sc.connections ?? {}).forEach(([name, spec], i) => {
    const given = cfg.connections?.[name];
    const k = i + 1;
    const flow: Flow = given?.flow ?? {
      localIp: cfg.flow.localIp,
      localPort: spec.local?.port ?? (cfg.flow.localPort + k <= 65535 ? cfg.flow.localPort + k : 1024 + k),
      peerIp: spec.peer?.host ?? cfg.flow.peerIp,
      peerPort: spec.peer?.port ?? cfg.flow.peerPort,
    };
    out.set(name, { name, flow, peerIsn: given?.peerIsn ?? (cfg.peerIsn + k * 0x01000000) >>> 0, state: initialState(given?.localIsn ?? (cfg.localIsn + k * 0x01000000) >>> 0) });
  });
  return out;
}

/** The expectations a step stands for, in the order the model peer sends them. */
function modelExpectations(step: Step): readonly ExpectStep[] {
  if (step.kind === 'expect') return [step];
  if (step.kind === 'either') return step.alternatives.slice(0, 1);
  if (step.kind === 'anyOrder') return step.items;
  return [];
}

/** Builds every packet of the scenario against the model peer. Throws ScenarioError on numbering problems. */
export function plan(sc: Scenario, cfg: PlanConfig): RunReport {
  const conns = connections(sc, cfg);
  const captures = new Map<string, CaptureValue>();
  const events: TraceEvent[] = [];
  let t = cfg.startUs ?? 0n;
  const record = (c: ModelConn, i: number, step: Step, built: Built, dir: 'out' | 'in'): ReturnType<typeof viewOf> => {
    if (!built.ok) throw stepError(cfg.file, i, step, built.field, built.problem);
    const parsed = dir === 'out' ? parseOwnPacket(buildPacket(built.spec)) : parsePacket(buildPacket(built.spec));
    if (!parsed.ok) throw stepError(cfg.file, i, step, parsed.error.field, `builds a packet tcpcraft cannot read back: ${parsed.error.message}`);
    const view = viewOf(parsed.value, dir, c.state.isns, t);
    c.state = observe(c.state, view, i);
    events.push({ kind: dir === 'out' ? 'sent' : 'received', stepIndex: i, ...(c.name !== MAIN_CONN ? { conn: c.name } : {}), view });
    t += 1000n;
    return view;
  };
  sc.steps.forEach((step, i) => {
    if (step.kind === 'icmp') {
      t += 1000n;
      return;
    }
    if (step.kind === 'pause' || step.kind === 'silence' || step.kind === 'drain') {
      t += BigInt(Math.round(step.ms * 1000));
      return;
    }
    const c = conns.get(connOf(step))!;
    if (step.kind === 'send') {
      record(c, i, step, buildSend(step, c.state, c.flow, { window: sc.window ?? DEFAULT_WINDOW }, captures), 'out');
      return;
    }
    for (const e of modelExpectations(step)) {
      const state: ConnState = c.state.isns.peer === undefined ? { ...c.state, isns: { local: c.state.isns.local, peer: c.peerIsn } } : c.state;
      const view = record(c, i, step, buildModelAnswer(e, state, c.flow), 'in');
      for (const [name, value] of matchExpectation(e, view, { isns: c.state.isns }).captures) captures.set(name, value);
    }
  });
  const [main, ...others] = [...conns.values()].map((c) => ({ name: c.name, flow: c.flow, isns: c.state.isns }));
  return makeReport(sc, cfg.file, [main!, ...others], {
    events,
    leftovers: [],
    startedUs: cfg.startUs ?? 0n,
    durationMs: Number((t - (cfg.startUs ?? 0n)) / 1000n),
  });
}
