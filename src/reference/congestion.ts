/**
 * RFC 5681 congestion control for one connection of the reference stack: slow start and
 * congestion avoidance (§3.1), fast retransmit and fast recovery (§3.2) with RFC 6582's NewReno
 * change as a setting, the loss window after a timeout (§3.1), restarting after an idle period
 * (§4.1), and RFC 3042's limited transmit. It holds cwnd, ssthresh and the duplicate-ACK state;
 * the connection (tcb.ts) tells it what arrived and does the sending it asks for.
 */
import { seqGt } from '../wire/seq.js';
import type { ReferenceSettings } from './settings.js';
import { hasFault } from './faults.js';

/** What the connection must do after an acknowledgment. */
export interface AckAction {
  /** Retransmit the first unacknowledged segment now (fast retransmit, or a NewReno partial ACK). */
  readonly retransmit: boolean;
  /** Restart the retransmission timer (RFC 6298 §5.3); false for NewReno's later partial ACKs. */
  readonly restartTimer: boolean;
}

const NOTHING: AckAction = { retransmit: false, restartTimer: true };

export class Congestion {
  /** Congestion window, bytes (RFC 5681 §2). */
  cwnd = 0;
  /** Slow-start threshold, bytes: "arbitrarily high" at first (§3.1). */
  ssthresh = 0xffff_ffff;
  /** Duplicate ACKs in a row (RFC 5681 §2's definition). */
  dupAcks = 0;
  /** In fast recovery (§3.2 steps 2 to 6). */
  inRecovery = false;
  /** RFC 6582 §3.2 "recover": the highest sequence number sent when recovery began (ISS at first). */
  recover: number;
  /** A partial ACK has already restarted the timer in this recovery (RFC 6582 §3.2 step 5). */
  private partialSeen = false;
  /** The window of the last acceptable ACK, for the duplicate test (e). */
  private lastAckWindow: number | undefined;
  /** When data was last sent, for §4.1's idle test. */
  private lastSendAt: number | undefined;

  constructor(
    private readonly s: ReferenceSettings,
    iss: number,
  ) {
    this.recover = iss;
  }

  /**
   * RFC 5681 §3.1's IW by SMSS: 2 segments above 2190 bytes, 3 above 1095, else 4 (RFC 3390);
   * one segment when the SYN or SYN/ACK was retransmitted ("the loss window").
   */
  initialWindow(smss: number, synLost: boolean): number {
    if (synLost) return smss;
    if (this.s.initialWindowSegments !== undefined) return this.s.initialWindowSegments * smss;
    return smss > 2190 ? 2 * smss : smss > 1095 ? 3 * smss : 4 * smss;
  }

  /**
   * How far past SND.UNA the sender may go: cwnd, plus RFC 3042's limited transmit on the first
   * two duplicate ACKs (FlightSize may reach cwnd + 2*SMSS; cwnd itself is not changed, §3.2 step 1).
   */
  sendWindow(smss: number): number {
    if (this.s.limitedTransmit && !this.inRecovery && this.dupAcks > 0 && this.dupAcks < this.s.dupAckThreshold) return this.cwnd + Math.min(this.dupAcks, 2) * smss;
    return this.cwnd;
  }

  /**
   * RFC 5681 §4.1: about to send with nothing in flight after an idle period longer than the
   * RTO, cwnd = min(RW, cwnd) with RW = min(IW, cwnd): i.e. back to at most the initial window.
   */
  beforeSend(now: number, rto: number, flight: number, iw: number): void {
    if (this.s.idleRestart && flight === 0 && this.lastSendAt !== undefined && now - this.lastSendAt > rto) this.cwnd = Math.min(this.cwnd, iw);
  }

  /** Data (or a FIN) was sent at `now`. */
  sent(now: number): void {
    this.lastSendAt = now;
  }

  /**
   * RFC 5681 §2's duplicate ACK: outstanding data, no data on it, neither SYN nor FIN, SEG.ACK =
   * SND.UNA, and the same window as the last ACK. Says so, and remembers the window for next time.
   */
  isDuplicate(o: { readonly ack: number; readonly sndUna: number; readonly flight: number; readonly len: number; readonly synOrFin: boolean; readonly window: number; readonly sndWnd: number }): boolean {
    const sameWindow = this.lastAckWindow === o.window;
    this.lastAckWindow = o.window;
    // A zero window: the ACKs answer zero-window probes (RFC 9293 §3.8.6.1), they say nothing of loss.
    if (o.sndWnd === 0) return false;
    return o.flight > 0 && o.len === 0 && !o.synOrFin && o.ack === o.sndUna && sameWindow;
  }

  /**
   * A duplicate ACK (§3.2). On the threshold-th: ssthresh by equation 4, retransmit, cwnd =
   * ssthresh + 3*SMSS (step 2, 3); beyond it, in recovery, cwnd grows by SMSS (step 4). With
   * NewReno, a third duplicate ACK that does not cover `recover` starts no new recovery (RFC 6582 §3.2 step 2).
   */
  duplicateAck(o: { readonly ack: number; readonly flight: number; readonly smss: number; readonly sndNxt: number }): AckAction {
    if (!this.s.fastRetransmit) return NOTHING;
    this.dupAcks++;
    if (this.inRecovery) {
      this.cwnd += o.smss;
      return NOTHING;
    }
    if (this.dupAcks !== this.s.dupAckThreshold) return NOTHING;
    if (this.s.newReno && !seqGt(o.ack, this.recover)) return NOTHING;
    // Equation 4; the fault keeps ssthresh at cwnd, so that recovery sends as much as before the loss.
    this.ssthresh = hasFault(this.s, 'fast-recovery-no-reduction') ? this.cwnd : lossThreshold(o.flight, o.smss);
    this.recover = (o.sndNxt - 1) >>> 0;
    this.inRecovery = true;
    this.partialSeen = false;
    this.cwnd = this.ssthresh + this.s.dupAckThreshold * o.smss;
    return { retransmit: true, restartTimer: true };
  }

  /**
   * An ACK of new data, `acked` bytes of it; `flight` is what is still outstanding after it.
   * Outside recovery: slow start (cwnd += min(acked, SMSS), equation 2) below ssthresh,
   * congestion avoidance (about SMSS per RTT, equation 3) above. In recovery: Reno leaves it
   * with cwnd = ssthresh (§3.2 step 6); NewReno only on a full ACK (cwnd = min(ssthresh,
   * max(FlightSize, SMSS) + SMSS), RFC 6582 §3.2 step 3's first option, which avoids a burst) and
   * answers a partial one by retransmitting, deflating cwnd by what it acknowledged and adding
   * back one SMSS when that was at least one SMSS.
   */
  newAck(o: { readonly ack: number; readonly acked: number; readonly flight: number; readonly smss: number }): AckAction {
    this.dupAcks = 0;
    if (this.inRecovery) {
      if (this.s.newReno && !seqGt(o.ack, this.recover)) {
        this.cwnd = Math.max(o.smss, this.cwnd - o.acked + (o.acked >= o.smss ? o.smss : 0));
        const first = !this.partialSeen;
        this.partialSeen = true;
        return { retransmit: true, restartTimer: first };
      }
      this.inRecovery = false;
      this.cwnd = this.s.newReno ? Math.min(this.ssthresh, Math.max(o.flight, o.smss) + o.smss) : this.ssthresh;
      return NOTHING;
    }
    if (o.acked <= 0) return NOTHING;
    // Equation 2, "cwnd += min (N, SMSS)" (a fault doubles it); past ssthresh equation 3 (a fault
    // keeps slow-starting there instead).
    if (this.cwnd < this.ssthresh) this.cwnd += Math.min(o.acked, o.smss) * (hasFault(this.s, 'slow-start-double-growth') ? 2 : 1);
    else if (hasFault(this.s, 'slow-start-above-ssthresh')) this.cwnd += Math.min(o.acked, o.smss);
    else this.cwnd += Math.max(1, Math.floor((o.smss * o.smss) / this.cwnd));
    return NOTHING;
  }

  /**
   * The retransmission timer fired (§3.1): ssthresh by equation 4 on the first timeout of the
   * segment only ("held constant" on later ones), cwnd = the loss window (1 SMSS); recovery ends
   * and `recover` becomes the highest sequence number sent (RFC 6582 §3.2 step 4).
   */
  timeout(o: { readonly first: boolean; readonly flight: number; readonly smss: number; readonly sndNxt: number }): void {
    if (o.first) this.ssthresh = lossThreshold(o.flight, o.smss);
    // "cwnd MUST be set to no more than the loss window, LW, which equals 1 full-sized segment" (a fault keeps it).
    if (!hasFault(this.s, 'timeout-keeps-cwnd')) this.cwnd = o.smss;
    this.inRecovery = false;
    this.dupAcks = 0;
    this.recover = (o.sndNxt - 1) >>> 0;
  }
}

/** RFC 5681 §3.1 equation 4: ssthresh = max(FlightSize / 2, 2*SMSS). */
export function lossThreshold(flight: number, smss: number): number {
  return Math.max(Math.floor(flight / 2), 2 * smss);
}
