/**
 * A connection's segment as it leaves (RFC 9293 §3.9.1.1, RFC 3168 §6.1, RFC 7413 §4.2.1, RFC 9293
 * §3.8.5): the state machine's segment dressed with what the connection's extras (extras.ts) say:
 * URG and the urgent pointer, ECN's flags, the Fast Open cookie on the SYN/ACK; and the IP fields
 * to send it with (the DS field, the ECN field, the return route).
 */
import { Flag } from '../wire/tcp.js';
import type { ReturnRoute } from './sourceroute.js';
import type { OutSegment, Tcb } from './tcb.js';
import { urgentDone, urgentFields } from './urgent.js';
import type { ReferenceSettings } from './settings.js';

/** The IP fields a segment leaves with. */
export interface IpOut {
  readonly dscp: number;
  readonly ecn: number;
  readonly route: ReturnRoute | undefined;
}

/** `seg` as it leaves `tcb`, and its IP fields. */
export function decorate(tcb: Tcb, seg: OutSegment, settings: ReferenceSettings): { seg: OutSegment & { readonly urgent?: number }; ip: IpOut } {
  const x = tcb.extras;
  let flags = seg.flags;
  let options = seg.options;
  let ipEcn = 0;
  if (urgentDone(x.sndUp, tcb.sndUna)) x.sndUp = undefined;
  const urg = urgentFields(x.sndUp, seg.seq, seg.payload?.length ?? 0, flags, x.settings ?? settings);
  flags = urg.flags;
  if (flags & Flag.SYN) {
    // RFC 3168 §6.1.1: an ECN-setup SYN has ECE and CWR; an ECN-setup SYN/ACK ECE and not CWR.
    // "A host MUST NOT set ECT on SYN or SYN-ACK packets."
    if (flags & Flag.ACK) flags = x.ecn.ok ? (flags | Flag.ECE) & ~Flag.CWR : flags;
    else if (x.ecn.requested) flags |= Flag.ECE | Flag.CWR;
    if (flags & Flag.ACK && x.fastOpenCookie) options = [...(options ?? []), { kind: 'fastOpen', cookie: x.fastOpenCookie }];
  } else {
    const e = x.ecn.outgoing(tcb, flags, seg.payload?.length ?? 0, seg.seq, settings);
    flags = e.flags;
    ipEcn = e.ipEcn;
  }
  const out = { ...seg, flags, ...(options ? { options } : {}), ...(urg.urgent ? { urgent: urg.urgent } : {}) };
  return { seg: out, ip: { dscp: x.tos >> 2, ecn: ipEcn, route: x.route } };
}
