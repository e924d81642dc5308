/**
 * The reference stack's choices. Where an RFC leaves a choice to the implementation (a MAY, a
 * SHOULD, a value it bounds but does not fix) the choice is named here, and its default is what
 * the RFC itself recommends. A mutant or a Linux-like profile is these settings, changed.
 */
import { LAB_ADDRESSES } from '../lab/catalogue.js';
import type { Fault } from './faults.js';

export interface ReferenceSettings {
  /** Deliberate violations, for mutation testing only (faults.ts, mutants.ts); none by default. */
  readonly faults: readonly Fault[];
  /** RFC 6437 §3 (RECOMMENDED): IPv6 packets of a connection carry one flow label, chosen at random per flow. */
  readonly flowLabels: boolean;
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
  /**
   * Whose challenge ACKs the limit counts. RFC 5961 §7 leaves it open; 'connection' (default):
   * each connection its own budget, since a host-wide counter is shared state an off-path
   * attacker can read (CVE-2016-5696) and lets one connection's RSTs silence another's answers;
   * 'host': one budget for the stack.
   */
  readonly challengeAckScope: 'connection' | 'host';
  /**
   * Receive buffer, bytes: the largest window announced. Above 65535 it needs window scaling
   * (RFC 7323 §2); without it the window stays at most 65535.
   */
  readonly rcvBuf: number;
  /** RFC 7323 §2 (the RFC recommends it; §2.2 "MAY send"): offer the Window Scale option. */
  readonly windowScaling: boolean;
  /**
   * RFC 7323 §2.2: the shift we offer (0 - 14, §2.3); undefined: the smallest that lets the whole
   * rcvBuf be announced (0 for 65535: an offer that lets the peer scale its window, §2.2 "shift.cnt
   * MAY be zero").
   */
  readonly windowShift: number | undefined;
  /** RFC 7323 §3 (recommended): offer the Timestamps option (RTTM §4, PAWS §5). */
  readonly timestamps: boolean;
  /** RFC 7323 §5.4: the timestamp clock's tick, ms ("between 1 ms and 1 second per tick"); 1 ms. */
  readonly tsClockMs: number;
  /** RFC 7323 §5.4, §7.1: the secret of the per-connection random offset of TSval (fixed, so runs are reproducible). */
  readonly tsSecret: number;
  /**
   * RFC 7323 §3.2: "If a non-<RST> segment is received without a TSopt, a TCP SHOULD silently drop
   * the segment" (once timestamps are in use): on, as the RFC says.
   */
  readonly dropWithoutTimestamp: boolean;
  /** RFC 7323 §5.5: TS.Recent is invalid after the connection was idle this long, ms (24 days). */
  readonly pawsIdleMs: number;
  /** RFC 2018 (recommended): offer SACK-permitted; SACK blocks as a receiver, a scoreboard as a sender. */
  readonly sack: boolean;
  /**
   * RFC 2883 (D-SACK): with SACK in use, the ACK of a duplicate segment reports it in its first
   * SACK block. An extension that needs no negotiation; a receiver that uses it "should" put the
   * D-SACK block first (§4). On, as RFC 2883 describes receivers; off sends SACK blocks alone.
   */
  readonly dsack: boolean;
  /** RFC 9293 §3.4.1: ISN = M + F(4-tuple, secret); M a 4 µs clock. The secret (fixed by default, so runs are reproducible). */
  readonly isnSecret: number;
  /** RFC 9293 §3.6.1 (MAY-2): a SYN with a higher sequence number may reopen a connection in TIME-WAIT. */
  readonly timeWaitReopen: boolean;
  /** RFC 5681 §3.1 / RFC 3390: initial window in segments; undefined: the RFC's rule by SMSS (4, 3 or 2). */
  readonly initialWindowSegments: number | undefined;
  /** RFC 9293 §3.10.7.2: segments with higher sequence numbers SHOULD be held for later (out-of-order queue). */
  readonly keepOutOfOrder: boolean;
  /**
   * RFC 9293 §3.8.2 (SHLD-8, "A TCP endpoint SHOULD implement ECN as described in RFC 3168"):
   * answer an ECN-setup SYN with an ECN-setup SYN/ACK (RFC 3168 §6.1.1: "it MAY send an ECN-setup
   * SYN-ACK"), then run ECN on the connection (ECT(0) on new data, ECE echo, CWR).
   */
  readonly ecn: boolean;
  /**
   * RFC 3168 §6.1.1: send an ECN-setup SYN (ECE and CWR) on active opens. The RFC describes the
   * set-up without asking an initiator to make it (no SHOULD), and §6.1.1.1 warns of paths that
   * drop such SYNs; off, so an active open sends a plain SYN unless asked.
   */
  readonly ecnActive: boolean;
  /**
   * RFC 7413 (Experimental): Fast Open is offered on listeners that ask for it (the puppet's
   * TCP_FASTOPEN, the lab's port 2014). Off: no listener gets it (cookie requests are ignored,
   * data in a SYN is never taken).
   */
  readonly fastOpen: boolean;
  /** RFC 7413 §4.1.2: the server's secret key the cookie (a MAC of the client's address) is made with; fixed so runs are reproducible. */
  readonly fastOpenSecret: string;
  /** RFC 7413 §4.1.1: the cookie's length, 4 to 16 bytes (8: the length of §4.1.2's example, a truncated MAC). */
  readonly fastOpenCookieBytes: number;
  /** RFC 7413 §4.2.2: a SYN with an invalid cookie MAY get a valid one in the SYN/ACK. */
  readonly fastOpenCookieOnInvalid: boolean;
  /**
   * RFC 1122 §4.2.3.8 / RFC 9293 §3.9.2.1 (SHLD-24): a source route arriving in a later segment
   * overrides the return route saved from the SYN.
   */
  readonly sourceRouteOverride: boolean;

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

/**
 * The slowest timers the RFCs allow where a scenario waits on one: ACKs delayed the full 500 ms
 * RFC 9293 §3.8.6.3 (MUST-40) permits, and a coarse 100 ms clock, which RFC 6298 §2.3 adds to the
 * RTO (G). A check of absence (`silence()`) must outlast them: the suite must give the same
 * verdicts with them, and kill the same mutants (test/reference/settings.test.ts).
 */
export const SLOWEST_TIMERS: Partial<ReferenceSettings> = { delayedAckMs: 500, clockGranularityMs: 100 };

export const DEFAULT_SETTINGS: ReferenceSettings = {
  faults: [],
  flowLabels: true,
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
  challengeAckScope: 'connection',
  rcvBuf: 65535,
  windowScaling: true,
  windowShift: undefined,
  timestamps: true,
  tsClockMs: 1,
  tsSecret: 0x7a11_5eed,
  dropWithoutTimestamp: true,
  pawsIdleMs: 24 * 24 * 3600 * 1000,
  sack: true,
  dsack: true,
  isnSecret: 0x5eed_7c9a,
  keepOutOfOrder: true,
  initialWindowSegments: undefined,
  timeWaitReopen: true,
  ecn: true,
  ecnActive: false,
  fastOpen: true,
  fastOpenSecret: 'tcpcraft reference fast open key',
  fastOpenCookieBytes: 8,
  fastOpenCookieOnInvalid: true,
  sourceRouteOverride: true,
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
