/** Mutants for RFC 9293 Appendix B's rows on connection failures, keep-alives, IP options, ICMP, address validation, the application interface, RFC 5961, ECN and congestion control (see mutants.ts). */
import { fault, setting, type Mutant } from './mutant.js';

export const MUTANTS_C: readonly Mutant[] = [
  // Connection failures (RFC 9293 §3.8.3).
  fault('never-give-up', 'MUST-20', 'keeps retransmitting unacknowledged data for ever: R2 never closes the connection'),
  fault('ignore-user-timeout', 'MUST-21', "takes the application's TCP_USER_TIMEOUT and ignores it (R2 stays the stack's own)"),
  fault('syn-never-retransmitted', 'MUST-22', 'sends its SYN once and never again, where data would be retransmitted'),
  setting('syn-r2-one-minute', 'MUST-23', 'gives up on an unanswered SYN after about a minute, not 3 minutes', { r2SynMs: 60_000 }),
  // Keep-alives (RFC 9293 §3.8.4).
  fault('keepalive-probe-at-snd-nxt', 'MAY-5', 'sends its keep-alive probes at SND.NXT, an ACK the peer need not answer'),
  fault('keepalive-ignores-app', 'MUST-24', "ignores the application's request for keep-alives"),
  fault('keepalive-on-by-default', 'MUST-25', 'runs keep-alives on every connection unless the application turns them off'),
  fault('keepalive-idle-from-probe', 'MUST-26', 'does not restart the idle time when a segment arrives: a probe follows one too soon'),
  setting('keepalive-one-probe', 'MUST-29', 'drops the connection after one unanswered keep-alive probe', { keepAliveCount: 1 }),
  setting('keepalive-garbage-octet', 'SHLD-12', 'puts a garbage octet in every keep-alive probe by default', { keepAliveGarbageOctet: true }),
  fault('keepalive-garbage-in-stream', 'MAY-6', "sends the keep-alive's garbage octet at SND.NXT, as new data"),
  // IP options (RFC 9293 §3.9.2).
  fault('drop-unknown-ip-options', 'MUST-50', 'drops a datagram carrying an IP option it does not know'),
  fault('no-return-route', 'MUST-53', 'answers a source-routed SYN directly, not by the reversed route'),
  setting('no-route-override', 'SHLD-24', 'keeps the return route of the SYN when a later segment brings another', { sourceRouteOverride: false }),
  // ICMP (RFC 9293 §3.9.2.2).
  fault('ignore-icmp-errors', 'MUST-54', 'never acts on an ICMP error'),
  fault('abort-on-soft-icmp', 'MUST-56', 'aborts the connection on a soft ICMP error'),
  setting('icmp-hard-report', 'SHLD-26', 'reports a port unreachable to the application but keeps the connection', { icmpHardErrors: 'report' }),
  fault('obey-source-quench', 'MUST-55', 'cuts its congestion window to one segment on a Source Quench'),
  // Address validation (RFC 9293 §3.9.2.1).
  fault('accept-multicast-source', 'MUST-63', 'answers a SYN whose source is a multicast address'),
  // The application interface (RFC 9293 §3.9.1.1).
  fault('ignore-ip-tos', 'MUST-48', "ignores the application's IP_TOS: its segments carry DSCP 0"),
  fault('diffserv-data-only', 'SHLD-22', "puts the application's DSCP on data segments only (the SYN and pure ACKs carry 0)"),
  fault('diffserv-fixed-at-open', 'SHLD-21', 'ignores an IP_TOS set on an open connection'),
  // RFC 5961 (MAY-12); accept-inexact-rst (§3.2) is in mutants.ts.
  fault('syn-resets-established', 'MAY-12', 'resets the connection on a SYN in ESTABLISHED (RFC 793) instead of sending a challenge ACK (RFC 5961 §4)'),
  fault('no-ack-range-check', 'MAY-12', 'takes data whose ACK is older than SND.UNA - MAX.SND.WND (no RFC 5961 §5 check)'),
  setting('challenge-ack-unthrottled', 'MAY-12', 'answers every in-window RST with a challenge ACK, without the RFC 5961 §7 throttle', { challengeAckLimit: 1_000_000 }),
  // ECN (RFC 9293 §3.8.2, RFC 3168).
  setting('no-ecn', 'SHLD-8', 'does not implement ECN: an ECN-setup SYN gets a plain SYN/ACK', { ecn: false }),
  fault('ecn-no-echo', 'SHLD-8', 'agrees to ECN but never echoes a CE mark with ECE'),
];
