/**
 * One TCP connection of the reference stack: its transmission control block and the event
 * processing of RFC 9293 §3.10 (OPEN, SEND, RECEIVE, CLOSE, ABORT, SEGMENT ARRIVES, timeouts),
 * with RFC 5961's defences, RFC 6298's retransmission timer, delayed ACKs and Nagle. No I/O: a
 * segment leaves through the stack's `transmit`, and time is the stack's Clock.
 */
import { Flag } from '../wire/tcp.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from '../wire/seq.js';
import type { TcpOption } from '../wire/options.js';
import type { Clock } from '../engine/queue.js';
import type { ReferenceSettings } from './settings.js';
import { ConnectionOptions, timestampOffset } from './options.js';
import { ConnExtras } from './extras.js';
import { Congestion } from './congestion.js';
import { giveUpDue, r1Reached, timerWait } from './failure.js';
import { KeepAlive } from './keepalive.js';
import { Persist } from './persist.js';
import type { IcmpVerdict } from './icmp.js';
import type { TcbError } from './errno.js';
import type { CongestionEvent } from './trace.js';
import { hasFault } from './faults.js';

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'CLOSING'
  | 'LAST-ACK'
  | 'TIME-WAIT';

/** A segment as the state machine sees it (addresses are the connection's). */
export interface Segment {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly urgent: number;
  readonly options: readonly TcpOption[];
  readonly payload: Uint8Array;
  /** The ECN field of the IP header it came in (RFC 3168 §5), when known. */
  readonly ecn?: number;
}

/** A segment to send. */
export interface OutSegment {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly options?: readonly TcpOption[];
  readonly payload?: Uint8Array;
}

/** What the connection needs of the stack that holds it. */
export interface TcbHost {
  readonly clock: Clock;
  readonly settings: ReferenceSettings;
  transmit(tcb: Tcb, seg: OutSegment): void;
  /** The connection reached CLOSED: forget it. */
  release(tcb: Tcb): void;
  /** RFC 5961 §7: may a challenge ACK go out now? */
  challengeAllowed(tcb: Tcb): boolean;
  /** Closes the listener `tcb` came from (only a mutant asks: 'synrecv-forgets-listen'). */
  closeListenerOf?(tcb: Tcb): void;
  /** A passive connection reached ESTABLISHED: hand it to its listener. */
  established(tcb: Tcb): void;
  /** The path MTU known for `remoteIp` (RFC 1191 / RFC 8201), when lower than the link's. */
  pathMtu?(remoteIp: string): number | undefined;
  /** Told of each congestion-control and timer decision (trace.ts), when someone listens. */
  trace?(tcb: Tcb, e: CongestionEvent): void;
}

export type { TcbError } from './errno.js';

/** Segment length: payload, plus one each for SYN and FIN (RFC 9293 §3.4). */
export const segLen = (s: { readonly flags: number; readonly payload?: Uint8Array }): number =>
  (s.payload?.length ?? 0) + (s.flags & Flag.SYN ? 1 : 0) + (s.flags & Flag.FIN ? 1 : 0);

/**
 * RFC 9293 §3.10.7.4, first check: is a segment of `len` at `seq` acceptable for a receive window
 * [rcvNxt, rcvNxt + rcvWnd)? The four cases of the RFC's table, compared modulo 2^32 (§3.4);
 * `modular` false compares the same 32-bit values as plain numbers (the fault 'seq-compare-unsigned').
 */
export function acceptable(seq: number, len: number, rcvNxt: number, rcvWnd: number, modular = true): boolean {
  const le = modular ? seqLe : (a: number, b: number): boolean => a >>> 0 <= b >>> 0;
  const lt = modular ? seqLt : (a: number, b: number): boolean => a >>> 0 < b >>> 0;
  const inWindow = (s: number): boolean => le(rcvNxt, s) && lt(s, seqAdd(rcvNxt, rcvWnd));
  if (len === 0) return rcvWnd === 0 ? seq === rcvNxt : inWindow(seq);
  if (rcvWnd === 0) return false;
  return inWindow(seq) || inWindow(seqAdd(seq, len - 1));
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (!a.length) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

export class Tcb {
  state: TcpState = 'CLOSED';
  /** Set when the connection ended abnormally. */
  error: TcbError | undefined;
  /** True when it came from a listener (a RST in SYN-RECEIVED then returns it to LISTEN, i.e. drops it). */
  readonly passive: boolean;

  // Send sequence variables (RFC 9293 §3.3.1).
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  sndWnd = 0;
  sndWl1 = 0;
  sndWl2 = 0;
  /** Largest window the peer offered (RFC 5961 §5's MAX.SND.WND). */
  maxSndWnd = 0;
  /** Effective send MSS (RFC 9293 §3.7.1). */
  sndMss: number;
  // Receive sequence variables.
  irs = 0;
  rcvNxt = 0;
  /** Right edge of the window last announced (receiver SWS avoidance keeps it from creeping). */
  private rcvAdvRight = 0;
  /** Urgent pointer received (RFC 9293 §3.10.7.4, sixth check), when any. */
  rcvUp: number | undefined;

  /** Bytes the application wrote from sequence number `sbufSeq` on: unacknowledged, then unsent. */
  private sbuf: Uint8Array = new Uint8Array(0);
  private sbufSeq = 0;
  /** Where each write ended (sequence numbers): a segment reaching one carries PSH (RFC 9293 §3.9.1.2). */
  private pushMarks: number[] = [];
  /** RFC 5681 congestion control (congestion.ts): cwnd, ssthresh, duplicate ACKs, recovery. */
  readonly cc: Congestion;
  /** Zero-window probing (persist.ts). */
  readonly persist: Persist;
  /** Keep-alives (keepalive.ts), off unless the application asks. */
  readonly keepAlive: KeepAlive;
  /** The application's user timeout, ms (TCP_USER_TIMEOUT, RFC 5482): replaces R2 when set (failure.ts). */
  userTimeoutMs: number | undefined;
  /** The last soft ICMP error (RFC 9293 §3.9.2.2 SHLD-25), reported if the connection times out. */
  softError: TcbError | undefined;
  /** R1 was reached (RFC 1122 §4.2.3.5 (c): the application is told of a delivery problem). */
  deliveryProblem = false;
  /** The application closed its sending side: a FIN follows the data. */
  finQueued = false;
  /** Received, in order, not yet read. */
  rbuf: Uint8Array = new Uint8Array(0);
  /** Out-of-order segments held (RFC 9293 §3.10.7.4, seventh check: "SHOULD be held"). */
  private ooo: Array<{ seq: number; payload: Uint8Array; fin: boolean }> = [];
  /** The peer's FIN has been received (in order): reads end after rbuf. */
  finReceived = false;
  /** TCP_NODELAY. */
  nodelay = false;
  /** Window scale, timestamps, SACK (options.ts). */
  readonly opt: ConnectionOptions;
  /** The Diffserv field, own settings, urgent pointer, ECN, Fast Open and return route (extras.ts). */
  readonly extras = new ConnExtras();

  // Timers and their state.
  private rto: number;
  private srtt: number | undefined;
  private rttvar = 0;
  /** The one segment being timed (RFC 6298 §3: Karn: never a retransmitted one). */
  private timing: { seq: number; at: number } | undefined;
  private cancelRtx: (() => void) | undefined;
  /** When the first unacknowledged retransmission of the current episode started (R2). */
  private rtxSince: number | undefined;
  private synTimedOut = false;
  /** Timeouts of the current episode (reset when new data is acknowledged). */
  private rtxCount = 0;
  /** When the latest retransmission by timeout went out (R2, failure.ts). */
  private lastRtxAt: number | undefined;
  /** Last forward progress (SND.UNA moved, or data left with nothing outstanding): the user timeout counts from here. */
  private progressAt = 0;
  private cancelDelAck: (() => void) | undefined;
  /** Bytes received in order since we last sent an ACK. */
  private unackedBytes = 0;
  private ackNow = false;
  private cancelTimeWait: (() => void) | undefined;

  /** Called when the connection's readable, writable or closed status may have changed. */
  onChange: () => void = () => undefined;

  constructor(
    private readonly host: TcbHost,
    readonly family: 4 | 6,
    readonly localIp: string,
    readonly localPort: number,
    readonly remoteIp: string,
    readonly remotePort: number,
    o: { readonly passive: boolean; readonly iss: number },
  ) {
    this.passive = o.passive;
    this.iss = o.iss;
    this.rto = host.settings.initialRtoMs;
    this.sndMss = host.settings.defaultMss[family];
    this.opt = new ConnectionOptions(host.settings, host.clock, timestampOffset(host.settings.tsSecret, localIp, localPort, remoteIp, remotePort));
    this.cc = new Congestion(host.settings, o.iss);
    this.persist = new Persist(host.clock);
    this.keepAlive = new KeepAlive(host.clock, host.settings);
  }

  /** RFC 5681's cwnd and ssthresh, bytes (held by congestion.ts). */
  get cwnd(): number {
    return this.cc.cwnd;
  }

  set cwnd(v: number) {
    this.cc.cwnd = v;
  }

  get ssthresh(): number {
    return this.cc.ssthresh;
  }

  set ssthresh(v: number) {
    this.cc.ssthresh = v;
  }

  /** FlightSize (RFC 5681 §2): sent and not yet acknowledged. */
  get flightSize(): number {
    return seqDiff(this.sndNxt, this.sndUna);
  }

  private get s(): ReferenceSettings {
    return this.extras.settings ?? this.host.settings;
  }

  private get now(): number {
    return this.host.clock.now();
  }

  /** The MSS we announce: our MTU less the fixed IP and TCP headers (RFC 9293 §3.7.1, MUST-14). */
  get ourMss(): number {
    return this.s.mtu - (this.family === 6 ? 40 : 20) - 20;
  }

  /** RCV.WND: the free space of the receive buffer, held back per receiver SWS avoidance. */
  get rcvWnd(): number {
    return Math.max(0, seqDiff(this.rcvAdvRight, this.rcvNxt));
  }

  /** Bytes written and not yet acknowledged or sent. */
  get sendQueued(): number {
    return this.sbuf.length;
  }

  /** Current RTO, ms (tests look at it). */
  get currentRto(): number {
    return this.rto;
  }

  get smoothedRtt(): number | undefined {
    return this.srtt;
  }

  /** True in the states where the connection is synchronized (RFC 9293 §3.5). */
  get synchronized(): boolean {
    return !['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED'].includes(this.state);
  }

  // ---- User calls (RFC 9293 §3.10.1 - §3.10.5) ----

  /** Active OPEN (§3.10.1): send a SYN, enter SYN-SENT. */
  openActive(): void {
    this.sndUna = this.iss;
    this.sndNxt = seqAdd(this.iss, 1);
    this.sbufSeq = this.sndNxt;
    this.state = 'SYN-SENT';
    this.sendSyn();
  }

  /** Passive side: a SYN arrived at a listener (§3.10.7.2, third check). */
  openPassive(syn: Segment): void {
    this.opt.synArrives(syn);
    this.irs = syn.seq;
    this.rcvNxt = seqAdd(syn.seq, 1);
    // RFC 7413 §4.2.2: with a valid Fast Open cookie the SYN's data is taken at once (and the SYN/ACK acknowledges it).
    if (this.extras.fastOpenData) {
      this.rbuf = syn.payload.slice();
      this.rcvNxt = seqAdd(this.rcvNxt, syn.payload.length);
    }
    this.rcvAdvRight = seqAdd(this.rcvNxt, this.freeSpace());
    this.takeMss(syn.options);
    this.sndWnd = this.opt.synWindow(syn.window); // RFC 7323 §2.2: never scaled
    this.maxSndWnd = this.sndWnd;
    this.sndUna = this.iss;
    this.sndNxt = seqAdd(this.iss, 1);
    this.sbufSeq = this.sndNxt;
    this.state = 'SYN-RECEIVED';
    this.sendSyn();
  }

  /** SEND (§3.10.2): queue `data`; returns the bytes taken (all of them, or 0 when sending is over). */
  write(data: Uint8Array): number {
    if (this.finQueued || !['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT'].includes(this.state)) return 0;
    this.sbuf = concat(this.sbuf, data);
    this.pushMarks.push(seqAdd(this.sbufSeq, this.sbuf.length));
    this.output();
    return data.length;
  }

  /** RECEIVE (§3.10.3): up to `n` bytes of what came in order (`peek` leaves them). */
  read(n: number, peek = false): Uint8Array {
    const out = this.rbuf.slice(0, n);
    if (!peek && out.length) {
      this.rbuf = this.rbuf.slice(out.length);
      this.windowUpdate();
    }
    return out;
  }

  /** CLOSE (§3.10.4) of the sending side: a FIN after the data. */
  close(): void {
    switch (this.state) {
      case 'SYN-SENT':
        this.enterClosed();
        return;
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        this.finQueued = true;
        // SYN-RECEIVED: the FIN waits for ESTABLISHED (the RFC: "queue for processing after
        // entering ESTABLISHED"); there it enters FIN-WAIT-1 once the FIN goes out.
        if (this.state === 'ESTABLISHED') this.state = 'FIN-WAIT-1';
        this.output();
        return;
      case 'CLOSE-WAIT':
        this.finQueued = true;
        this.state = 'LAST-ACK';
        this.output();
        return;
      default:
        // FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT: "error: connection closing"; nothing to do.
        return;
    }
  }

  /**
   * RFC 9293 §3.6.1 (MAY-2, RFC 1122 §4.2.2.13): a SYN beyond the old connection's sequence
   * numbers may reopen it from TIME-WAIT. Forgets this incarnation and returns the least ISN the
   * new one may use (past everything this one sent).
   */
  reopenFromTimeWait(): number {
    const next = seqAdd(this.sndNxt, 1);
    this.enterClosed();
    return next;
  }

  /**
   * The application gives the connection up (the socket's close()): with data it never read, a
   * RST tells the peer that data was lost (RFC 9293 §3.6.1, SHLD-3); else CLOSE.
   */
  closeByApplication(): void {
    if (this.rbuf.length && !hasFault(this.s, 'close-unread-fin')) this.abort();
    else this.close();
  }

  /** ABORT (§3.10.5): a RST in the synchronized states and SYN-RECEIVED, then CLOSED. */
  abort(): void {
    if (['SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT'].includes(this.state)) {
      this.host.transmit(this, { seq: this.sndNxt, ack: 0, flags: Flag.RST, window: 0 });
    }
    this.enterClosed();
  }

  // ---- SEGMENT ARRIVES (§3.10.7.3, §3.10.7.4) ----

  /** A segment for this connection. */
  segmentArrives(seg: Segment): void {
    this.keepAlive.heard();
    if (this.state === 'SYN-SENT') this.synSentArrives(seg);
    else if (this.state !== 'CLOSED') this.otherArrives(seg);
    if (this.justEstablished) {
      // The application hears of the connection only once the segment is fully processed.
      this.justEstablished = false;
      if (this.state !== 'CLOSED') this.host.established(this);
    }
    // The application acts on what came first, so that an ACK due now can ride on what it
    // sends in answer (its data or its FIN); then whatever is still due goes out.
    this.onChange();
    this.output();
  }

  /** §3.10.7.3: SYN-SENT. */
  private synSentArrives(seg: Segment): void {
    const f = seg.flags;
    let ackOk = false;
    let ack = seg.ack;
    // First, the ACK: it must acknowledge our SYN and nothing past it.
    if (f & Flag.ACK) {
      if (seqLe(ack, this.iss) || seqGt(ack, this.sndNxt)) {
        // RFC 9293 §3.10.7.3: <SEQ=SEG.ACK><CTL=RST>, and the attempt goes on. The fault takes
        // any SYN/ACK as the ACK of our SYN.
        if (f & Flag.SYN && !(f & Flag.RST) && hasFault(this.s, 'synsent-ack-unchecked')) ack = this.sndNxt;
        else {
          if (!(f & Flag.RST)) this.host.transmit(this, { seq: seg.ack, ack: 0, flags: Flag.RST, window: 0 });
          return;
        }
      }
      ackOk = seqLt(this.sndUna, ack) && seqLe(ack, this.sndNxt);
    }
    // Second, the RST: only with an acceptable ACK (RFC 5961 §3.2 says the same of SYN-SENT);
    // "Otherwise (no ACK), drop the segment and return" (the fault aborts the attempt on it).
    if (f & Flag.RST) {
      if (ackOk || (!(f & Flag.ACK) && hasFault(this.s, 'synsent-rst-without-ack-aborts'))) {
        this.error = 'ECONNREFUSED';
        this.enterClosed();
      }
      return;
    }
    // Third (security) is not modelled. Fourth, the SYN (without an ACK: a simultaneous open, MUST-10).
    if (!(f & Flag.SYN) || (!ackOk && hasFault(this.s, 'no-simultaneous-open'))) return;
    this.opt.synArrives(seg);
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.rcvAdvRight = seqAdd(this.rcvNxt, this.freeSpace());
    this.takeMss(seg.options);
    if (ackOk) this.ackAdvances(ack);
    this.sndWnd = this.opt.synWindow(seg.window); // RFC 7323 §2.2: never scaled
    this.maxSndWnd = Math.max(this.maxSndWnd, this.sndWnd);
    this.sndWl1 = seg.seq;
    this.sndWl2 = ack;
    if (seqGt(this.sndUna, this.iss)) {
      this.enterEstablished();
      // "form an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it": now, before the
      // application hears of the connection (what it then writes is not "queued" yet).
      this.sendAck();
      // Data or a FIN on the SYN/ACK: the text and FIN checks (sixth to eighth) still apply.
      this.textAndFin({ ...seg, seq: seqAdd(seg.seq, 1), flags: f & ~Flag.SYN });
    } else {
      // Simultaneous open: SYN-RECEIVED, and our SYN again, now with an ACK.
      this.state = 'SYN-RECEIVED';
      this.sendSyn();
    }
  }

  /** §3.10.7.4: every state from SYN-RECEIVED on. */
  private otherArrives(seg: Segment): void {
    // RFC 7323 §3.2 and §5.3 R1 (PAWS) come before the sequence number check.
    const ts = this.opt.arrives(seg, this.sndUna, this.sndNxt);
    if (ts === 'paws') this.sendAck();
    if (ts !== 'ok') return;
    let f = seg.flags;
    let { seq, payload } = seg;
    let fin = (f & Flag.FIN) !== 0;
    let len = segLen(seg);
    // Simultaneous open (RFC 9293 §3.5, figure 7, line 5): in SYN-RECEIVED the peer's SYN/ACK
    // repeats its SYN at IRS, which the acceptability table alone would refuse; the figure has it
    // move the connection to ESTABLISHED. Its SYN is taken as already seen (trimmed), its ACK goes on.
    if (this.state === 'SYN-RECEIVED' && !this.passive && f & Flag.SYN && f & Flag.ACK && seq === this.irs) {
      f &= ~Flag.SYN;
      seq = this.rcvNxt;
      len -= 1;
    }

    // First: sequence number acceptability. With a zero window, a segment at RCV.NXT is still
    // taken for its ACK, URG and RST (its text is dropped below, as the window has no room).
    const wnd = this.rcvWnd;
    // MUST-13: only an acceptable RST may end TIME-WAIT before 2 MSL; the fault takes any.
    if (this.state === 'TIME-WAIT' && f & Flag.RST && hasFault(this.s, 'time-wait-rst-unchecked')) return this.enterClosed();
    const allowance = wnd === 0 && seq === this.rcvNxt && !(len > 0 && hasFault(this.s, 'zero-window-drops-urg')); // MUST-66
    // RFC 9293 §3.4: the comparisons are modulo 2^32 (the fault compares plain numbers).
    if (!acceptable(seq, len, this.rcvNxt, wnd, !hasFault(this.s, 'seq-compare-unsigned')) && !allowance) {
      // Data received before, sent again: the ACK reports it in a D-SACK block (RFC 2883 §4).
      const end = seqAdd(seq, payload.length);
      if (!(f & (Flag.RST | Flag.SYN)) && payload.length && seqLe(end, this.rcvNxt)) this.opt.duplicate(seq, end, this.rcvNxt);
      if (!(f & Flag.RST)) this.sendAck();
      // TIME-WAIT: the peer's FIN again (at RCV.NXT - 1) restarts the 2 MSL timeout.
      if (this.state === 'TIME-WAIT' && f & Flag.FIN && !(f & Flag.RST)) this.enterTimeWait();
      return;
    }
    this.opt.accepted(seg); // RFC 7323 §4.3, §5.3 R3: TS.Recent
    // Trim to the window: what lies before RCV.NXT (a SYN counts for one), and past its right edge.
    let skip = seqDiff(this.rcvNxt, seq);
    if (skip > 0 && f & Flag.SYN) skip -= 1;
    if (skip > 0) {
      // The part before RCV.NXT was received before: a D-SACK block reports it (RFC 2883 §4).
      if (!(f & (Flag.RST | Flag.SYN)) && payload.length) this.opt.duplicate(seq, seqAdd(seq, Math.min(skip, payload.length)), this.rcvNxt);
      payload = payload.subarray(Math.min(skip, payload.length));
      if (skip > seg.payload.length) fin = false; // an old FIN
      seq = this.rcvNxt;
    } else if (skip < 0) skip = 0;
    const room = Math.max(0, seqDiff(seqAdd(this.rcvNxt, wnd), seq));
    if (payload.length > room) {
      payload = payload.subarray(0, room);
      fin = false;
      // What lay beyond the window was not acceptable: "an acknowledgment should be sent in reply"
      // (RFC 9293 §3.10.7.4, first check; §3.8.6.1: a zero window still answers with an ACK).
      if (!(f & Flag.RST)) this.ackNow = true;
    }

    // Second: RST. It may carry data (RFC 9293 §3.5.3, SHLD-2): it is processed all the same.
    if (f & Flag.RST) {
      if (wnd === 0 && hasFault(this.s, 'zero-window-drops-rst')) return; // MUST-66: a RST counts even in a zero window
      if (seg.payload.length && hasFault(this.s, 'drop-rst-with-data')) return;
      // RFC 5961 §3.2: only a RST at exactly RCV.NXT resets; another in the window earns a challenge ACK.
      if (this.s.rfc5961 && seq !== this.rcvNxt && !hasFault(this.s, 'accept-inexact-rst')) {
        this.challengeAck();
        return;
      }
      this.resetArrived();
      return;
    }

    // Third: security and precedence (not modelled).

    // Fourth: SYN. RFC 5961 §4 (RFC 9293 §3.10.7.4): in a synchronized state, whatever its
    // sequence number, a challenge ACK. In SYN-RECEIVED of a passive open, back to LISTEN.
    if (f & Flag.SYN) {
      if (this.state === 'SYN-RECEIVED' && this.passive) {
        this.enterClosed();
        return;
      }
      if (this.s.rfc5961 && !hasFault(this.s, 'syn-resets-established')) {
        this.challengeAck();
        return;
      }
      // RFC 793's rule: a reset, and the connection is gone.
      this.host.transmit(this, { seq: this.sndNxt, ack: 0, flags: Flag.RST, window: 0 });
      this.error = 'ECONNRESET';
      this.enterClosed();
      return;
    }

    // Fifth: ACK. A segment without one is dropped (RFC 9293 §3.10.7.4, fifth check).
    if (!(f & Flag.ACK)) return;
    const cwndBefore = this.cwnd;
    if (!this.ackCheck({ ...seg, seq, flags: f, window: this.opt.peerWindow(seg.window, (seg.flags & Flag.SYN) !== 0) })) return;
    // RFC 3168 §6.1.2, §6.1.3: ECE, CWR and CE on an acceptable segment (ecn.ts).
    this.extras.ecn.accepted(this, f, hasFault(this.s, 'ecn-no-echo') ? undefined : seg.ecn, payload.length, cwndBefore, this.s);

    // Sixth: URG (ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2).
    if (f & Flag.URG && ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2'].includes(this.state)) {
      // SEG.UP is an offset from the segment's own sequence number, before any trimming.
      const up = seqAdd(seg.seq, seg.urgent);
      // MUST-31: urgent data of any length; the pointer may lie beyond this segment's data.
      if (hasFault(this.s, 'urgent-beyond-segment-dropped') && seg.urgent > seg.payload.length) return;
      if (this.rcvUp === undefined || seqGt(up, this.rcvUp)) this.rcvUp = up;
    }

    // Seventh and eighth: text and FIN.
    this.textAndFin({ ...seg, seq, payload, flags: fin ? f | Flag.FIN : f & ~Flag.FIN });
  }

  /** Fifth check, by state; false when the segment is to be dropped. */
  private ackCheck(seg: Segment): boolean {
    // RFC 5961 §5: an ACK older than SND.UNA - MAX.SND.WND, or past SND.NXT, is answered and dropped.
    if (this.s.rfc5961 && this.state !== 'SYN-RECEIVED' && !hasFault(this.s, 'no-ack-range-check')) {
      const oldest = seqAdd(this.sndUna, -this.maxSndWnd);
      if (!(seqLe(oldest, seg.ack) && seqLe(seg.ack, this.sndNxt))) {
        this.challengeAck();
        return false;
      }
    }
    if (this.state === 'SYN-RECEIVED') {
      if (seqLt(this.sndUna, seg.ack) && seqLe(seg.ack, this.sndNxt)) {
        this.sndWnd = seg.window;
        this.maxSndWnd = Math.max(this.maxSndWnd, seg.window);
        this.sndWl1 = seg.seq;
        this.sndWl2 = seg.ack;
        this.ackAdvances(seg.ack);
        this.enterEstablished();
        // A close while in SYN-RECEIVED: the FIN goes out now.
        if (this.finQueued) this.state = 'FIN-WAIT-1';
      } else {
        this.host.transmit(this, { seq: seg.ack, ack: 0, flags: Flag.RST, window: 0 });
        return false;
      }
    }
    if (this.state === 'TIME-WAIT') {
      // Only a retransmitted FIN can come: handled with the FIN below.
      return true;
    }
    // ESTABLISHED and the states after it.
    if (seqGt(seg.ack, this.sndNxt)) {
      // Acknowledges something not yet sent: ACK, drop.
      this.sendAck();
      return false;
    }
    const dup = this.isDuplicateAck(seg);
    if (seqLt(this.sndUna, seg.ack)) this.ackAdvances(seg.ack);
    // Window update, only from a newer segment (SND.WL1, SND.WL2): an older one, reordered on
    // the way, must not bring back the window it carried (the fault takes every acceptable ACK's).
    const newer = seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, seg.ack));
    if (seqLe(this.sndUna, seg.ack) && (newer || hasFault(this.s, 'window-update-any-ack'))) {
      this.sndWnd = seg.window;
      this.maxSndWnd = Math.max(this.maxSndWnd, seg.window);
      this.sndWl1 = seg.seq;
      this.sndWl2 = seg.ack;
    }
    this.ackHeard(dup);
    const finAcked = this.finQueued && this.finSent && this.sndUna === this.sndNxt;
    switch (this.state) {
      case 'FIN-WAIT-1':
        if (finAcked) this.state = 'FIN-WAIT-2';
        break;
      case 'CLOSING':
        if (!finAcked) return false;
        // MUST-13: a simultaneous close leaves TIME-WAIT on both sides; the fault closes at once.
        if (hasFault(this.s, 'closing-skips-time-wait')) {
          this.enterClosed();
          return false;
        }
        this.enterTimeWait();
        break;
      case 'LAST-ACK':
        if (finAcked) {
          this.enterClosed();
          return false;
        }
        break;
      default:
        break;
    }
    return true;
  }

  /** Seventh (segment text) and eighth (FIN) checks, for a segment trimmed to the window. */
  private textAndFin(seg: Segment): void {
    let fin = (seg.flags & Flag.FIN) !== 0;
    // The fault knows no CLOSING: a FIN before our own is acknowledged is dropped (RFC 9293 §3.10.7.4, eighth check).
    if (fin && this.state === 'FIN-WAIT-1' && !(this.finSent && this.sndUna === this.sndNxt) && hasFault(this.s, 'no-closing-state')) fin = false;
    // Seventh check: text is taken in these states; after the peer's FIN "Ignore the segment text"
    // (CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT), unless the fault takes it there too.
    const afterFin = ['CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'].includes(this.state) && hasFault(this.s, 'text-after-fin-taken');
    const takesText = afterFin || ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2'].includes(this.state);
    if (takesText && (seg.payload.length || fin)) {
      if (seg.seq === this.rcvNxt) {
        this.take(seg.payload, fin);
        // MUST-59: the queued segments it continues are taken before any ACK.
        if (this.ooo.length && hasFault(this.s, 'ack-before-ooo-queue')) this.sendAck();
        this.drainOoo();
      } else if (seqGt(seg.seq, this.rcvNxt)) {
        // Out of order: held (SHOULD), and a duplicate ACK at once (RFC 5681 §4.2, RFC 9293 §3.10.7.4).
        if (this.s.keepOutOfOrder) this.ooo.push({ seq: seg.seq, payload: seg.payload.slice(), fin });
        if (this.s.keepOutOfOrder) this.opt.heldOutOfOrder(seg.seq, seqAdd(seg.seq, seg.payload.length)); // RFC 2018 §4
        // MAY-13: that ACK acknowledges RCV.NXT (a mutant's acknowledges the segment's end).
        if (hasFault(this.s, 'ooo-ack-past-hole')) {
          this.host.transmit(this, { seq: this.sndNxt, ack: seqAdd(seg.seq, seg.payload.length), flags: Flag.ACK, window: this.announce() });
          this.ackSent();
        } else this.ackNow = true;
      }
      return;
    }
    if (fin && seg.seq === this.rcvNxt && this.state !== 'SYN-RECEIVED') {
      // CLOSE-WAIT, CLOSING, LAST-ACK: a retransmitted FIN; TIME-WAIT: also restart the 2 MSL timeout.
      if (this.state === 'TIME-WAIT') this.enterTimeWait();
      this.ackNow = true;
    } else if (fin && this.state === 'TIME-WAIT') {
      // The FIN again (its sequence number is RCV.NXT - 1, trimmed away above): acknowledge it, restart.
      this.enterTimeWait();
      this.ackNow = true;
    }
  }

  /** In-order text (and perhaps the FIN) at RCV.NXT. */
  private take(payload: Uint8Array, fin: boolean): void {
    if (payload.length) {
      this.rbuf = concat(this.rbuf, payload);
      this.rcvNxt = seqAdd(this.rcvNxt, payload.length);
      this.unackedBytes += payload.length;
      // RFC 9293 §3.8.6.3: an ACK for at least every second full-sized segment; else delayed.
      if (!this.s.delayedAck || this.unackedBytes >= (hasFault(this.s, 'ack-third-full-segment') ? 3 : 2) * (this.ourMss - this.opt.fixedOverhead)) this.ackNow = true;
      else this.startDelayedAck();
    }
    // MUST-58: the data and the FIN of one segment share one ACK.
    if (fin && payload.length && hasFault(this.s, 'ack-data-then-fin')) this.sendAck();
    if (fin) this.finArrives();
  }

  /** Eighth check: the FIN, in order. */
  private finArrives(): void {
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.finReceived = true;
    this.ooo = [];
    this.opt.dropHeld();
    this.ackNow = true;
    switch (this.state) {
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        this.state = 'CLOSE-WAIT';
        break;
      case 'FIN-WAIT-1':
        if (this.finSent && this.sndUna === this.sndNxt) this.enterTimeWait();
        else this.state = 'CLOSING';
        break;
      case 'FIN-WAIT-2':
        this.enterTimeWait();
        break;
      default:
        break;
    }
  }

  /** Takes what the out-of-order queue now continues. */
  private drainOoo(): void {
    for (let progress = true; progress && !this.finReceived; ) {
      progress = false;
      for (const [i, o] of this.ooo.entries()) {
        const end = seqAdd(o.seq, o.payload.length);
        if (seqLe(o.seq, this.rcvNxt) && (seqGt(end, this.rcvNxt) || (o.fin && end === this.rcvNxt))) {
          this.ooo.splice(i, 1);
          this.take(o.payload.subarray(seqDiff(this.rcvNxt, o.seq)), o.fin);
          this.ackNow = true;
          progress = true;
          break;
        }
        if (seqLe(end, this.rcvNxt)) {
          this.ooo.splice(i, 1);
          progress = true;
          break;
        }
      }
    }
  }

  /** A RST that passed the checks (§3.10.7.4, second check), by state. */
  private resetArrived(): void {
    if (this.state === 'SYN-RECEIVED' && this.passive) {
      // Back to LISTEN: the listener still stands; this connection is simply forgotten.
      // (MUST-11: SYN-RECEIVED remembers it came from LISTEN. A stack that forgot would refuse
      // the connection as an active open's and delete the TCB, which was the listening one.)
      if (hasFault(this.s, 'synrecv-forgets-listen')) this.host.closeListenerOf?.(this);
      this.enterClosed();
      return;
    }
    if (this.state === 'SYN-RECEIVED') this.error = 'ECONNREFUSED';
    // MUST-12: the application is told the connection was reset (its reads fail).
    else if (['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT'].includes(this.state) && !hasFault(this.s, 'reset-unreported')) this.error = 'ECONNRESET';
    this.enterClosed();
  }

  /** RFC 5961's challenge ACK (<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>), within the rate limit of §7. */
  private challengeAck(): void {
    if (this.host.challengeAllowed(this)) this.sendAck();
  }

  // ---- Sending ----

  /** The FIN has been sent (SND.NXT is past it). */
  get finSent(): boolean {
    return this.finQueued && seqGt(this.sndNxt, seqAdd(this.sbufSeq, this.sbuf.length));
  }

  private freeSpace(): number {
    return Math.max(0, Math.min(this.s.rcvBuf - this.rbuf.length, this.opt.maxRcvWindow));
  }

  private takeMss(options: readonly TcpOption[]): void {
    const o = options.find((x) => x.kind === 'mss');
    // RFC 9293 §3.7.1: the peer's MSS (or the default) bounds ours, never raises it past our MTU.
    const peer = o && o.kind === 'mss' && !hasFault(this.s, 'ignore-mss-option') ? o.value : hasFault(this.s, 'ignore-mss-option') ? 1460 : this.s.defaultMss[this.family];
    this.sndMss = Math.max(1, Math.min(peer, this.ourMss));
    // RFC 1191 §5 / RFC 8201: a path MTU already learnt for this destination bounds it too.
    const path = this.host.pathMtu?.(this.remoteIp);
    if (path !== undefined) this.pathMtuLowered(path, false);
  }

  /** The window to announce now, moving the right edge only by enough (receiver SWS avoidance, §3.8.6.2.2). */
  private announce(syn = false): number {
    const right = seqAdd(this.rcvNxt, this.freeSpace());
    const step = hasFault(this.s, 'receiver-sws-off') ? 1 : Math.min(this.s.rcvBuf / 2, this.sndMss); // Fr = 1/2, Eff.snd.MSS (§3.8.6.2.2)
    if (seqDiff(right, this.rcvAdvRight) >= step || seqLt(this.rcvAdvRight, this.rcvNxt)) this.rcvAdvRight = right;
    // RFC 9293 §3.8.6 (SHLD-14): the right edge above never moves left; the fault lets it.
    if (hasFault(this.s, 'shrink-window')) this.rcvAdvRight = seqAdd(right, -Math.min(this.rbuf.length >> 2, this.freeSpace()));
    return this.opt.windowField(this.rcvWnd, syn); // RFC 7323 §2.2, §2.3
  }

  /**
   * After a read: when the window the peer knows has become too small to send a full segment
   * into, and it can now open by enough (§3.8.6.2.2), tell the peer at once.
   */
  private windowUpdate(): void {
    if (!this.synchronized) return;
    const step = Math.min(this.s.rcvBuf / 2, this.sndMss); // Fr = 1/2, Eff.snd.MSS (§3.8.6.2.2)
    const right = seqAdd(this.rcvNxt, this.freeSpace());
    if (this.rcvWnd < step && seqDiff(right, this.rcvAdvRight) >= step) {
      this.ackNow = true;
      this.output();
    }
  }

  private sendSyn(): void {
    const ack = this.state === 'SYN-RECEIVED';
    this.host.transmit(this, {
      seq: this.iss,
      ack: ack ? this.rcvNxt : 0,
      flags: Flag.SYN | (ack ? Flag.ACK : 0),
      window: ack ? this.announce(true) : Math.min(0xffff, this.s.rcvBuf),
      // RFC 9293 §3.7.1 (SHOULD-5, MUST-14 for the value): our MSS, on the SYN only; and the
      // extensions of options.ts (RFC 7323, RFC 2018).
      options: this.opt.synOptions(hasFault(this.s, 'mss-over-mms-r') ? this.ourMss + (this.family === 6 ? 40 : 20) : this.ourMss, ack),
    });
    if (!this.timing && this.rtxSince === undefined) this.timing = { seq: this.iss, at: this.now };
    this.armRtx();
  }

  /** A bare ACK: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
  private sendAck(): void {
    this.host.transmit(this, { seq: this.sndNxt, ack: this.rcvNxt, flags: Flag.ACK, window: this.announce() });
    this.ackSent();
  }

  private ackSent(): void {
    this.ackNow = false;
    this.unackedBytes = 0;
    this.cancelDelAck?.();
    this.cancelDelAck = undefined;
  }

  /** Sends what may be sent now: new data (within the window, Nagle), the FIN, a pending ACK. */
  output(): void {
    if (this.synchronized || this.state === 'SYN-RECEIVED') this.sendData();
    if (this.ackNow && this.synchronized) this.sendAck();
  }

  private sendData(): void {
    if (this.state === 'SYN-RECEIVED' || this.state === 'TIME-WAIT' || this.state === 'CLOSED') return;
    // After a timeout, the holes the SACK scoreboard shows go out again first (options.ts).
    for (let h = this.opt.nextHole(this.sndUna, this.cwnd, this.segRoom()); h; h = this.opt.nextHole(this.sndUna, this.cwnd, this.segRoom())) {
      this.sendSegment(h.seq, h.len, false, true);
    }
    for (;;) {
      const sentOff = seqDiff(this.sndNxt, this.sbufSeq);
      const unsent = this.sbuf.length - sentOff;
      const wndRight = seqAdd(this.sndUna, this.sndWnd);
      // RFC 5681 §3.1: what may be in flight is the smaller of the peer's window and cwnd
      // (with limited transmit's allowance, and cut back after an idle period: congestion.ts).
      if (unsent > 0) this.cc.beforeSend(this.now, this.rto, this.flightSize, this.initialWindow());
      const cwndRight = seqAdd(this.sndUna, this.cc.sendWindow(this.sndMss));
      // RFC 9293 §3.8.6 (MUST-34, SHLD-15): a shrunk window makes this negative: no new data, nothing worse.
      const shrunk = this.sndWnd > 0 && seqLt(wndRight, this.sndNxt);
      if (shrunk && hasFault(this.s, 'reset-on-shrink')) return this.abort();
      const wndRoom = shrunk && hasFault(this.s, 'unsigned-usable-window') ? seqDiff(wndRight, this.sndNxt) >>> 0 : seqDiff(wndRight, this.sndNxt);
      const usable = Math.max(0, Math.min(wndRoom, seqDiff(cwndRight, this.sndNxt)));
      const wantFin = this.finQueued && !this.finSent && ['FIN-WAIT-1', 'LAST-ACK', 'CLOSING'].includes(this.state);
      if (unsent <= 0) {
        if (wantFin) this.sendSegment(this.sndNxt, 0, true, false);
        return;
      }
      // RFC 9293 §3.9.1.2: maximum-sized segments when possible (SHLD-28), successive pushes collapsed (SHLD-27).
      const room = hasFault(this.s, 'half-mss-segments') ? Math.max(1, this.segRoom() >> 1) : this.segRoom();
      const n = Math.min(unsent, usable, room, this.pushSplit());
      if (n <= 0) {
        // A zero window with data waiting and nothing in flight: the persist timer (§3.8.6.1),
        // the first probe after one RTO (MUST-36, SHLD-29).
        if (this.sndWnd === 0 && this.sndNxt === this.sndUna && !hasFault(this.s, 'no-zero-window-probe')) {
          this.persist.start(hasFault(this.s, 'late-first-probe') ? this.s.maxPersistMs : this.rto, this.s.maxPersistMs, () => this.zeroWindowProbe());
        }
        return;
      }
      // RFC 9293 §3.9.1.2 (MUST-60): data is never held indefinitely; the fault holds a short tail until more is written.
      if (hasFault(this.s, 'hold-short-data') && n === unsent && n < room && !this.finQueued) return;
      const outstanding = this.sndNxt !== this.sndUna;
      // Nagle (RFC 9293 §3.7.4): a segment shorter than the MSS waits while data is unacknowledged,
      // unless TCP_NODELAY. Sender SWS avoidance (§3.8.6.2.1): a short segment only when it is all
      // there is to send (or the window will not allow more).
      if (n < room && outstanding && this.s.nagle && (!this.nodelay || hasFault(this.s, 'nodelay-ignored'))) return;
      if (n < room && n < unsent && n < this.maxSndWnd / 2 && outstanding && !hasFault(this.s, 'sender-sws-off')) return;
      const last = n === unsent;
      this.sendSegment(this.sndNxt, n, last && wantFin, true);
    }
  }

  /** With the fault `split-at-pushes`, the bytes up to the next push mark (SHLD-27); else no bound. */
  private pushSplit(): number {
    if (!hasFault(this.s, 'split-at-pushes')) return Infinity;
    const mark = this.pushMarks.find((m) => seqGt(m, this.sndNxt));
    return mark === undefined ? Infinity : seqDiff(mark, this.sndNxt);
  }

  /** RFC 6691: the data a segment holds is the effective MSS less the TCP options it carries. */
  private segRoom(): number {
    return Math.max(1, this.sndMss - (hasFault(this.s, 'mss-ignores-option-room') ? 0 : this.opt.dataOverhead(this.rcvNxt)));
  }

  /** Sends `n` bytes at `seq` (and the FIN after them), new or again. */
  private sendSegment(seq: number, n: number, fin: boolean, push: boolean): void {
    const off = seqDiff(seq, this.sbufSeq);
    const payload = this.sbuf.subarray(off, off + n);
    const isNew = !seqLt(seq, this.sndNxt);
    this.host.transmit(this, {
      seq,
      ack: this.rcvNxt,
      flags: Flag.ACK | (fin ? Flag.FIN : 0) | (push && n > 0 && !hasFault(this.s, 'never-push') && this.pushMarks.some((m) => seqGt(m, seq) && seqLe(m, seqAdd(seq, n))) ? Flag.PSH : 0),
      window: this.announce(),
      payload,
    });
    this.ackSent();
    const end = seqAdd(seq, n + (fin ? 1 : 0));
    this.cc.sent(this.now);
    if (this.sndNxt === this.sndUna) this.progressAt = this.now;
    if (isNew) {
      if (seqGt(end, this.sndNxt)) this.sndNxt = end;
      // RFC 6298 §3 (Karn): time a new segment, one at a time.
      if (!this.timing && this.rtxSince === undefined) this.timing = { seq, at: this.now };
    }
    // RFC 6298 §5.1: every segment with data (or a FIN) starts the timer if it is not running.
    if (!this.cancelRtx) this.armRtx();
  }

  // ---- Acknowledgment and the retransmission timer (RFC 6298) ----

  /** SND.UNA moves to `ack`: drop acknowledged bytes, take an RTT sample, manage the timer. */
  private ackAdvances(ack: number): void {
    const synAcked = seqGt(ack, this.iss) && !seqGt(this.sndUna, this.iss);
    this.sndUna = ack;
    const acked = Math.min(this.sbuf.length, Math.max(0, seqDiff(ack, this.sbufSeq)));
    if (acked) {
      this.sbuf = this.sbuf.slice(acked);
      this.sbufSeq = seqAdd(this.sbufSeq, acked);
      this.pushMarks = this.pushMarks.filter((m) => seqGt(m, this.sbufSeq));
    }
    // RFC 7323 §4.1 (RTTM): with timestamps, the echoed TSval gives the sample (Karn not needed).
    const echoed = this.opt.rttSample();
    if (echoed !== undefined) {
      this.sample(echoed);
      this.timing = undefined;
    }
    // RFC 5681 §3.1 slow start / congestion avoidance, §3.2 and RFC 6582 recovery (congestion.ts).
    const cc = synAcked ? { retransmit: false, restartTimer: true } : this.cc.newAck({ ack, acked, flight: this.flightSize, smss: this.sndMss });
    this.progressAt = this.now;
    const sampled = echoed !== undefined || (this.timing !== undefined && seqGt(ack, this.timing.seq));
    if (this.timing && seqGt(ack, this.timing.seq)) {
      this.sample(this.now - this.timing.at);
      this.timing = undefined;
    }
    // RFC 6298 §5.5 and the note after §5.7: the backed-off RTO stays until a new sample (of data
    // sent and acknowledged without retransmission) replaces it; the fault drops it at this ACK.
    if (!sampled && this.rtxCount > 0 && this.srtt !== undefined && hasFault(this.s, 'backoff-dropped-on-ack')) this.rto = this.rtoFromEstimate();
    this.rtxSince = this.lastRtxAt = undefined;
    this.rtxCount = 0;
    // RFC 6298 §5.7: a SYN that timed out leaves an RTO of at least 3 s for the data.
    if (synAcked && this.synTimedOut && this.s.initialRtoMs < this.s.rtoAfterSynLossMs) this.rto = this.s.rtoAfterSynLossMs;
    if (cc.retransmit) this.retransmitHead(false);
    // §5.2: all acknowledged, the timer stops; §5.3: else it restarts with the current RTO
    // (not for NewReno's later partial ACKs: RFC 6582 §3.2 step 5).
    if (!cc.restartTimer && this.cancelRtx) return;
    this.cancelRtx?.();
    this.cancelRtx = undefined;
    if (this.sndUna !== this.sndNxt) this.armRtx();
  }

  /** RFC 6298 §2.2, §2.3: SRTT and RTTVAR from a measurement `r`, then the RTO. */
  private sample(r: number): void {
    if (this.srtt === undefined) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    // RFC 6298 §2.2, §2.3 (MUST-18): the RTO follows the samples; the fault leaves it at its initial value.
    this.rto = hasFault(this.s, 'rto-ignores-rtt') ? this.s.initialRtoMs : this.rtoFromEstimate();
    this.host.trace?.(this, { kind: 'rtt', sample: r, srtt: this.srtt, rttvar: this.rttvar, rto: this.rto });
  }

  /** RFC 6298 §2.3: RTO <- SRTT + max(G, K*RTTVAR), K = 4, within the floor and the ceiling. */
  private rtoFromEstimate(): number {
    return this.clampRto((this.srtt ?? 0) + Math.max(this.s.clockGranularityMs, 4 * this.rttvar));
  }

  private clampRto(ms: number): number {
    return Math.min(this.s.maxRtoMs, Math.max(this.s.minRtoMs, ms));
  }

  private armRtx(): void {
    this.cancelRtx?.();
    this.cancelRtx = this.host.clock.setTimer(timerWait(this.rto, this.now, this.userTimeoutMs, this.progressAt), () => this.rtxTimeout());
  }

  /** RFC 6298 §5.4 - §5.6: retransmit the earliest unacknowledged segment, back off, restart. */
  private rtxTimeout(): void {
    this.cancelRtx = undefined;
    if (this.state === 'CLOSED' || this.state === 'TIME-WAIT') return;
    const synPending = !seqGt(this.sndUna, this.iss);
    const episode = { firstAt: this.rtxSince, lastAt: this.lastRtxAt, count: this.rtxCount };
    // R2 (RFC 9293 §3.8.3) or the application's user timeout: give up (failure.ts).
    if (giveUpDue(this.s, { now: this.now, episode, synPending, userTimeoutMs: this.userTimeoutMs, progressAt: this.progressAt })) {
      this.giveUp();
      return;
    }
    this.rtxSince ??= this.now;
    this.lastRtxAt = this.now;
    // Karn (RFC 6298 §3, MUST-18): nothing retransmitted is timed; the fault keeps timing it from its first transmission.
    if (!hasFault(this.s, 'rtt-sample-from-retransmission')) this.timing = undefined;
    this.rto = Math.min(this.s.maxRtoMs, hasFault(this.s, 'linear-backoff') ? this.rto + this.s.initialRtoMs : this.rto * 2);
    // RFC 5681 §3.1 equation 4 and the loss window: ssthresh = max(FlightSize / 2, 2*SMSS), cwnd = 1 SMSS;
    // ssthresh is "held constant" on repeated timeouts of the same segment (congestion.ts).
    const first = this.rtxCount++ === 0;
    const flight = this.flightSize;
    this.cc.timeout({ first, flight, smss: this.sndMss, sndNxt: this.sndNxt });
    this.host.trace?.(this, { kind: 'timeout', first, flight, ssthresh: this.ssthresh, cwnd: this.cwnd, rto: this.rto, smss: this.sndMss });
    if (r1Reached(this.s, { ...episode, count: this.rtxCount })) this.deliveryProblem = true;
    if (synPending) {
      this.synTimedOut = true;
      // MUST-22: the SYN is retransmitted as data is (a fault sends it once, and only waits for R2).
      if (hasFault(this.s, 'syn-never-retransmitted')) this.armRtx();
      else this.sendSyn();
      return;
    }
    if (this.flightSize <= 0) return;
    // RFC 9293 §3.8.6: a window shrunk to zero is probed the standard way, by this retransmission (MUST-35).
    if (this.sndWnd === 0 && hasFault(this.s, 'no-probe-after-shrink')) return;
    // A window shrunk left of SND.NXT: the old data at SND.UNA goes again (SHLD-16; past the edge
    // too, MAY-7), and data past the edge never times the connection out, only R2 does (SHLD-17).
    const shrunk = this.sndWnd > 0 && seqLt(seqAdd(this.sndUna, this.sndWnd), this.sndNxt);
    if (shrunk && this.rtxCount > 2 && hasFault(this.s, 'time-out-past-right-edge')) return this.giveUp();
    if (shrunk && hasFault(this.s, 'no-retransmit-into-shrunk-window')) return this.armRtx();
    this.retransmitHead(true);
    this.armRtx();
  }

  /** Sends the first unacknowledged segment again (after a timeout, fast retransmit, a partial ACK). */
  private retransmitHead(timeout: boolean): void {
    const inFlight = this.flightSize;
    if (inFlight <= 0) return;
    const dataLeft = Math.max(0, this.sbuf.length - Math.max(0, seqDiff(this.sndUna, this.sbufSeq)));
    const n = Math.min(this.segRoom(), dataLeft, inFlight);
    const fin = this.finSent && n === dataLeft && n < inFlight;
    // SACK loss recovery (options.ts): a timeout clears the scoreboard (RFC 2018 §8), a fast retransmit keeps it (RFC 6675 §5).
    this.opt.retransmitted({ sndUna: this.sndUna, sndNxt: this.sndNxt, to: seqAdd(this.sndUna, n), timeout });
    this.sendSegment(this.sndUna, n, fin, true);
  }

  private startDelayedAck(): void {
    if (this.cancelDelAck) return;
    this.cancelDelAck = this.host.clock.setTimer(this.s.delayedAckMs, () => {
      this.cancelDelAck = undefined;
      if (this.synchronized && this.unackedBytes > 0) this.sendAck();
    });
  }

  /**
   * RFC 5681 §3.1's IW by SMSS (4, 3 or 2 segments), or one segment when the SYN or SYN/ACK had
   * to be retransmitted (the loss window, RFC 5681 §3.1 "if the SYN or SYN/ACK is lost").
   */
  private initialWindow(): number {
    return this.cc.initialWindow(this.sndMss, this.synTimedOut);
  }

  // ---- Loss signals, zero windows, keep-alives, ICMP (congestion.ts, persist.ts, keepalive.ts, icmp.ts) ----

  /** RFC 5681 §2: is this acceptable ACK a duplicate? (Asked before it is processed.) */
  private isDuplicateAck(seg: Segment): boolean {
    return this.cc.isDuplicate({
      ack: seg.ack,
      sndUna: this.sndUna,
      flight: this.flightSize,
      len: seg.payload.length,
      synOrFin: (seg.flags & (Flag.SYN | Flag.FIN)) !== 0,
      window: seg.window,
      sndWnd: this.sndWnd,
    });
  }

  /** After an acceptable ACK was processed (fifth check): duplicate ACKs, the persist timer. */
  private ackHeard(dup: boolean): void {
    if (dup && this.synchronized) {
      // RFC 5681 §3.2: the third duplicate ACK retransmits at once; limited transmit and the
      // inflated window let output() send new data after it.
      const flight = this.flightSize;
      const a = this.cc.duplicateAck({ ack: this.sndUna, flight, smss: this.sndMss, sndNxt: this.sndNxt });
      if (a.retransmit) {
        this.host.trace?.(this, { kind: 'fast-retransmit', flight, ssthresh: this.ssthresh, cwnd: this.cwnd, smss: this.sndMss });
        this.timing = undefined;
        this.retransmitHead(false);
      }
    }
    this.persist.heard();
    // RFC 9293 §3.8.6.1 (MUST-37): a peer that keeps answering with a zero window is alive:
    // retransmissions into it do not count toward R2.
    if (this.sndWnd === 0 && this.rtxSince !== undefined) {
      this.rtxSince = this.now;
      this.lastRtxAt = undefined;
    }
    if (this.sndWnd > 0 && this.persist.running) {
      this.persist.stop();
      // An unanswered probe octet goes again with the data that follows it.
      if (this.sndNxt === seqAdd(this.sndUna, 1) && seqDiff(this.sndNxt, this.sbufSeq) <= this.sbuf.length) this.sndNxt = this.sndUna;
    }
  }

  /**
   * The persist timer fired (RFC 9293 §3.8.6.1): one octet of new data, or the earlier probe's
   * octet again, at SND.UNA, whatever the window; the next probe after twice the gap. Probes
   * answered keep the connection open indefinitely (MUST-37); a peer silent for R2 ends it.
   */
  private zeroWindowProbe(): void {
    if (!this.synchronized || this.state === 'TIME-WAIT' || this.sndWnd > 0) return this.persist.stop();
    const off = seqDiff(this.sndUna, this.sbufSeq);
    if (off < 0 || off >= this.sbuf.length) return this.persist.stop();
    if (this.persist.silentMs >= this.s.r2Ms && this.persist.probes > 0) return this.giveUp();
    if (hasFault(this.s, 'give-up-on-zero-window') && this.persist.probes >= 3) return this.giveUp(); // MUST-37
    this.host.transmit(this, { seq: this.sndUna, ack: this.rcvNxt, flags: Flag.ACK, window: this.announce(), payload: this.sbuf.subarray(off, off + 1) });
    this.ackSent();
    this.cc.sent(this.now);
    if (this.sndNxt === this.sndUna) this.sndNxt = seqAdd(this.sndUna, 1);
    this.persist.rearm(this.rto, this.s.maxPersistMs, () => this.zeroWindowProbe(), hasFault(this.s, 'constant-probe-interval') ? 1 : 2);
  }

  /**
   * SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT (RFC 9293 §3.8.4, MUST-24, MUST-27):
   * changes take effect at once on a synchronized connection.
   */
  configureKeepAlive(o: { readonly enabled?: boolean; readonly idleMs?: number; readonly intervalMs?: number; readonly count?: number }): void {
    const k = this.keepAlive;
    if (o.enabled !== undefined && !hasFault(this.s, 'keepalive-ignores-app')) k.enabled = o.enabled;
    // MUST-27: the idle time is the application's to set (the fault keeps the default).
    if (o.idleMs !== undefined && !hasFault(this.s, 'keepalive-idle-ignored')) k.idleMs = o.idleMs;
    if (o.intervalMs !== undefined) k.intervalMs = o.intervalMs;
    if (o.count !== undefined) k.count = o.count;
    if (this.synchronized) this.startKeepAlive();
  }

  private startKeepAlive(): void {
    this.keepAlive.start({
      // MUST-26: only with nothing sent outstanding; in the states where the connection is idle but open.
      canProbe: () => ['ESTABLISHED', 'CLOSE-WAIT', 'FIN-WAIT-2'].includes(this.state) && this.sndNxt === this.sndUna,
      // <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, out of the peer's window so that it must answer;
      // no data (SHLD-12) or one garbage octet (MAY-6, a setting).
      probe: () => {
        const inStream = hasFault(this.s, 'keepalive-garbage-in-stream');
        const payload = this.s.keepAliveGarbageOctet || inStream ? new Uint8Array(1) : undefined;
        const atNxt = inStream || hasFault(this.s, 'keepalive-probe-at-snd-nxt');
        this.host.transmit(this, { seq: atNxt ? this.sndNxt : seqAdd(this.sndNxt, -1), ack: this.rcvNxt, flags: Flag.ACK, window: this.announce(), ...(payload ? { payload } : {}) });
      },
      drop: () => this.giveUp(),
    });
  }

  /**
   * The connection is dead (R2, the user timeout, unanswered keep-alives or probes): the
   * application hears ETIMEDOUT, or the soft ICMP error seen meanwhile (RFC 1122 §4.2.3.9
   * DISCUSSION: reported "when and if the TCP connection times out"); a RST as a setting.
   */
  private giveUp(): void {
    if (this.state === 'CLOSED') return;
    this.error = this.softError ?? 'ETIMEDOUT';
    if (this.s.resetOnGiveUp) this.abort();
    else this.enterClosed();
    this.onChange();
  }

  /**
   * An ICMP error about this connection (RFC 9293 §3.9.2.2, RFC 1122 §4.2.3.9), `seq` the
   * sequence number of the segment it quotes. RFC 5927 §4.1: acted on only when that lies in
   * SND.UNA..SND.NXT-1 (an error about a segment we have no outstanding is old, or forged).
   */
  icmpError(v: IcmpVerdict, seq: number): boolean {
    if (this.state === 'CLOSED' || this.state === 'TIME-WAIT' || this.state === 'LISTEN') return false;
    if (this.s.icmpCheckSequence && !(seqLe(this.sndUna, seq) && seqLt(seq, this.sndNxt))) return false;
    switch (v.kind) {
      case 'ignore':
        return true;
      case 'soft':
        // MUST-56: never an abort; SHLD-25: the application can know (softError, SO_ERROR).
        if (hasFault(this.s, 'abort-on-soft-icmp')) {
          this.error = v.error;
          this.abort();
          this.onChange();
          return true;
        }
        this.softError = v.error;
        this.onChange();
        return true;
      case 'hard':
        // SHLD-26: abort. In a synchronized state a setting may report it instead (RFC 5461).
        if (this.synchronized && this.s.icmpHardErrors === 'report') {
          this.softError = v.error;
          this.onChange();
          return true;
        }
        this.error = v.error;
        this.abort();
        this.onChange();
        return true;
      case 'too-big':
        this.pathMtuLowered(v.mtu, true);
        return true;
    }
  }

  /**
   * Path MTU Discovery (RFC 1191 §6.4, RFC 8201 §5.2): the path carries at most `mtu` bytes: the
   * send MSS shrinks to fit, and (`resend`, for the connection the message named) what was in
   * flight, dropped on the way for being too big, goes again at once in the smaller size, as far
   * as cwnd allows. cwnd and ssthresh stay: this is no congestion signal (RFC 1191 §6.4).
   */
  pathMtuLowered(mtu: number, resend: boolean): void {
    const mss = mtu - (this.family === 6 ? 40 : 20) - 20;
    if (mss <= 0 || mss >= this.sndMss) return;
    this.sndMss = mss;
    if (!resend || !this.synchronized || this.state === 'TIME-WAIT') return;
    this.timing = undefined;
    const dataEnd = seqAdd(this.sbufSeq, this.sbuf.length);
    for (let seq = this.sndUna; seqLt(seq, this.sndNxt) && seqDiff(seq, this.sndUna) < Math.max(this.cwnd, mss); ) {
      const dataLeft = Math.max(0, seqDiff(dataEnd, seq));
      const n = Math.min(mss, dataLeft, seqDiff(this.sndNxt, seq));
      const fin = this.finSent && n === dataLeft;
      if (n === 0 && !fin) break;
      this.sendSegment(seq, n, fin, true);
      seq = seqAdd(seq, n + (fin ? 1 : 0));
    }
  }

  // ---- State changes ----

  /** A passive connection reached ESTABLISHED during this segment: its listener hears of it after. */
  private justEstablished = false;

  private enterEstablished(): void {
    this.state = 'ESTABLISHED';
    this.cwnd = this.initialWindow();
    if (this.keepAlive.enabled) this.startKeepAlive();
    if (this.passive) this.justEstablished = true;
  }

  /** TIME-WAIT for 2 MSL (RFC 9293 §3.10.7.4), other timers off. */
  private enterTimeWait(): void {
    this.state = 'TIME-WAIT';
    this.cancelRtx?.();
    this.cancelRtx = undefined;
    this.persist.stop();
    this.keepAlive.stop();
    this.cancelTimeWait?.();
    this.cancelTimeWait = this.host.clock.setTimer(2 * this.s.mslMs, () => this.enterClosed());
  }

  private enterClosed(): void {
    if (this.state === 'CLOSED') return;
    this.state = 'CLOSED';
    for (const c of [this.cancelRtx, this.cancelDelAck, this.cancelTimeWait]) c?.();
    this.cancelRtx = this.cancelDelAck = this.cancelTimeWait = undefined;
    this.persist.stop();
    this.keepAlive.stop();
    this.host.release(this);
    this.onChange();
  }
}
