/**
 * The reference stack's choices. Where an RFC leaves a choice to the implementation (a MAY, a
 * SHOULD, a value it bounds but does not fix) the choice is named here, and its default is what
 * the RFC itself recommends. A mutant or a Linux-like profile is these settings, changed.
 */
import { LAB_ADDRESSES } from '../lab/catalogue.js';

export interface ReferenceSettings {
  /** The addresses the stack answers on (any destination is accepted; these are its sources for active opens). */
  readonly addresses: { readonly 4: string; readonly 6: string };
  /** The directed broadcast addresses of the stack's subnets (segments to them are dropped, RFC 1122 §4.2.3.10). */
  readonly broadcast: readonly string[];
  /** MTU of the stack's link: the MSS it announces is this less the IP and TCP headers (RFC 9293 §3.7.1). */
  readonly mtu: number;
  /**
   * RFC 9293 §3.7.1 (MUST-15): with no MSS option, assume 536 (IPv4) / 1220 (IPv6, RFC 8200 §8.3).
   */
  readonly defaultMss: { readonly 4: number; readonly 6: number };
  /** Maximum segment lifetime, ms: TIME-WAIT lasts 2 MSL (RFC 9293 §3.4.2, MSL = 2 minutes). */
  readonly mslMs: number;
  /** RFC 6298 §2.1: RTO before any measurement (1 s; the RFC's SHOULD). */
  readonly initialRtoMs: number;
  /** RFC 6298 §2.4: RTO floor (1 s, "SHOULD be rounded up to 1 second"). */
  readonly minRtoMs: number;
  /** RFC 6298 §2.5: RTO ceiling ("MAY be placed ... provided it is at least 60 seconds"). */
  readonly maxRtoMs: number;
  /** RFC 6298 §2 G: the clock granularity used in RTO = SRTT + max(G, K*RTTVAR), ms. */
  readonly clockGranularityMs: number;
  /** RFC 6298 §5.7: RTO after a handshake whose SYN timed out (3 s). */
  readonly rtoAfterSynLossMs: number;
  /** RFC 1122 §4.2.3.5 / RFC 9293 §3.8.3: give up on data after this long (R2, at least 100 s). */
  readonly r2Ms: number;
  /** The same bound for a SYN (R2 for SYN, at least 3 minutes). */
  readonly r2SynMs: number;
  /** RFC 9293 §3.8.6.3 (SHOULD-17 / MUST-40): delay ACKs. */
  readonly delayedAck: boolean;
  /** The delay, ms (RFC 9293: under 0.5 s; 200 ms is RFC 1122's example figure). */
  readonly delayedAckMs: number;
  /** RFC 9293 §3.7.4 (SHOULD-7): Nagle's algorithm, on unless the application sets TCP_NODELAY. */
  readonly nagle: boolean;
  /** RFC 9293 §3.10.7.4 / RFC 5961 (MAY-12): exact-match RST, challenge ACKs, the ACK range check. */
  readonly rfc5961: boolean;
  /** RFC 5961 §7 (SHOULD): at most this many challenge ACKs ... */
  readonly challengeAckLimit: number;
  /** ... in this window, ms. */
  readonly challengeAckWindowMs: number;
  /** Receive buffer (and the largest window announced; no window scaling yet), bytes. */
  readonly rcvBuf: number;
  /** RFC 9293 §3.4.1: ISN = M + F(4-tuple, secret); M a 4 µs clock. The secret (fixed by default, so runs are reproducible). */
  readonly isnSecret: number;
  /** RFC 9293 §3.6.1 (MAY-2): a SYN with a higher sequence number may reopen a connection in TIME-WAIT. */
  readonly timeWaitReopen: boolean;
  /** RFC 5681 §3.1 / RFC 3390: initial window in segments; undefined: the RFC's rule by SMSS (4, 3 or 2). */
  readonly initialWindowSegments: number | undefined;
  /** RFC 9293 §3.10.7.2: segments with higher sequence numbers SHOULD be held for later (out-of-order queue). */
  readonly keepOutOfOrder: boolean;

  // ---- Loss recovery (congestion.ts) ----
  /** RFC 5681 §3.2: fast retransmit and fast recovery on duplicate ACKs (the RFC's SHOULD). */
  readonly fastRetransmit: boolean;
  /** RFC 5681 §3.2: how many duplicate ACKs make a loss (the RFC's 3). */
  readonly dupAckThreshold: number;
  /** RFC 5681 §3.2 step 1 / RFC 3042 (SHOULD): new data on the first two duplicate ACKs. */
  readonly limitedTransmit: boolean;
  /**
   * RFC 6582 NewReno: stay in fast recovery until everything outstanding when it began is
   * acknowledged, retransmitting at each partial ACK. On, since RFC 5681 §4.3 RECOMMENDs "some
   * form of advanced loss recovery that can cope with multiple losses in a window of data" and
   * names NewReno (RFC 3782, now RFC 6582) as one; off: RFC 5681 §3.2's plain Reno recovery.
   */
  readonly newReno: boolean;
  /** RFC 5681 §4.1 (SHOULD): after an idle period longer than the RTO, cwnd = min(RW, cwnd). */
  readonly idleRestart: boolean;

  // ---- Connection failures (RFC 9293 §3.8.3, RFC 1122 §4.2.3.5) ----
  /**
   * R2 as a count of retransmissions instead of the time bounds r2Ms / r2SynMs (§3.8.3: "R1 and R2
   * might be measured in time units or as a count of retransmissions"); undefined: by time.
   */
  readonly r2Retransmissions: number | undefined;
  /** R1 (SHOULD correspond to at least 3 retransmissions): past it, `Tcb.deliveryProblem` is set for the application. */
  readonly r1Retransmissions: number;
  /**
   * On giving up (R2, user timeout, keep-alive) also send a RST. RFC 9293 §3.10.8 (USER TIMEOUT)
   * only deletes the TCB; a RST, as an ABORT sends, tells a peer that can still hear us. On.
   */
  readonly resetOnGiveUp: boolean;

  // ---- Zero-window probing (persist.ts) ----
  /** RFC 9293 §3.8.6.1: the longest gap between zero-window probes (the backoff is capped here), ms. */
  readonly maxPersistMs: number;

  // ---- Keep-alives (keepalive.ts; RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) ----
  /** Idle time before the first probe, ms: MUST-28, configurable and "no less than two hours" by default. */
  readonly keepAliveIdleMs: number;
  /** Gap between unanswered probes, ms. No RFC figure; 75 s, as 4.4BSD. */
  readonly keepAliveIntervalMs: number;
  /** Unanswered probes before the connection is dropped. No RFC figure beyond MUST-29 (one is never enough); 9. */
  readonly keepAliveCount: number;
  /** MAY-6: a probe carries one garbage octet (for old receivers); off: no data (SHLD-12). */
  readonly keepAliveGarbageOctet: boolean;

  // ---- ICMP (icmp.ts; RFC 9293 §3.9.2.2, RFC 1122 §4.2.3.9, RFC 5927) ----
  /**
   * A hard error (Destination Unreachable 2, 3; port unreachable for ICMPv6) in a synchronized
   * state: 'abort' (SHLD-26, "SHOULD abort the connection"), or 'report' only (the practice RFC
   * 5461 and RFC 5927 §5.2 describe). Before the connection is synchronized it always aborts.
   */
  readonly icmpHardErrors: 'abort' | 'report';
  /** RFC 5927 §4.1: act on an error only when the sequence number it quotes is in SND.UNA..SND.NXT. */
  readonly icmpCheckSequence: boolean;
  /** Path MTU Discovery (RFC 1191, RFC 8201; RFC 9293 §3.7.2 recommends it). */
  readonly pmtud: boolean;
  /** RFC 1191 §6.3 / RFC 8201 §4: a lowered path MTU is forgotten after this long (10 minutes), ms. */
  readonly pmtuAgingMs: number;
}

export const DEFAULT_SETTINGS: ReferenceSettings = {
  addresses: { 4: LAB_ADDRESSES[4].server, 6: LAB_ADDRESSES[6].server },
  broadcast: ['10.77.0.255'],
  mtu: 1500,
  defaultMss: { 4: 536, 6: 1220 },
  mslMs: 120_000,
  initialRtoMs: 1000,
  minRtoMs: 1000,
  maxRtoMs: 60_000,
  clockGranularityMs: 1,
  rtoAfterSynLossMs: 3000,
  r2Ms: 100_000,
  r2SynMs: 180_000,
  delayedAck: true,
  delayedAckMs: 200,
  nagle: true,
  rfc5961: true,
  challengeAckLimit: 10,
  challengeAckWindowMs: 5000,
  rcvBuf: 65535,
  isnSecret: 0x5eed_7c9a,
  keepOutOfOrder: true,
  initialWindowSegments: undefined,
  timeWaitReopen: true,
  fastRetransmit: true,
  dupAckThreshold: 3,
  limitedTransmit: true,
  newReno: true,
  idleRestart: true,
  r2Retransmissions: undefined,
  r1Retransmissions: 3,
  resetOnGiveUp: true,
  maxPersistMs: 60_000,
  keepAliveIdleMs: 7_200_000,
  keepAliveIntervalMs: 75_000,
  keepAliveCount: 9,
  keepAliveGarbageOctet: false,
  icmpHardErrors: 'abort',
  icmpCheckSequence: true,
  pmtud: true,
  pmtuAgingMs: 600_000,
};

/** The defaults with `o` applied. */
export function referenceSettings(o: Partial<ReferenceSettings> = {}): ReferenceSettings {
  return { ...DEFAULT_SETTINGS, ...o };
}
