/**
 * Turns a scenario step into the packet to put on the wire: relative numbers and defaults
 * resolved against the connection state, captured values substituted, raw overrides applied
 * last. Also builds the model peer's answer for an expectation, which is what `tcpcraft build`
 * shows.
 */
import { isMatcher, isRef, type Expected, type Matcher, type Value } from '../scenario/matchers.js';
import type { ExpectStep, OptionsExpectation, OptionSpec, SendOption, SendStep } from '../scenario/types.js';
import { payloadBytes } from '../scenario/validate.js';
import type { PacketSpec } from '../wire/packet.js';
import { Flag, parseFlagLetters } from '../wire/tcp.js';
import type { TcpOption } from '../wire/options.js';
import type { Flow } from './flow.js';
import type { Captures } from './match.js';
import { rawFields } from './numbering.js';
import type { ConnState } from './state.js';

/** Scenario-wide defaults for sent segments. */
export interface SendDefaults {
  readonly window: number;
}

/** A packet, or which field could not be worked out and why. */
export type Built = { readonly ok: true; readonly spec: PacketSpec } | { readonly ok: false; readonly field: string; readonly problem: string };

class Unresolved extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(problem);
  }
}

function flagsOf(letters: string): number {
  const r = parseFlagLetters(letters);
  if (!r.ok) throw new RangeError(r.message); // validation has already rejected these
  return r.flags;
}

const NO_CAPTURES: Captures = new Map();

/** A send value: the literal, or the captured value (through its map function). */
function resolve(v: Value | undefined, field: string, captures: Captures): number | undefined {
  if (v === undefined || typeof v === 'number') return v;
  if (!isRef(v)) return v;
  const got = captures.get(v.$use);
  if (got === undefined) throw new Unresolved(field, `capture '${v.$use}' has not been set by any expectation so far`);
  return v.map ? v.map(got) : got;
}

function resolveOptions(options: readonly SendOption[], captures: Captures): TcpOption[] {
  return options.map((o, i) =>
    o.kind === 'timestamp'
      ? { kind: 'timestamp', tsval: resolve(o.tsval, `options[${i}].tsval`, captures)! >>> 0, tsecr: resolve(o.tsecr, `options[${i}].tsecr`, captures)! >>> 0 }
      : (o as TcpOption),
  );
}

/** The packet for a `send` step, given the state before it and the values captured so far. */
export function buildSend(step: SendStep, state: ConnState, flow: Flow, defaults: SendDefaults, captures: Captures = NO_CAPTURES): Built {
  try {
    return buildSendOrThrow(step, state, flow, defaults, captures);
  } catch (e) {
    if (e instanceof Unresolved) return { ok: false, field: e.field, problem: e.problem };
    throw e;
  }
}

function buildSendOrThrow(step: SendStep, state: ConnState, flow: Flow, defaults: SendDefaults, captures: Captures): Built {
  const f = step.fields;
  const flags = flagsOf(step.flags);
  const seqGiven = resolve(f.seq, 'seq', captures);
  const ackGiven = resolve(f.ack, 'ack', captures);
  if (state.reset && seqGiven === undefined && f.tcp?.seq === undefined) {
    const who = state.reset.by === 'out' ? 'we reset' : 'the peer reset';
    return { ok: false, field: 'seq', problem: `${who} the connection at step ${state.reset.stepIndex + 1}, so the next sequence number is not defined: give seq (or tcp.seq) explicitly` };
  }
  const hasAck = (flags & Flag.ACK) !== 0;
  const options = f.options instanceof Uint8Array ? [] : resolveOptions(f.options ?? [], captures);
  const needsPeer = (hasAck && f.tcp?.ack === undefined) || (!hasAck && ackGiven !== undefined && f.tcp?.ack === undefined) || options.some((o) => o.kind === 'sack');
  if (needsPeer && (state.isns.peer === undefined || state.rcvNxt === undefined)) {
    const field = options.some((o) => o.kind === 'sack') ? 'options' : 'ack';
    return { ok: false, field, problem: "the peer's ISN is not known yet (no SYN from the peer is expected before this step): give tcp.ack as a raw number" };
  }
  const rel = {
    seq: seqGiven ?? state.sndNxt,
    ack: ackGiven ?? (hasAck ? state.rcvNxt! : 0),
    // Without ACK an explicit relative ack is still mapped into the peer's space; a raw tcp.ack
    // replaces the ack field, so it is not numbered (the peer's ISN may not be known yet).
    flags: f.tcp?.ack !== undefined ? flags & ~Flag.ACK : ackGiven !== undefined && !hasAck ? flags | Flag.ACK : flags,
    options,
  };
  const raw = rawFields(rel, 'out', state.isns);
  return {
    ok: true,
    spec: {
      ip: { src: flow.localIp, dst: flow.peerIp, ...f.ip },
      tcp: {
        srcPort: flow.localPort,
        dstPort: flow.peerPort,
        seq: f.tcp?.seq ?? raw.seq,
        ack: f.tcp?.ack ?? raw.ack,
        flags,
        window: resolve(f.window, 'window', captures) ?? defaults.window,
        urgent: resolve(f.urgent, 'urgent', captures) ?? 0,
        reserved: f.tcp?.reserved ?? 0,
        options: f.options instanceof Uint8Array ? f.options : raw.options,
        dataOffset: f.tcp?.dataOffset ?? 'auto',
        checksum: f.tcp?.checksum ?? 'auto',
      },
      payload: payloadBytes(f.payload),
    },
  };
}

/**
 * True when a send must go out as a whole link-layer frame: the kernel's raw-socket path always
 * rewrites the IPv4 checksum and total length, and fills in a zero id when DF is clear.
 */
export function needsLinkLayer(step: SendStep): boolean {
  const ip = step.fields.ip;
  if (!ip) return false;
  const df = ((ip.flags ?? 0x2) & 0x2) !== 0;
  return ip.checksum !== undefined || ip.totalLength !== undefined || (ip.id === 0 && !df);
}

/** Window the model peer advertises when an expectation leaves it out. */
export const MODEL_WINDOW = 65535;

/** A plain value the model peer can put on the wire for an expected value (matchers: a sample). */
export function sampleOf(v: Expected<number> | undefined): number | undefined {
  if (v === undefined || typeof v === 'number') return v;
  if (!isMatcher(v)) return undefined;
  const m = v as Matcher<number>;
  switch (m.$match) {
    case 'range':
      return m.min;
    case 'oneOf':
      return typeof m.values[0] === 'number' ? m.values[0] : undefined;
    case 'capture':
      return sampleOf(m.inner);
    default:
      return undefined;
  }
}

/** Options the model peer sends for option checks: what is required, with sample values. */
function modelOptions(want: readonly OptionSpec[] | OptionsExpectation | undefined): TcpOption[] {
  if (want === undefined) return [];
  if (Array.isArray(want)) return want as TcpOption[];
  const o = want as OptionsExpectation;
  const out: TcpOption[] = [];
  const has = new Set(o.has ?? []);
  if (o.mss !== undefined || has.has('mss')) out.push({ kind: 'mss', value: sampleOf(o.mss) ?? 1460 });
  if (has.has('sackOk')) out.push({ kind: 'sackOk' });
  if (o.timestamp !== undefined || has.has('timestamp')) out.push({ kind: 'timestamp', tsval: sampleOf(o.timestamp?.tsval) ?? 1, tsecr: sampleOf(o.timestamp?.tsecr) ?? 0 });
  if (o.wscale !== undefined || has.has('wscale')) out.push({ kind: 'nop' }, { kind: 'wscale', shift: sampleOf(o.wscale) ?? 7 });
  if (o.sack !== undefined || has.has('sack')) {
    const blocks = o.sack === undefined ? [[1, 2] as const] : 'covers' in o.sack ? [o.sack.covers] : (o.sack as ReadonlyArray<readonly [number, number]>);
    out.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: blocks.map(([l, r]) => [l >>> 0, r >>> 0] as const) });
  }
  return out;
}

/**
 * The model peer's answer for an `expect` step: exactly what the expectation says, with the
 * fields it leaves out (or leaves to a wildcard) filled in as a well-behaved peer would: its next
 * seq, an ack of all we sent, a 65535 window, `len` bytes of 'x' for an unspecified payload.
 */
export function buildModelAnswer(step: ExpectStep, state: ConnState, flow: Flow): Built {
  const f = step.fields;
  const flags = flagsOf(step.flags);
  if (state.isns.peer === undefined) return { ok: false, field: 'seq', problem: "the model peer's ISN is not set" };
  const payload =
    typeof f.payload === 'string' || f.payload instanceof Uint8Array ? payloadBytes(f.payload) : new Uint8Array(sampleOf(f.len) ?? 0).fill(0x78);
  const rel = {
    seq: sampleOf(f.seq) ?? (flags & Flag.SYN ? 0 : (state.rcvNxt ?? 0)),
    ack: sampleOf(f.ack) ?? (flags & Flag.ACK ? state.sndNxt : 0),
    flags,
    options: modelOptions(f.options),
  };
  const raw = rawFields(rel, 'in', { local: state.isns.local, peer: state.isns.peer });
  return {
    ok: true,
    spec: {
      ip: { src: flow.peerIp, dst: flow.localIp },
      tcp: { srcPort: flow.peerPort, dstPort: flow.localPort, seq: raw.seq, ack: raw.ack, flags, window: sampleOf(f.window) ?? MODEL_WINDOW, urgent: sampleOf(f.urgent) ?? 0, options: raw.options },
      payload,
    },
  };
}
