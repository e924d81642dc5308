/**
 * TCP conversations in a capture, pure: which 4-tuples talk (numbered in order of first
 * appearance, as Wireshark's tcp.stream), how much each way, whether the handshake is in the
 * capture; and one conversation as a run report (relative numbers as Wireshark shows them, so the
 * trace and the ladder print it as they print a live run), with Wireshark's analysis names.
 */
import type { RunReport, TraceEvent } from '../engine/report.js';
import { viewOf, type SegmentView } from '../engine/state.js';
import type { Flow } from '../engine/flow.js';
import type { CapturedPacket } from '../wire/capture.js';
import { parseIpView } from '../wire/family.js';
import { PROTO_TCP } from '../wire/ipv4.js';
import { ipOffset } from '../wire/link.js';
import { parseFrame } from '../wire/packet.js';
import type { Packet } from '../wire/packet.js';
import { Flag, TcpField } from '../wire/tcp.js';
import { seqLt } from '../wire/seq.js';

/** One endpoint. */
export interface Endpoint {
  readonly ip: string;
  readonly port: number;
}

/** A TCP conversation: A is the side that sent the first SYN, else the first segment. */
export interface Conversation {
  /** 0-based, in order of first appearance. */
  readonly index: number;
  readonly a: Endpoint;
  readonly b: Endpoint;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
  firstUs: bigint;
  lastUs: bigint;
  /** SYN from A, SYN/ACK from B, and an ACK of it from A were all captured. */
  handshake: boolean;
  synSeen: boolean;
  synAckSeen: boolean;
}

/** A decoded TCP packet with its frame's place in the file. */
export interface TcpFrame {
  readonly frame: number;
  /** The frame's length on the wire (what Wireshark's byte counts add up). */
  readonly frameLength: number;
  readonly timestampUs: bigint;
  readonly packet: Packet;
  readonly comment?: string;
}

/**
 * The little a conversation list needs from a frame: addresses, ports, flags, lengths. The IP
 * header is decoded by the wire codec (either family, IPv6 extension headers walked); of the TCP
 * header only the ports and flags are read, so a frame cut short by the snapshot length still counts.
 */
export interface TcpSummary {
  readonly srcIp: string;
  readonly dstIp: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly flags: number;
  readonly frameLength: number;
  readonly timestampUs: bigint;
}

/** The summary of an IPv4/TCP or IPv6/TCP frame, or undefined (another protocol, a later fragment, too short). */
export function tcpSummaryOf(p: CapturedPacket): TcpSummary | undefined {
  const at = ipOffset(p.data, p.linkType);
  if (!at.ok) return undefined;
  const d = p.data;
  const ip = parseIpView(d.subarray(at.value));
  if (!ip.ok || ip.value.protocol !== PROTO_TCP || ip.value.fragmentOffset !== 0) return undefined;
  const t = at.value + ip.value.headerBytes;
  if (d.length < t + TcpField.WINDOW) return undefined;
  return {
    srcIp: ip.value.src,
    dstIp: ip.value.dst,
    srcPort: (d[t + TcpField.SRC_PORT]! << 8) | d[t + TcpField.SRC_PORT + 1]!,
    dstPort: (d[t + TcpField.DST_PORT]! << 8) | d[t + TcpField.DST_PORT + 1]!,
    flags: ((d[t + TcpField.OFFSET_RESERVED_NS]! & 0x01) << 8) | d[t + TcpField.FLAGS]!,
    frameLength: p.originalLength,
    timestampUs: p.timestampUs,
  };
}

/** The IPv4/TCP or IPv6/TCP packet of a captured frame, or undefined (another protocol, or undecodable). */
export function tcpOf(p: CapturedPacket): TcpFrame | undefined {
  const r = parseFrame(p.data, p.linkType);
  if (!r.ok) return undefined;
  return { frame: p.frame, frameLength: p.originalLength, timestampUs: p.timestampUs, packet: r.value.packet, ...(p.comment ? { comment: p.comment } : {}) };
}

/** One key for both directions of a 4-tuple. */
const key = (ipA: string, portA: number, ipB: string, portB: number): string =>
  ipA < ipB || (ipA === ipB && portA <= portB) ? `${ipA}:${portA}-${ipB}:${portB}` : `${ipB}:${portB}-${ipA}:${portA}`;

interface Tracked {
  readonly c: Conversation;
  aIp: string;
  aPort: number;
}

/** Accumulates conversations packet by packet (constant memory per conversation). */
export class ConversationTable {
  private readonly byKey = new Map<string, Tracked>();
  readonly list: Conversation[] = [];

  /** Adds one packet (its summary, or a decoded frame); returns its conversation. */
  add(f: TcpSummary | TcpFrame): Conversation {
    const s = 'packet' in f ? summaryOfFrame(f) : f;
    const k = key(s.srcIp, s.srcPort, s.dstIp, s.dstPort);
    let t = this.byKey.get(k);
    const syn = (s.flags & (Flag.SYN | Flag.ACK)) === Flag.SYN;
    if (!t) {
      const c: Conversation = {
        index: this.list.length,
        a: { ip: s.srcIp, port: s.srcPort },
        b: { ip: s.dstIp, port: s.dstPort },
        framesAB: 0,
        bytesAB: 0,
        framesBA: 0,
        bytesBA: 0,
        firstUs: s.timestampUs,
        lastUs: s.timestampUs,
        handshake: false,
        synSeen: false,
        synAckSeen: false,
      };
      t = { c, aIp: s.srcIp, aPort: s.srcPort };
      this.byKey.set(k, t);
      this.list.push(c);
    } else if (syn && !t.c.synSeen && (s.srcIp !== t.aIp || s.srcPort !== t.aPort)) {
      // The first SYN came from the side first seen as B (a capture that started with the
      // answer): the sender of the SYN is the client.
      const c = t.c;
      [c.framesAB, c.framesBA, c.bytesAB, c.bytesBA] = [c.framesBA, c.framesAB, c.bytesBA, c.bytesAB];
      [(c as { a: Endpoint }).a, (c as { b: Endpoint }).b] = [c.b, c.a];
      t.aIp = s.srcIp;
      t.aPort = s.srcPort;
    }
    const c = t.c;
    const ab = s.srcIp === t.aIp && s.srcPort === t.aPort;
    if (ab) {
      c.framesAB += 1;
      c.bytesAB += s.frameLength;
    } else {
      c.framesBA += 1;
      c.bytesBA += s.frameLength;
    }
    if (s.timestampUs < c.firstUs) c.firstUs = s.timestampUs;
    if (s.timestampUs > c.lastUs) c.lastUs = s.timestampUs;
    if (syn && ab) c.synSeen = true;
    if (!ab && (s.flags & (Flag.SYN | Flag.ACK)) === (Flag.SYN | Flag.ACK)) c.synAckSeen = true;
    if (ab && c.synSeen && c.synAckSeen && s.flags & Flag.ACK && !(s.flags & Flag.SYN)) c.handshake = true;
    return c;
  }

  /** The conversation of a 4-tuple, either way round. */
  find(a: Endpoint, b: Endpoint): Conversation | undefined {
    return this.byKey.get(key(a.ip, a.port, b.ip, b.port))?.c;
  }
}

function summaryOfFrame(f: TcpFrame): TcpSummary {
  const p = f.packet;
  return { srcIp: p.ip.src, dstIp: p.ip.dst, srcPort: p.tcp.srcPort, dstPort: p.tcp.dstPort, flags: p.tcp.flags, frameLength: f.frameLength, timestampUs: f.timestampUs };
}

/** Wireshark's names for what a segment is (its "TCP analysis" flags). */
export type Analysis = 'retransmission' | 'fast retransmission' | 'out-of-order' | 'duplicate ACK' | 'zero window' | 'window update' | 'keep-alive' | 'previous segment not captured';

interface Side {
  /** The sequence number after the highest segment seen from this side. */
  nextSeq?: number;
  lastAck?: number;
  window?: number;
  dupAcks: number;
  /** When this side's latest duplicate ACK was seen. */
  dupAckUs?: bigint;
  /** When the segment that advanced nextSeq last was seen. */
  advancedUs?: bigint;
}

/** Out-of-order threshold: a segment below the highest one within 3 ms of it (Wireshark's default when the RTT is unknown). */
const OOO_US = 3000n;
/** Fast retransmission: within 20 ms of the second duplicate ACK (Wireshark). */
const FAST_US = 20000n;

/**
 * Wireshark's TCP sequence analysis for the common cases (packet-tcp.c,
 * tcp_analyze_sequence_number): zero window, previous segment not captured, keep-alive, window
 * update, duplicate ACK, and retransmission / fast retransmission / out-of-order for a segment
 * that does not advance the sequence number.
 */
export function analyze(frames: readonly TcpFrame[], a: Endpoint): Analysis[][] {
  const sides: Record<'ab' | 'ba', Side> = { ab: { dupAcks: 0 }, ba: { dupAcks: 0 } };
  return frames.map((f) => {
    const p = f.packet;
    const dir = p.ip.src === a.ip && p.tcp.srcPort === a.port ? 'ab' : 'ba';
    const fwd = sides[dir];
    const rev = sides[dir === 'ab' ? 'ba' : 'ab'];
    const flags = p.tcp.flags;
    const len = p.payload.length;
    const sfr = flags & (Flag.SYN | Flag.FIN | Flag.RST);
    const seq = p.tcp.seq;
    const ack = p.tcp.ack;
    const win = p.tcp.window;
    const out: Analysis[] = [];
    if (win === 0 && !sfr) out.push('zero window');
    if (fwd.nextSeq !== undefined && seqLt(fwd.nextSeq, seq) && !(flags & Flag.RST)) out.push('previous segment not captured');
    const keepAlive = fwd.nextSeq !== undefined && len <= 1 && !sfr && ((fwd.nextSeq - 1) >>> 0) === seq;
    if (keepAlive) out.push('keep-alive');
    const pureSame = len === 0 && !sfr && flags & Flag.ACK && fwd.nextSeq === seq && fwd.lastAck === ack;
    if (pureSame && win !== 0 && fwd.window !== undefined && win !== fwd.window) out.push('window update');
    if (pureSame && win !== 0 && win === fwd.window && !keepAlive) {
      fwd.dupAcks += 1;
      fwd.dupAckUs = f.timestampUs;
      out.push('duplicate ACK');
    } else if (flags & Flag.ACK && fwd.lastAck !== ack) {
      fwd.dupAcks = 0;
    }
    const seqLen = len + (flags & Flag.SYN ? 1 : 0) + (flags & Flag.FIN ? 1 : 0);
    if ((len > 0 || flags & (Flag.SYN | Flag.FIN)) && fwd.nextSeq !== undefined && seqLt(seq, fwd.nextSeq) && !keepAlive) {
      if (rev.dupAcks >= 2 && rev.lastAck === seq && rev.dupAckUs !== undefined && f.timestampUs - rev.dupAckUs < FAST_US) out.push('fast retransmission');
      else if (fwd.advancedUs !== undefined && f.timestampUs - fwd.advancedUs < OOO_US && fwd.nextSeq !== ((seq + seqLen) >>> 0)) out.push('out-of-order');
      else out.push('retransmission');
    }
    const end = (seq + seqLen) >>> 0;
    if (fwd.nextSeq === undefined || seqLt(fwd.nextSeq, end)) {
      fwd.nextSeq = end;
      fwd.advancedUs = f.timestampUs;
    }
    if (flags & Flag.ACK) {
      fwd.lastAck = ack;
      fwd.window = win;
    }
    return out;
  });
}

/** How a side's sequence numbers are made relative: its SYN's seq, else (as Wireshark) its first seq - 1. */
export function baseSeq(frames: readonly TcpFrame[], side: Endpoint): { base: number; synSeen: boolean } | undefined {
  const mine = frames.filter((f) => f.packet.ip.src === side.ip && f.packet.tcp.srcPort === side.port);
  const syn = mine.find((f) => f.packet.tcp.flags & Flag.SYN);
  if (syn) return { base: syn.packet.tcp.seq, synSeen: true };
  const first = mine.find((f) => !(f.packet.tcp.flags & Flag.RST)) ?? mine[0];
  return first ? { base: (first.packet.tcp.seq - 1) >>> 0, synSeen: false } : undefined;
}

/** One conversation as a report the trace and the ladder print; `frames` are its packets in file order. */
export function streamReport(file: string, conv: Conversation, frames: readonly TcpFrame[]): { report: RunReport; analysis: Analysis[][]; midStream: boolean } {
  const a = baseSeq(frames, conv.a);
  const b = baseSeq(frames, conv.b);
  const isns = { local: a?.base ?? 0, ...(b ? { peer: b.base } : {}) };
  const flow: Flow = { localIp: conv.a.ip, localPort: conv.a.port, peerIp: conv.b.ip, peerPort: conv.b.port };
  const events: TraceEvent[] = frames.map((f) => {
    const out = f.packet.ip.src === conv.a.ip && f.packet.tcp.srcPort === conv.a.port;
    const view: SegmentView = viewOf(f.packet, out ? 'out' : 'in', isns, f.timestampUs);
    return { kind: out ? 'sent' : 'received', view };
  });
  const startedUs = frames[0]?.timestampUs ?? 0n;
  const lastUs = frames.at(-1)?.timestampUs ?? startedUs;
  const report: RunReport = {
    scenario: `${file} stream ${conv.index}`,
    file,
    flow,
    isns,
    events,
    passed: true,
    leftovers: [],
    startedUs,
    durationMs: Number(lastUs - startedUs) / 1000,
  };
  return { report, analysis: analyze(frames, conv.a), midStream: !(a?.synSeen ?? false) || !(b?.synSeen ?? false) };
}
