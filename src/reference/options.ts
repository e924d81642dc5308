/**
 * The TCP options of one connection beyond MSS, for the reference stack: window scale (RFC 7323
 * §2), timestamps with RTTM and PAWS (RFC 7323 §3 - §5), SACK (RFC 2018: the receiver's blocks
 * and its D-SACK blocks for duplicates (RFC 2883), the sender's scoreboard and the holes it sends
 * again in loss recovery (RFC 6675, RFC 2018 §8)), and the room options take in a data segment
 * (RFC 6691). The connection (tcb.ts) calls it at a few points: when it sends a SYN, when
 * a SYN arrives, when any other segment arrives, and for every segment it sends.
 */
import type { SackBlock, TcpOption } from '../wire/options.js';
import { optionsLength } from '../wire/options.js';
import { Flag } from '../wire/tcp.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from '../wire/seq.js';
import type { Clock } from '../engine/queue.js';
import type { ReferenceSettings } from './settings.js';
import { hasFault } from './faults.js';

/** RFC 7323 §2.3: the largest shift a TCP sends, and the one it uses for any larger shift received. */
export const MAX_WINDOW_SHIFT = 14;

/** TCP's option space (RFC 9293 §3.1: data offset at most 15 words, 20 bytes of them the header). */
const OPTION_SPACE = 40;

const NOP: TcpOption = { kind: 'nop' };

/** The segment fields options.ts reads. */
interface Arriving {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly options: readonly TcpOption[];
}

/** The segment fields options.ts writes options for. */
interface Leaving {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly options?: readonly TcpOption[];
}

/**
 * The receive window shift we offer (RFC 7323 §2.2): the setting's, or the smallest one with which
 * the whole receive buffer fits the 16-bit window field, never above 14 (§2.3).
 */
export function receiveShift(s: ReferenceSettings): number {
  if (s.windowShift !== undefined) return Math.min(MAX_WINDOW_SHIFT, Math.max(0, s.windowShift));
  let shift = 0;
  while (shift < MAX_WINDOW_SHIFT && s.rcvBuf >>> shift > 0xffff) shift++;
  return shift;
}

/**
 * RFC 7323 §5.4 and §7.1: the timestamp clock starts at a per-connection offset, a keyed hash of
 * the 4-tuple (so the timestamps of successive incarnations of one connection still increase,
 * while another connection's reveal nothing). A keyed FNV-1a, like the stack's ISN function.
 */
export function timestampOffset(secret: number, localIp: string, localPort: number, remoteIp: string, remotePort: number): number {
  let h = 0x811c9dc5 ^ secret;
  for (const ch of `ts|${localIp}|${localPort}|${remoteIp}|${remotePort}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

type Range = [left: number, right: number];

/** Adds [l, r) to sorted disjoint `ranges`, merging what touches it; returns the merged range. */
function addRange(ranges: Range[], l: number, r: number): Range {
  let left = l;
  let right = r;
  const keep: Range[] = [];
  for (const x of ranges) {
    if (seqLt(x[1], left) || seqGt(x[0], right)) keep.push(x);
    else {
      if (seqLt(x[0], left)) left = x[0];
      if (seqGt(x[1], right)) right = x[1];
    }
  }
  const merged: Range = [left, right];
  keep.push(merged);
  keep.sort((a, b) => seqDiff(a[0], b[0]));
  ranges.splice(0, ranges.length, ...keep);
  return merged;
}

/** Drops what lies at or before `edge` from sorted disjoint `ranges`. */
function trimRanges(ranges: Range[], edge: number): void {
  const keep = ranges.filter((x) => seqGt(x[1], edge)).map((x): Range => [seqLt(x[0], edge) ? edge : x[0], x[1]]);
  ranges.splice(0, ranges.length, ...keep);
}

export class ConnectionOptions {
  // ---- Window scale (RFC 7323 §2) ----
  /** Both SYNs carried WSopt (§2.2: "both sides MUST send Window Scale options in their <SYN> segments"). */
  wsOk = false;
  /** Rcv.Wind.Shift: the shift we offered, applied to our windows once agreed. */
  readonly offeredShift: number;
  /** Snd.Wind.Shift: the peer's shift, applied to its windows once agreed (at most 14, §2.3). */
  sndShift = 0;

  // ---- MSS (RFC 9293 §3.7.1): only what the mutants of faults-d.ts need ----
  /** The MSS our SYN or SYN/ACK announced. */
  private announcedMss = 0;
  /** The peer's SYN carried an MSS option. */
  private peerSentMss = false;

  // ---- Timestamps (RFC 7323 §3 - §5) ----
  /** Snd.TS.OK: both SYNs carried TSopt (§3.2). */
  tsOk = false;
  /** TS.Recent (§4.3): the TSval we echo. */
  tsRecent = 0;
  /** When TS.Recent was last set, ms (§5.5: it goes stale after 24 days idle). */
  private tsRecentAt = 0;
  /** Last.ACK.sent (§4.3): the ACK field of the last segment we sent. */
  lastAckSent = 0;
  /** TSecr of the segment being processed, when it may give an RTT sample (§4.1). */
  private pendingEcho: number | undefined;

  // ---- SACK (RFC 2018) ----
  /** Both SYNs carried SACK-permitted (§2). */
  sackOk = false;
  /** Receiver: data held out of order, as sorted disjoint ranges above RCV.NXT. */
  private held: Range[] = [];
  /** Receiver: left edges of the segments that triggered our SACKs, most recent first (§4). */
  private recent: number[] = [];
  /** Receiver: a duplicate segment's range, to report as a D-SACK block in the next ACK (RFC 2883 §4). */
  private dsack: Range | undefined;
  /** Sender: the scoreboard, ranges above SND.UNA the peer reported (§3). */
  readonly scoreboard: Range[] = [];
  /**
   * Sender: loss recovery (after a timeout, or a fast retransmit): until SND.UNA passes `point`,
   * holes go out again; `sent` is RFC 6675's HighRxt (what this recovery already sent again), and
   * `timeout` says the timer declared the whole flight lost (no IsLost test then).
   */
  private recovery: { point: number; sent: number; timeout: boolean } | undefined;

  constructor(
    private readonly s: ReferenceSettings,
    private readonly clock: Clock,
    private readonly tsOffset: number,
  ) {
    this.offeredShift = receiveShift(s);
  }

  // ---- Timestamps: the clock ----

  /** TSval now: a clock ticking every `tsClockMs` (RFC 7323 §5.4: 1 ms to 1 s), from the connection's offset. */
  tsval(): number {
    return (this.tsOffset + Math.floor(this.clock.now() / this.s.tsClockMs)) >>> 0;
  }

  /** §5.5: TS.Recent is valid unless the connection has been idle longer than the limit (24 days). */
  private tsRecentValid(): boolean {
    return this.clock.now() - this.tsRecentAt <= this.s.pawsIdleMs;
  }

  private setTsRecent(tsval: number): void {
    this.tsRecent = tsval;
    this.tsRecentAt = this.clock.now();
  }

  // ---- The handshake ----

  /**
   * The options of our SYN (`synAck` false) or SYN/ACK: our MSS (RFC 9293 §3.7.1), and each
   * enabled extension, in a SYN/ACK only when the SYN offered it (RFC 7323 §2.2, §3.2; RFC 2018 §2).
   * Laid out on 4-byte boundaries with NOPs (RFC 7323 Appendix A's suggested layout).
   */
  synOptions(mss: number, synAck: boolean): TcpOption[] {
    const ws = this.s.windowScaling && (!synAck || this.wsOk);
    const ts = this.s.timestamps && (!synAck || this.tsOk);
    const sack = this.s.sack && (!synAck || this.sackOk);
    // RFC 6691 §2: "the MTU value SHOULD be decreased by only the size of the fixed IP and TCP
    // headers and SHOULD NOT be decreased to account for any possible IP or TCP options" (the fault
    // takes the timestamp option's 12 bytes off when it offers timestamps).
    const value = ts && hasFault(this.s, 'mss-less-options') ? mss - 12 : mss;
    this.announcedMss = value;
    // RFC 9293 §3.7.1 (SHLD-5, MAY-3): the MSS option on every SYN, whatever the peer's SYN had.
    const out: TcpOption[] = synAck && hasFault(this.s, 'mss-only-if-offered') && !this.peerSentMss ? [] : [{ kind: 'mss', value }];
    // §3.2: TSecr is zero when the ACK bit is not set; in the SYN/ACK it echoes the SYN's TSval.
    const tsOpt: TcpOption = { kind: 'timestamp', tsval: this.tsval(), tsecr: synAck ? this.tsRecent : 0 };
    if (sack && ts) out.push({ kind: 'sackOk' }, tsOpt);
    else if (ts) out.push(NOP, NOP, tsOpt);
    else if (sack) out.push(NOP, NOP, { kind: 'sackOk' });
    // §2.3: never a shift above 14.
    if (ws) out.push(NOP, { kind: 'wscale', shift: this.offeredShift });
    return out;
  }

  /**
   * The peer's SYN (passive open, simultaneous open) or SYN/ACK: what both sides offered is in use
   * (RFC 7323 §2.2, §3.2; RFC 2018 §2). A SYN/ACK is only ever an answer to our SYN, which offered
   * every enabled extension, so "enabled and in the peer's SYN" is the rule in every case.
   */
  synArrives(seg: Arriving): void {
    const ws = seg.options.find((o) => o.kind === 'wscale');
    const ts = seg.options.find((o) => o.kind === 'timestamp');
    this.peerSentMss = seg.options.some((o) => o.kind === 'mss');
    this.wsOk = this.s.windowScaling && ws !== undefined;
    // §2.3: "If a Window Scale option is received with a shift.cnt value larger than 14, the TCP
    // SHOULD log the error but MUST use 14 instead of the specified value."
    this.sndShift = this.wsOk && ws?.kind === 'wscale' ? Math.min(MAX_WINDOW_SHIFT, ws.shift) : 0;
    this.tsOk = this.s.timestamps && ts !== undefined;
    this.sackOk = this.s.sack && seg.options.some((o) => o.kind === 'sackOk');
    if (this.tsOk && ts?.kind === 'timestamp') {
      // §4.3: TS.Recent starts as the SYN's TSval; a SYN/ACK's TSecr times our SYN (§4.1).
      this.setTsRecent(ts.tsval);
      this.pendingEcho = seg.flags & Flag.ACK ? ts.tsecr : undefined;
    }
  }

  // ---- Windows ----

  /** RFC 7323 §2.3: SND.WND = SEG.WND << Snd.Wind.Shift, except in a SYN (§2.2: never scaled). */
  peerWindow(window: number, syn: boolean): number {
    // RFC 9293 §3.1 (MUST-1): the field is unsigned; §3.8.6 (REC-1): the window a 32-bit number.
    const field = hasFault(this.s, 'signed-window') && window >= 0x8000 ? window - 0x10000 : window;
    const wnd = syn || !this.wsOk ? field : field * 2 ** this.sndShift;
    return hasFault(this.s, 'window-16-bit') ? wnd & 0xffff : wnd;
  }

  /**
   * SND.WND from the window of the peer's <SYN> or <SYN,ACK>: RFC 7323 §2.2, "The window field in a
   * segment where the SYN bit is set (i.e., a <SYN> or <SYN,ACK>) MUST NOT be scaled".
   */
  synWindow(window: number): number {
    return hasFault(this.s, 'syn-window-scaled') && this.wsOk ? window * 2 ** this.sndShift : window;
  }

  /** Rcv.Wind.Shift in use: our offered shift once both sides offered, else 0. */
  get rcvShift(): number {
    return this.wsOk ? this.offeredShift : 0;
  }

  /** The largest receive window the 16-bit field can announce with the shift in use. */
  get maxRcvWindow(): number {
    return 0xffff * 2 ** this.rcvShift;
  }

  /** SEG.WND = RCV.WND >> Rcv.Wind.Shift (RFC 7323 §2.3), but never in a SYN (§2.2). */
  windowField(rcvWnd: number, syn: boolean): number {
    return Math.min(0xffff, syn ? rcvWnd : Math.floor(rcvWnd / 2 ** this.rcvShift));
  }

  // ---- Arrival of a segment in a synchronized state (or SYN-RECEIVED) ----

  /**
   * What the timestamp rules make of an arriving non-SYN-SENT segment, before the sequence number
   * checks (RFC 7323 §5.3 R1 comes first): `drop` silently, answer with an ACK and drop (`paws`),
   * or go on (`ok`). Also notes the segment's SACK blocks on the scoreboard (RFC 2018 §3).
   */
  arrives(seg: Arriving, sndUna: number, sndNxt: number): 'ok' | 'drop' | 'paws' {
    this.pendingEcho = undefined;
    if (this.sackOk && seg.flags & Flag.ACK) this.sacked(seg, sndUna, sndNxt);
    if (!this.tsOk) return 'ok';
    const rst = (seg.flags & Flag.RST) !== 0;
    const ts = seg.options.find((o) => o.kind === 'timestamp');
    if (ts?.kind !== 'timestamp') {
      // §3.2: "If a non-<RST> segment is received without a TSopt, a TCP SHOULD silently drop the
      // segment. A TCP MUST NOT abort a TCP connection because any segment lacks an expected TSopt."
      return !rst && this.s.dropWithoutTimestamp ? 'drop' : 'ok';
    }
    // §5.3 R1: "If there is a Timestamps option in the arriving segment, SEG.TSval < TS.Recent,
    // TS.Recent is valid ..., and if the RST bit is not set, then treat the arriving segment as not
    // acceptable: Send an acknowledgment in reply ... and drop the segment."
    if (!rst && this.tsRecentValid() && seqLt(ts.tsval, this.tsRecent)) return 'paws';
    // §3.2: TSecr means something only with the ACK bit.
    if (seg.flags & Flag.ACK) this.pendingEcho = ts.tsecr;
    return 'ok';
  }

  /**
   * After the segment passed the sequence number check: §4.3 (2) / §5.3 R3, "If SEG.TSval >=
   * TS.Recent and SEG.SEQ <= Last.ACK.sent, then SEG.TSval is copied to TS.Recent". A stale
   * TS.Recent (§5.5) is simply replaced.
   */
  accepted(seg: Arriving): void {
    if (!this.tsOk) return;
    const ts = seg.options.find((o) => o.kind === 'timestamp');
    if (ts?.kind !== 'timestamp') return;
    // The SEG.SEQ test keeps an out-of-order segment's TSval out of TS.Recent (§4.3 (B)); the fault drops it.
    const inOrder = seqLe(seg.seq, this.lastAckSent) || hasFault(this.s, 'ts-recent-any-segment');
    if (inOrder && (seqGe(ts.tsval, this.tsRecent) || !this.tsRecentValid())) this.setTsRecent(ts.tsval);
  }

  /**
   * RTTM (RFC 7323 §4.1): when the segment moved SND.UNA, its TSecr times the segment it answers:
   * an RTT sample in ms, usable even for retransmitted data (the echo says which transmission it
   * answers, so Karn's rule is not needed). Taken once.
   */
  rttSample(): number | undefined {
    const echo = this.pendingEcho;
    this.pendingEcho = undefined;
    if (echo === undefined) return undefined;
    const ticks = seqDiff(this.tsval(), echo);
    return ticks >= 0 ? ticks * this.s.tsClockMs : undefined;
  }

  // ---- Leaving segments ----

  /** The options a segment other than a SYN carries now: TSopt, SACK blocks (RFC 7323 §3.2, RFC 2018 §3). */
  private extra(flags: number, ack: number, rcvNxt: number): TcpOption[] {
    const out: TcpOption[] = [];
    // RFC 7323 §3.2: TSopt "MUST be sent in every non-<RST> segment ..., and SHOULD be sent in an
    // <RST> segment"; TSecr is TS.Recent with an ACK (§4.3 (3)), zero without.
    if (this.tsOk) out.push(NOP, NOP, { kind: 'timestamp', tsval: this.tsval(), tsecr: flags & Flag.ACK ? this.tsRecent : 0 });
    if (this.sackOk && flags & Flag.ACK && !(flags & Flag.RST) && ack === rcvNxt) {
      const blocks = this.sackBlocks(rcvNxt);
      if (blocks.length) out.push(NOP, NOP, { kind: 'sack', blocks });
    }
    // RFC 9293 §3.2 (MUST-65): the MSS option is never sent outside a SYN.
    if (hasFault(this.s, 'mss-on-every-segment') && !(flags & Flag.RST) && optionsLength(out) + 4 <= OPTION_SPACE) out.unshift({ kind: 'mss', value: this.announcedMss });
    return out;
  }

  /**
   * RFC 6691: the bytes of TCP options a data segment sent now carries; its payload is the
   * effective MSS less these, so that the IP packet still fits the MTU ("the sender MUST reduce
   * the TCP data length to account for any IP or TCP options that it is including").
   */
  dataOverhead(rcvNxt: number): number {
    return optionsLength(this.extra(Flag.ACK, rcvNxt, rcvNxt));
  }

  /** Room the timestamps take in every segment (what a "full-sized" segment from the peer lacks). */
  get fixedOverhead(): number {
    return this.tsOk ? 12 : 0;
  }

  /** A segment leaving (not a SYN): its options added, Last.ACK.sent noted (RFC 7323 §4.3). */
  outgoing<T extends Leaving>(seg: T, rcvNxt: number): T {
    if (seg.flags & Flag.SYN) {
      if (seg.flags & Flag.ACK) this.lastAckSent = seg.ack;
      return seg;
    }
    const extra = this.extra(seg.flags, seg.ack, rcvNxt);
    if (seg.flags & Flag.ACK) this.lastAckSent = seg.ack;
    // RFC 2883 §4: "Each duplicate contiguous sequence of data received is reported in at most one D-SACK block".
    if (extra.some((o) => o.kind === 'sack')) this.dsack = undefined;
    return extra.length ? { ...seg, options: [...(seg.options ?? []), ...extra] } : seg;
  }

  // ---- SACK, receiver (RFC 2018 §4) ----

  /** Data [seq, end) arrived out of order and is held. */
  heldOutOfOrder(seq: number, end: number): void {
    if (!this.sackOk || !seqLt(seq, end)) return;
    // Already held whole: a duplicate above RCV.NXT (RFC 2883 §4).
    if (this.held.some((r) => seqLe(r[0], seq) && seqLe(end, r[1]))) this.duplicate(seq, end, undefined);
    addRange(this.held, seq, end);
    this.recent = [seq, ...this.recent.filter((x) => x !== seq)].slice(0, 16);
  }

  /**
   * Data [seq, end) arrived that was already received (RFC 2883 §4, D-SACK): below RCV.NXT
   * (`rcvNxt` given: acknowledged data sent again), or above it and held already (undefined). The
   * next ACK reports it in its first SACK block. Only with SACK in use, and the `dsack` setting.
   */
  duplicate(seq: number, end: number, rcvNxt: number | undefined): void {
    if (!this.sackOk || !this.s.dsack || !seqLt(seq, end)) return;
    // The fault runs the block on to RCV.NXT: the duplicate and the data after it, as if all were duplicated.
    const right = rcvNxt !== undefined && hasFault(this.s, 'dsack-wrong-range') ? rcvNxt : end;
    this.dsack = [seq, right];
  }

  /** The out-of-order queue was emptied (the FIN came): nothing is held any more. */
  dropHeld(): void {
    this.held = [];
    this.recent = [];
    this.dsack = undefined;
  }

  /**
   * The SACK blocks for an ACK of `rcvNxt`: "The first SACK block ... MUST specify the contiguous
   * block of data containing the segment which triggered this ACK"; then the most recently
   * reported ones that are not already in; "as many distinct SACK blocks as possible" in the room
   * left (4 alone, 3 with timestamps); only data not cumulatively acknowledged.
   */
  sackBlocks(rcvNxt: number): SackBlock[] {
    trimRanges(this.held, rcvNxt);
    const room = Math.floor((OPTION_SPACE - this.fixedOverhead - 4) / 8);
    const out: Range[] = [];
    const add = (r: Range | undefined): void => {
      if (r && out.length < room && !out.includes(r)) out.push(r);
    };
    // RFC 2883 §4: "the first block of the SACK option should be a D-SACK block specifying the
    // sequence numbers for the duplicate segment that triggers the acknowledgement"; when it lies in
    // a larger block held above RCV.NXT, "the following SACK block should be used to specify this
    // larger block".
    const dup = this.dsack;
    if (dup) {
      out.push(dup);
      add(this.held.find((r) => seqLe(r[0], dup[0]) && seqLe(dup[1], r[1])));
    }
    this.recent = this.recent.filter((x) => seqGe(x, rcvNxt));
    for (const left of this.recent) add(this.held.find((r) => seqLe(r[0], left) && seqLt(left, r[1])));
    for (const r of [...this.held].reverse()) add(r);
    return out.map((r) => [r[0], r[1]] as const);
  }

  // ---- SACK, sender (RFC 2018 §3, §8; RFC 6675 §5.1 in part) ----

  /** SACK blocks of an arriving ACK go on the scoreboard: only those within (SND.UNA, SND.NXT]. */
  private sacked(seg: Arriving, sndUna: number, sndNxt: number): void {
    for (const o of seg.options) {
      if (o.kind !== 'sack') continue;
      for (const [l, r] of o.blocks) {
        if (seqLt(l, r) && seqGe(l, sndUna) && seqLe(r, sndNxt)) addRange(this.scoreboard, l, r);
      }
    }
  }

  /**
   * The first unacknowledged segment went out again, up to `to`: after a retransmission timeout
   * (`timeout`), or on a fast retransmit or a partial ACK. A timeout clears the scoreboard (RFC
   * 2018 §8: "after a retransmit timeout the data sender SHOULD turn off all of the SACKed bits");
   * the SACKs that answer the retransmission fill it again. A fast retransmit keeps it: RFC 6675
   * §5's loss recovery works from the SACK information at hand. Until SND.UNA passes SND.NXT as it
   * is now, the holes go out again before new data (nextHole).
   */
  retransmitted(o: { readonly sndUna: number; readonly sndNxt: number; readonly to: number; readonly timeout: boolean }): void {
    if (o.timeout) this.scoreboard.length = 0;
    if (!this.sackOk) {
      this.recovery = undefined;
      return;
    }
    const rec = this.recovery;
    if (rec && !o.timeout && seqLt(o.sndUna, rec.point)) {
      // A partial ACK: the same recovery goes on.
      if (seqGt(o.to, rec.sent)) rec.sent = o.to;
      return;
    }
    this.recovery = { point: o.sndNxt, sent: o.to, timeout: o.timeout };
  }

  /**
   * RFC 6675 §4 IsLost (SeqNum): "DupThresh discontiguous SACKed sequences have arrived above
   * 'SeqNum' or more than (DupThresh - 1) * SMSS bytes with sequence numbers greater than 'SeqNum'
   * have been SACKed".
   */
  private isLost(seq: number, mss: number): boolean {
    const above = this.scoreboard.filter((r) => seqGt(r[0], seq));
    const bytes = above.reduce((n, r) => n + seqDiff(r[1], r[0]), 0);
    return above.length >= this.s.dupAckThreshold || bytes > (this.s.dupAckThreshold - 1) * mss;
  }

  /**
   * The next hole to send again in loss recovery, at most `mss` bytes: RFC 6675 §4 NextSeg rule
   * (1), the first sequence number past what this recovery already sent again (HighRxt) that the
   * scoreboard does not cover, that lies below a SACKed block and that IsLost (after a timeout
   * every such hole is: the timer declared the flight lost). SACKed data never goes again (§5:
   * "the scoreboard MUST be queried via NextSeg ()"). At most `cwnd` bytes of holes are out again
   * at a time.
   */
  nextHole(sndUna: number, cwnd: number, mss: number): { seq: number; len: number } | undefined {
    const rec = this.recovery;
    if (!rec || seqGe(sndUna, rec.point)) {
      this.recovery = undefined;
      return undefined;
    }
    trimRanges(this.scoreboard, sndUna);
    if (seqLt(rec.sent, sndUna)) rec.sent = sndUna;
    if (seqDiff(rec.sent, sndUna) >= cwnd || mss <= 0) return undefined;
    let s = rec.sent;
    let end: number | undefined;
    if (hasFault(this.s, 'sack-scoreboard-ignored')) {
      // The fault: everything below the highest SACKed octet is a hole, the SACKed blocks included.
      const top = this.scoreboard.at(-1);
      if (top && seqLt(s, top[1])) end = top[1];
    } else {
      for (const r of this.scoreboard) {
        if (seqLe(r[0], s) && seqLt(s, r[1])) s = r[1];
      }
      const next = this.scoreboard.find((r) => seqGt(r[0], s));
      if (next && (rec.timeout || this.isLost(s, mss))) end = next[0];
    }
    if (end === undefined) return undefined;
    const len = Math.min(mss, seqDiff(end, s));
    rec.sent = seqAdd(s, len);
    return { seq: s, len };
  }

  // ---- TIME-WAIT (RFC 6191) ----

  /**
   * RFC 6191 §2 (RFC 9293 §3.6.1 SHLD-4): may a SYN reopen this connection from TIME-WAIT? When
   * the old incarnation used timestamps and the new one would: if its TSval is above the last one
   * seen, or equal with a higher sequence number. Otherwise, the old rule: a higher sequence number.
   */
  mayReopen(seg: Arriving, rcvNxt: number): boolean {
    const ts = seg.options.find((o) => o.kind === 'timestamp');
    if (this.tsOk && this.s.timestamps && ts?.kind === 'timestamp' && !hasFault(this.s, 'time-wait-no-timestamps')) {
      return seqGt(ts.tsval, this.tsRecent) || (ts.tsval === this.tsRecent && seqGt(seg.seq, rcvNxt));
    }
    return seqGt(seg.seq, rcvNxt);
  }
}
