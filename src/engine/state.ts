/**
 * What the engine knows about the connection as segments go by: both ISNs, the next sequence
 * number each side will use, and whether it has closed. Updated by one pure reducer, the same
 * for the offline planner and the live run.
 */
import { verifyChecksums, type ChecksumReport, type Packet } from '../wire/packet.js';
import { seqAdd, seqGe, seqGt } from '../wire/seq.js';
import { Flag, segmentLength } from '../wire/tcp.js';
import type { Direction } from './flow.js';
import { relativeFields, type Isns, type RelativeFields } from './numbering.js';

/** One packet on the flow, as the scenario sees it. */
export interface SegmentView {
  readonly dir: Direction;
  readonly packet: Packet;
  /** seq, ack, flags and options in relative numbers. */
  readonly rel: RelativeFields;
  /** Payload length. */
  readonly len: number;
  readonly checksums: ChecksumReport;
  /** Wall-clock time, microseconds since the epoch. */
  readonly timestampUs: bigint;
}

/** The connection as far as the engine can tell. */
export interface ConnState {
  readonly isns: Isns;
  /** Our next sequence number, relative to our ISN. */
  readonly sndNxt: number;
  /** The peer's next sequence number, relative to its ISN (undefined before its SYN). */
  readonly rcvNxt?: number;
  /** The last raw acknowledgment number the peer sent: its RCV.NXT. */
  readonly peerAck?: number;
  readonly finSent: boolean;
  readonly finReceived: boolean;
  /** Our FIN has been acknowledged. */
  readonly finAcked: boolean;
  /** Set once a RST went either way: at which step and from whom. */
  readonly reset?: { readonly by: Direction; readonly stepIndex: number };
}

/** State before the first segment. */
export function initialState(localIsn: number, peerIsn?: number): ConnState {
  return { isns: peerIsn === undefined ? { local: localIsn } : { local: localIsn, peer: peerIsn }, sndNxt: 0, finSent: false, finReceived: false, finAcked: false };
}

/** The ISNs after seeing `packet` go `dir`: a SYN from the peer teaches its ISN. */
export function learnIsn(isns: Isns, packet: Packet, dir: Direction): Isns {
  if (dir === 'in' && packet.tcp.flags & Flag.SYN) return { local: isns.local, peer: packet.tcp.seq };
  return isns;
}

/** Views `packet` in relative numbers (learning the peer's ISN first if it is the peer's SYN). */
export function viewOf(packet: Packet, dir: Direction, isns: Isns, timestampUs: bigint): SegmentView {
  const known = learnIsn(isns, packet, dir);
  const rel = relativeFields({ seq: packet.tcp.seq, ack: packet.tcp.ack, flags: packet.tcp.flags, options: packet.tcp.options }, dir, known);
  return { dir, packet, rel, len: packet.payload.length, checksums: verifyChecksums(packet), timestampUs };
}

/** The state after `view` went by, at scenario step `stepIndex`. */
export function observe(state: ConnState, view: SegmentView, stepIndex: number): ConnState {
  const { flags } = view.packet.tcp;
  const isns = learnIsn(state.isns, view.packet, view.dir);
  const end = seqAdd(view.rel.seq, segmentLength(flags, view.len));
  let next: ConnState = { ...state, isns };
  if (flags & Flag.RST) next = { ...next, reset: { by: view.dir, stepIndex } };
  if (view.dir === 'out') {
    if (seqGt(end, state.sndNxt)) next = { ...next, sndNxt: end };
    if (flags & Flag.FIN) next = { ...next, finSent: true };
    return next;
  }
  if (view.rel.seqRelative && (next.rcvNxt === undefined || flags & Flag.SYN || seqGt(end, next.rcvNxt))) next = { ...next, rcvNxt: end };
  if (flags & Flag.FIN) next = { ...next, finReceived: true };
  if (flags & Flag.ACK) {
    next = { ...next, peerAck: view.packet.tcp.ack };
    if (next.finSent && view.rel.ackRelative && seqGe(view.rel.ack, next.sndNxt)) next = { ...next, finAcked: true };
  }
  return next;
}

/** True when nothing is left open on the peer: reset, or both FINs sent and ours acknowledged. */
export function isClosed(state: ConnState): boolean {
  return state.reset !== undefined || (state.finSent && state.finReceived && state.finAcked);
}

/** True once any segment went out (there is something on the peer to clean up). */
export function hasStarted(state: ConnState): boolean {
  return state.sndNxt !== 0;
}
