/**
 * Turns a scenario step into the packet to put on the wire: relative numbers and defaults
 * resolved against the connection state, captured values substituted, raw overrides applied
 * last. Also builds the model peer's answer for an expectation, which is what `tcpcraft build`
 * shows.
 */
import { isMatcher, isRef, type Expected, type Matcher, type Ref, type Value } from '../scenario/matchers.js';
import type { ExpectStep, IpExpectation, IpOverrides, OptionsExpectation, OptionSpec, SendOption, SendStep } from '../scenario/types.js';
import { DEFAULT_WINDOW, payloadBytes } from '../scenario/model.js';
import { familyOf } from '../wire/family.js';
import type { IpSpec, PacketSpec } from '../wire/packet.js';
import { Flag, parseFlagLetters } from '../wire/tcp.js';
import { MODEL_OPTION_ORDER, OPTION_KINDS, type TcpOption } from '../wire/options.js';
import type { Flow } from './flow.js';
import type { Captures } from './match.js';
import { rawFields } from './numbering.js';
import type { ConnState } from './state.js';
import { UsageError } from '../errors.js';

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
  if (!r.ok) throw new UsageError(r.message); // validation has already rejected these
  return r.flags;
}

const NO_CAPTURES: Captures = new Map();

/** The value captured as `ref`'s name; a capture not set yet stops the build at `field`. */
function captured(ref: Ref, field: string, captures: Captures): number | Uint8Array {
  const got = captures.get(ref.$use);
  if (got === undefined) throw new Unresolved(field, `capture '${ref.$use}' has not been set by any expectation so far`);
  return got;
}

/** A send value: the literal, or the captured value (through its map function). */
function resolve(v: Value | undefined, field: string, captures: Captures): number | undefined {
  if (v === undefined || typeof v === 'number') return v;
  if (!isRef(v)) return v;
  const got = captured(v, field, captures);
  if (typeof got !== 'number') throw new Unresolved(field, `capture '${v.$use}' holds bytes (an option's), not a number`);
  return v.map ? v.map(got) : got;
}

/** A send's bytes value: the literal, or the bytes an expectation captured (e.g. a TFO cookie). */
function resolveBytes(v: Uint8Array | Ref, field: string, captures: Captures): Uint8Array {
  if (!isRef(v)) return v;
  const got = captured(v, field, captures);
  if (!(got instanceof Uint8Array)) throw new Unresolved(field, `capture '${v.$use}' holds a number, not bytes`);
  return got;
}

/** Send options with every captured value (fields the option table marks `ref`) substituted. */
function resolveOptions(options: readonly SendOption[], captures: Captures): TcpOption[] {
  return options.map((o, i) => {
    if (o.kind === 'unknown') return o;
    const refs = OPTION_KINDS[o.kind].fields.filter((f) => f.ref);
    if (refs.length === 0) return o as TcpOption;
    const out: Record<string, unknown> = { ...o };
    for (const f of refs) {
      const at = `options[${i}].${f.name}`;
      out[f.name] = f.type === 'bytes' ? resolveBytes(out[f.name] as Uint8Array | Ref, at, captures) : resolve(out[f.name] as Value, at, captures)! >>> 0;
    }
    return out as unknown as TcpOption;
  });
}

/** IPv4-only header values, with no IPv6 counterpart. */
const V4_ONLY = ['id', 'flags', 'fragmentOffset', 'ihl', 'totalLength', 'checksum', 'options'] as const;
/** IPv6-only header values. */
const V6_ONLY = ['hopLimit', 'flowLabel', 'trafficClass', 'nextHeader', 'payloadLength', 'extensions'] as const;

/**
 * The IP header spec of a segment on `flow`, with the scenario's raw values: the family follows the
 * flow's addresses, so one scenario runs over either. Shared values carry over (ttl is the hop
 * limit, dscp and ecn make the traffic class); a value that exists in one family only is an error
 * on the other.
 */
function ipSpecOf(flow: Flow, o: IpOverrides | undefined): IpSpec | { field: string; problem: string } {
  const six = familyOf(flow.peerIp) === 6;
  if (!o) return { src: flow.localIp, dst: flow.peerIp };
  const wrong = (six ? V4_ONLY : V6_ONLY).find((k) => o[k] !== undefined);
  if (wrong) return { field: `ip.${wrong}`, problem: `is an IPv${six ? 4 : 6} header field, and this connection is IPv${six ? 6 : 4} (${flow.peerIp})` };
  if (!six) return { src: flow.localIp, dst: flow.peerIp, ...o };
  const trafficClass = o.trafficClass ?? (o.dscp !== undefined || o.ecn !== undefined ? ((o.dscp ?? 0) << 2) | (o.ecn ?? 0) : undefined);
  const hopLimit = o.hopLimit ?? o.ttl;
  return {
    src: flow.localIp,
    dst: flow.peerIp,
    ...(o.version !== undefined ? { version: o.version } : {}),
    ...(trafficClass !== undefined ? { trafficClass } : {}),
    ...(o.flowLabel !== undefined ? { flowLabel: o.flowLabel } : {}),
    ...(hopLimit !== undefined ? { hopLimit } : {}),
    ...(o.nextHeader !== undefined ? { nextHeader: o.nextHeader } : {}),
    ...(o.payloadLength !== undefined ? { payloadLength: o.payloadLength } : {}),
    ...(o.protocol !== undefined ? { protocol: o.protocol } : {}),
    ...(o.extensions !== undefined ? { extensions: o.extensions } : {}),
  };
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
  const ip = ipSpecOf(flow, f.ip);
  if ('field' in ip) return { ok: false, ...ip };
  return {
    ok: true,
    spec: {
      ip,
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

/**
 * Options the model peer sends for option checks: every kind the expectation requires or gives
 * values for, in the order the option table gives the model peer, with the table's sample values where the expectation
 * leaves a value to a wildcard, and the NOPs the table says a stack aligns it with.
 */
function modelOptions(want: readonly OptionSpec[] | OptionsExpectation | undefined): TcpOption[] {
  if (want === undefined) return [];
  if (Array.isArray(want)) return want as TcpOption[];
  const o = want as OptionsExpectation & Readonly<Record<string, unknown>>;
  const has = new Set<unknown>(o.has ?? []);
  const out: TcpOption[] = [];
  for (const def of MODEL_OPTION_ORDER) {
    const w = o[def.kind];
    if (w === undefined && !has.has(def.kind)) continue;
    const values: Record<string, unknown> = { ...def.sample };
    const [only] = def.fields;
    if (w !== undefined && def.fields.length === 1 && only!.type === 'blocks') {
      const blocks = typeof w === 'object' && w !== null && 'covers' in w ? [(w as { covers: readonly [number, number] }).covers] : (w as ReadonlyArray<readonly [number, number]>);
      values[only!.name] = blocks.map(([l, r]) => [l >>> 0, r >>> 0] as const);
    } else if (w !== undefined && def.fields.length === 1) {
      values[only!.name] = sampleValue(w) ?? values[only!.name];
    } else if (w !== undefined) {
      for (const f of def.fields) values[f.name] = sampleValue((w as Record<string, unknown>)[f.name]) ?? values[f.name];
    }
    for (let k = 0; k < def.pad; k++) out.push({ kind: 'nop' });
    out.push(values as unknown as TcpOption);
  }
  return out;
}

/** A plain value for an expected option field: the value, or a matcher's sample. */
function sampleValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return v;
  return sampleOf(v as Expected<number> | undefined);
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
  // IP values the expectation names (a use() is left at the default: the model is consistent with itself).
  const ipv = (k: keyof IpExpectation): number | undefined => (f.ip?.[k] === undefined || isRef(f.ip[k]) ? undefined : sampleOf(f.ip[k] as Expected<number>));
  const hop = ipv('hopLimit') ?? ipv('ttl');
  const six = familyOf(flow.peerIp) === 6;
  const ip: IpSpec = six
    ? { src: flow.peerIp, dst: flow.localIp, ...(hop !== undefined ? { hopLimit: hop } : {}), ...(ipv('flowLabel') !== undefined ? { flowLabel: ipv('flowLabel')! } : {}), ...(ipv('trafficClass') !== undefined ? { trafficClass: ipv('trafficClass')! } : {}) }
    : { src: flow.peerIp, dst: flow.localIp, ...(hop !== undefined ? { ttl: hop } : {}) };
  return {
    ok: true,
    spec: {
      ip,
      tcp: { srcPort: flow.peerPort, dstPort: flow.localPort, seq: raw.seq, ack: raw.ack, flags, window: sampleOf(f.window) ?? DEFAULT_WINDOW, urgent: sampleOf(f.urgent) ?? 0, options: raw.options },
      payload,
    },
  };
}
