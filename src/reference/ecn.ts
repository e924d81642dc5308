/**
 * Explicit Congestion Notification for one connection (RFC 3168 §6.1; RFC 9293 §3.8.2, SHLD-8).
 * Set-up (§6.1.1): an ECN-setup SYN has ECE and CWR, an ECN-setup SYN/ACK ECE alone. Once agreed:
 * new data packets go out ECT(0), never a SYN, a pure ACK or a retransmission (§6.1.1, §6.1.4,
 * §6.1.5); a data packet received CE sets ECE on our ACKs until a CWR arrives (§6.1.3); an ACK
 * with ECE halves cwnd at most once per window of data and the next new data packet carries CWR
 * (§6.1.2), as does the first one after any other reduction of the window (a timeout).
 */
import { Flag } from '../wire/tcp.js';
import { seqDiff, seqGt, seqLt } from '../wire/seq.js';
import { hasFault, type Fault } from './faults.js';

/** The settings the ECN state consults: the faults of its mutants. */
type Faults = { readonly faults: readonly Fault[] };

/** The two-bit ECN field of the IP header (RFC 3168 §5). */
export const ECN_NOT_ECT = 0;
export const ECN_ECT0 = 2;
export const ECN_CE = 3;

/** What the ECN state needs of the connection (the Tcb's public fields). */
export interface EcnConn {
  readonly sndUna: number;
  readonly sndNxt: number;
  readonly sndMss: number;
  cwnd: number;
  ssthresh: number;
}

export class EcnState {
  /** We sent an ECN-setup SYN (active open). */
  requested = false;
  /** ECN is in use on the connection. */
  ok = false;
  /** A CE packet came: ECE on every ACK until a CWR arrives (§6.1.3). */
  echo = false;
  /** The window was reduced: the next new data packet carries CWR (§6.1.2). */
  private cwrPending = false;
  /** SND.NXT when we last reacted to ECE: no second reaction until it is acknowledged. */
  private recover: number | undefined;
  /** ssthresh when last looked at: a fall means the window was reduced (a timeout, say). */
  private lastSsthresh = 0xffff_ffff;

  /** Passive side: an ECN-setup SYN arrived, and the stack answers it (§6.1.1: "it MAY send an ECN-setup SYN-ACK"). */
  synArrived(flags: number, enabled: boolean): void {
    this.ok = enabled && (flags & (Flag.ECE | Flag.CWR)) === (Flag.ECE | Flag.CWR);
  }

  /** Active side: the SYN/ACK; ECN is agreed when it is an ECN-setup SYN/ACK (ECE without CWR). */
  synAckArrived(flags: number): void {
    this.ok = this.requested && (flags & (Flag.ECE | Flag.CWR)) === Flag.ECE;
  }

  /**
   * An acceptable segment with an ACK (`cwndBefore`: cwnd before this ACK was processed). CWR
   * ends the echo, then CE on data starts it (§6.1.3); ECE reduces the window (§6.1.2).
   */
  accepted(conn: EcnConn, flags: number, ipEcn: number | undefined, dataLen: number, cwndBefore: number, s: Faults = { faults: [] }): void {
    if (!this.ok) return;
    if (flags & Flag.CWR) this.echo = false;
    if (ipEcn === ECN_CE && dataLen > 0) this.echo = true;
    if (!(flags & Flag.ECE) || flags & Flag.SYN) return;
    // "The sending TCP SHOULD NOT increase the congestion window in response to the receipt of an
    // ECN-Echo ACK packet", and reacts "not ... more than once every window of data".
    conn.cwnd = Math.min(conn.cwnd, cwndBefore);
    if (this.recover !== undefined && !seqGt(conn.sndUna, this.recover)) return;
    // "The TCP source halves the congestion window "cwnd" and reduces the slow start threshold
    // "ssthresh"" as for a loss: ssthresh by RFC 5681's equation 4.
    const flight = Math.max(0, seqDiff(conn.sndNxt, conn.sndUna));
    conn.ssthresh = Math.max(Math.floor(flight / 2), 2 * conn.sndMss);
    conn.cwnd = Math.max(conn.sndMss, Math.floor(cwndBefore / 2));
    this.lastSsthresh = conn.ssthresh;
    this.recover = conn.sndNxt;
    // "sets the CWR flag in the TCP header of the first new data packet sent after the window
    // reduction" (a fault forgets it; lastSsthresh is already the reduced value, so outgoing() does
    // not take the ECE's reduction for another one).
    if (!hasFault(s, 'ecn-no-cwr')) this.cwrPending = true;
  }

  /**
   * The flags and the IP ECN field of a segment about to leave (`isNew`: it carries data never
   * sent before). SYNs are marked by the caller (the set-up), not here.
   */
  outgoing(conn: EcnConn, flags: number, dataLen: number, seq: number, s: Faults = { faults: [] }): { flags: number; ipEcn: number } {
    if (!this.ok || flags & (Flag.SYN | Flag.RST)) return { flags, ipEcn: ECN_NOT_ECT };
    if (conn.ssthresh < this.lastSsthresh) this.cwrPending = true;
    this.lastSsthresh = conn.ssthresh;
    let out = flags;
    if (this.echo && flags & Flag.ACK) out |= Flag.ECE;
    // New data only: "MUST NOT set either ECT codepoint on retransmitted data packets" (§6.1.5);
    // pure ACKs are not-ECT (§6.1.4). The segment is new when it starts at or past SND.NXT.
    // Each rule has a fault that breaks it alone.
    const isNew = dataLen > 0 && !seqLt(seq, conn.sndNxt);
    if (dataLen === 0 && hasFault(s, 'ecn-ect-on-acks')) return { flags: out, ipEcn: ECN_ECT0 };
    if (dataLen > 0 && !isNew && hasFault(s, 'ecn-ect-on-retransmissions')) return { flags: out, ipEcn: ECN_ECT0 };
    if (!isNew) return { flags: out, ipEcn: ECN_NOT_ECT };
    if (this.cwrPending) {
      out |= Flag.CWR;
      this.cwrPending = false;
    }
    return { flags: out, ipEcn: ECN_ECT0 };
  }
}
