/**
 * What a connection carries beside RFC 9293's state machine, set by the application or by the
 * stack from what came in, and read when its segments leave: the Diffserv field (IP_TOS /
 * IPV6_TCLASS), its own settings (SO_RCVBUF, TCP_MAXSEG), the send urgent pointer, ECN, Fast
 * Open and the return source route. The Tcb holds one of these; `decorate` dresses an outgoing
 * segment with it (URG, ECN flags, the Fast Open cookie) and gives the IP fields to send it with.
 */
import { Flag } from '../wire/tcp.js';
import { EcnState } from './ecn.js';
import type { ReferenceSettings } from './settings.js';
import type { ReturnRoute } from './sourceroute.js';
import type { OutSegment, Tcb } from './tcb.js';
import { urgentDone, urgentFields } from './urgent.js';

export class ConnExtras {
  /**
   * The DS field (RFC 2474: the six high bits of the IPv4 TOS octet / IPv6 traffic class) the
   * application asked for; every segment carries it (RFC 9293 §3.9.1.1, MUST-48, SHLD-22). The two
   * low bits are ECN's (RFC 3168 §5), set by the connection, not the application.
   */
  tos = 0;
  /** The connection's own settings (the stack's with its socket options applied), when they differ. */
  settings: ReferenceSettings | undefined;
  /** SND.UP (RFC 9293 §3.8.5): the octet after the urgent data sent, until it is acknowledged. */
  sndUp: number | undefined;
  readonly ecn = new EcnState();
  /** RFC 7413 §4.2.2: the SYN's data is taken at once (a valid Fast Open cookie). */
  fastOpenData = false;
  /** RFC 7413 §4.2.1: the cookie the SYN/ACK carries. */
  fastOpenCookie: Uint8Array | undefined;
  /** RFC 1122 §4.2.3.8: the return route every segment takes, when the connection has one. */
  route: ReturnRoute | undefined;
}

/** The IP fields a segment leaves with. */
export interface IpOut {
  readonly dscp: number;
  readonly ecn: number;
  readonly route: ReturnRoute | undefined;
}

/** `base` with `patch` as the connection's own settings (a socket option that changes one). */
export function adjustSettings(tcb: Tcb, base: ReferenceSettings, patch: Partial<ReferenceSettings>): void {
  tcb.extras.settings = { ...(tcb.extras.settings ?? base), ...patch };
}

/** `seg` as it leaves `tcb`, and its IP fields. */
export function decorate(tcb: Tcb, seg: OutSegment): { seg: OutSegment & { readonly urgent?: number }; ip: IpOut } {
  const x = tcb.extras;
  let flags = seg.flags;
  let options = seg.options;
  let ipEcn = 0;
  if (urgentDone(x.sndUp, tcb.sndUna)) x.sndUp = undefined;
  const urg = urgentFields(x.sndUp, seg.seq, flags);
  flags = urg.flags;
  if (flags & Flag.SYN) {
    // RFC 3168 §6.1.1: an ECN-setup SYN has ECE and CWR; an ECN-setup SYN/ACK ECE and not CWR.
    // "A host MUST NOT set ECT on SYN or SYN-ACK packets."
    if (flags & Flag.ACK) flags = x.ecn.ok ? (flags | Flag.ECE) & ~Flag.CWR : flags;
    else if (x.ecn.requested) flags |= Flag.ECE | Flag.CWR;
    if (flags & Flag.ACK && x.fastOpenCookie) options = [...(options ?? []), { kind: 'fastOpen', cookie: x.fastOpenCookie }];
  } else {
    const e = x.ecn.outgoing(tcb, flags, seg.payload?.length ?? 0, seg.seq);
    flags = e.flags;
    ipEcn = e.ipEcn;
  }
  const out = { ...seg, flags, ...(options ? { options } : {}), ...(urg.urgent ? { urgent: urg.urgent } : {}) };
  return { seg: out, ip: { dscp: x.tos >> 2, ecn: ipEcn, route: x.route } };
}
