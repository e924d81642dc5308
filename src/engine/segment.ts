/**
 * Turns a scenario step into the packet to put on the wire: relative numbers and defaults
 * resolved against the connection state, raw overrides applied last. Also builds the model
 * peer's answer for an expectation, which is what `tcpcraft build` shows.
 */
import { payloadBytes } from '../scenario/validate.js';
import type { ExpectStep, SendStep } from '../scenario/types.js';
import type { PacketSpec } from '../wire/packet.js';
import { Flag, parseFlagLetters } from '../wire/tcp.js';
import type { TcpOption } from '../wire/options.js';
import type { Flow } from './flow.js';
import { rawFields } from './numbering.js';
import type { ConnState } from './state.js';

/** Scenario-wide defaults for sent segments. */
export interface SendDefaults {
  readonly window: number;
}

/** A packet, or which field could not be worked out and why. */
export type Built = { readonly ok: true; readonly spec: PacketSpec } | { readonly ok: false; readonly field: string; readonly problem: string };

function flagsOf(letters: string): number {
  const r = parseFlagLetters(letters);
  if (!r.ok) throw new RangeError(r.message); // validation has already rejected these
  return r.flags;
}

/** The packet for a `send` step, given the state before it. */
export function buildSend(step: SendStep, state: ConnState, flow: Flow, defaults: SendDefaults): Built {
  const f = step.fields;
  const flags = flagsOf(step.flags);
  if (state.reset && f.seq === undefined && f.tcp?.seq === undefined) {
    const who = state.reset.by === 'out' ? 'we reset' : 'the peer reset';
    return { ok: false, field: 'seq', problem: `${who} the connection at step ${state.reset.stepIndex + 1}, so the next sequence number is not defined: give seq (or tcp.seq) explicitly` };
  }
  const hasAck = (flags & Flag.ACK) !== 0;
  const options = f.options instanceof Uint8Array ? [] : ((f.options ?? []) as TcpOption[]);
  const needsPeer = (hasAck && f.tcp?.ack === undefined) || (!hasAck && f.ack !== undefined && f.tcp?.ack === undefined) || options.some((o) => o.kind === 'sack');
  if (needsPeer && (state.isns.peer === undefined || state.rcvNxt === undefined)) {
    const field = options.some((o) => o.kind === 'sack') ? 'options' : 'ack';
    return { ok: false, field, problem: "the peer's ISN is not known yet (no SYN from the peer is expected before this step): give tcp.ack as a raw number" };
  }
  const rel = {
    seq: f.seq ?? state.sndNxt,
    ack: f.ack ?? (hasAck ? state.rcvNxt! : 0),
    // Without ACK an explicit relative ack is still mapped into the peer's space; a raw tcp.ack
    // replaces the ack field, so it is not numbered (the peer's ISN may not be known yet).
    flags: f.tcp?.ack !== undefined ? flags & ~Flag.ACK : f.ack !== undefined && !hasAck ? flags | Flag.ACK : flags,
    options,
  };
  const raw = rawFields(rel, 'out', state.isns);
  return {
    ok: true,
    spec: {
      ip: {
        src: flow.localIp,
        dst: flow.peerIp,
        ...f.ip,
      },
      tcp: {
        srcPort: flow.localPort,
        dstPort: flow.peerPort,
        seq: f.tcp?.seq ?? raw.seq,
        ack: f.tcp?.ack ?? raw.ack,
        flags,
        window: f.window ?? defaults.window,
        urgent: f.urgent ?? 0,
        reserved: f.tcp?.reserved ?? 0,
        options: f.options instanceof Uint8Array ? f.options : raw.options,
        dataOffset: f.tcp?.dataOffset ?? 'auto',
        checksum: f.tcp?.checksum ?? 'auto',
      },
      payload: payloadBytes(f.payload),
    },
  };
}

/** Window the model peer advertises when an expectation leaves it out. */
export const MODEL_WINDOW = 65535;

/**
 * The model peer's answer for an `expect` step: exactly what the expectation says, with the
 * fields it leaves out filled in as a well-behaved peer would (its next seq, an ack of all we
 * sent, a 65535 window, `len` bytes of 'x' for an unspecified payload).
 */
export function buildModelAnswer(step: ExpectStep, state: ConnState, flow: Flow): Built {
  const f = step.fields;
  const flags = flagsOf(step.flags);
  if (state.isns.peer === undefined) return { ok: false, field: 'seq', problem: "the model peer's ISN is not set" };
  const payload = f.payload !== undefined ? payloadBytes(f.payload) : new Uint8Array(f.len ?? 0).fill(0x78);
  const rel = {
    seq: f.seq ?? (flags & Flag.SYN ? 0 : (state.rcvNxt ?? 0)),
    ack: f.ack ?? (flags & Flag.ACK ? state.sndNxt : 0),
    flags,
    options: (f.options ?? []) as TcpOption[],
  };
  const raw = rawFields(rel, 'in', { local: state.isns.local, peer: state.isns.peer });
  return {
    ok: true,
    spec: {
      ip: { src: flow.peerIp, dst: flow.localIp },
      tcp: { srcPort: flow.peerPort, dstPort: flow.localPort, seq: raw.seq, ack: raw.ack, flags, window: f.window ?? MODEL_WINDOW, options: raw.options },
      payload,
    },
  };
}
