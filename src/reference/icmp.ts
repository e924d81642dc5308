/**
 * What an ICMP error means for a TCP connection of the reference stack (RFC 9293 §3.9.2.2, RFC
 * 1122 §4.2.3.9, RFC 5927, RFC 6633), and the path MTUs it learns (RFC 1191, RFC 8201). The
 * message is read by src/wire/icmp.ts (parseIcmpError); the stack finds the connection from the
 * quoted ports and addresses, and the connection (tcb.ts) acts on the verdict.
 */
import type { IcmpErrorMessage } from '../wire/icmp.js';
import { FAMILY } from '../wire/family.js';
import type { TcbError } from './errno.js';

export type IcmpVerdict =
  /** Nothing to do (Source Quench: MUST-55, RFC 6633 §1: "silently discard"). */
  | { readonly kind: 'ignore' }
  /** A soft error: never an abort (MUST-56), the application may learn of it (SHLD-25). */
  | { readonly kind: 'soft'; readonly error: TcbError }
  /** A hard error: SHOULD abort (SHLD-26). */
  | { readonly kind: 'hard'; readonly error: TcbError }
  /** Fragmentation needed / packet too big: the path MTU is at most `mtu` (RFC 1191, RFC 8201). */
  | { readonly kind: 'too-big'; readonly mtu: number };

/** RFC 1191 §7's table of plateaus, for a "fragmentation needed" from a router that gives no next-hop MTU. */
const PLATEAUS = [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];

/**
 * The verdict on a message. ICMPv4 (RFC 9293 §3.9.2.2): Destination Unreachable codes 0, 1 and 5,
 * Time Exceeded and Parameter Problem are soft; codes 2 and 3 hard; code 4 (fragmentation needed)
 * is Path MTU Discovery's when `pmtud`, else hard like 2 and 3. Source Quench is ignored. Codes
 * the RFC does not classify are taken as soft (the direction that never ends a connection).
 * ICMPv6 (RFC 4443 §3): Destination Unreachable codes 0 and 3, Time Exceeded and Parameter Problem
 * are soft (RFC 9293 §3.9.2.2); port unreachable (code 4), the counterpart of ICMPv4's code 3, is
 * hard; Packet Too Big is RFC 8201's.
 */
export function classifyIcmp(m: IcmpErrorMessage, pmtud: boolean): IcmpVerdict {
  if (m.family === 4) {
    switch (m.type) {
      case 3:
        if (m.code === 2 || m.code === 3) return { kind: 'hard', error: 'ECONNREFUSED' };
        if (m.code === 4) return pmtud ? { kind: 'too-big', mtu: m.mtu & 0xffff ? m.mtu & 0xffff : plateauBelow(m.quotedLength) } : { kind: 'hard', error: 'EHOSTUNREACH' };
        return { kind: 'soft', error: m.code === 0 || m.code === 6 || m.code === 9 || m.code === 11 ? 'ENETUNREACH' : 'EHOSTUNREACH' };
      case 4:
        return { kind: 'ignore' };
      case 11:
        return { kind: 'soft', error: 'EHOSTUNREACH' };
      default:
        return { kind: 'soft', error: 'EPROTO' };
    }
  }
  switch (m.type) {
    case 1:
      if (m.code === 4) return { kind: 'hard', error: 'ECONNREFUSED' };
      return { kind: 'soft', error: m.code === 0 ? 'ENETUNREACH' : 'EHOSTUNREACH' };
    case 2:
      return pmtud ? { kind: 'too-big', mtu: m.mtu } : { kind: 'ignore' };
    case 3:
      return { kind: 'soft', error: 'EHOSTUNREACH' };
    default:
      return { kind: 'soft', error: 'EPROTO' };
  }
}

/** RFC 1191 §5: with no next-hop MTU, the largest plateau below the size of the datagram that did not fit. */
export function plateauBelow(length: number): number {
  return PLATEAUS.find((p) => p < length) ?? 68;
}

/**
 * The path MTU to believe from a report of `reported` for family `family`, when the current
 * estimate is `current`; undefined when the report is to be ignored. Never an increase (RFC 1191
 * §6.1, RFC 8201 §4: "MUST NOT increase its estimate ... in response to the contents of a Packet
 * Too Big message"); IPv4: never below 68 (RFC 1191 §3 "MUST never reduce its estimate of the
 * PMTU below 68 octets", so a smaller report means 68); IPv6: a report below 1280 is discarded
 * (RFC 8201 §4 "MUST discard it").
 */
export function newPathMtu(family: 4 | 6, reported: number, current: number): number | undefined {
  const min = FAMILY[family].minMtu;
  let mtu = reported;
  if (mtu < min) {
    if (family === 6) return undefined;
    mtu = min;
  }
  return mtu < current ? mtu : undefined;
}

/**
 * Path MTUs learnt per destination (RFC 1191 §5: "associate PMTU values with specific paths"),
 * each forgotten after `agingMs` (RFC 1191 §6.3, RFC 8201 §4: try a larger one after 10 minutes).
 */
export class PathMtuCache {
  private readonly entries = new Map<string, { mtu: number; at: number }>();

  constructor(private readonly agingMs: number) {}

  get(dst: string, now: number): number | undefined {
    const e = this.entries.get(dst);
    if (!e) return undefined;
    if (now - e.at >= this.agingMs) {
      this.entries.delete(dst);
      return undefined;
    }
    return e.mtu;
  }

  set(dst: string, mtu: number, now: number): void {
    this.entries.set(dst, { mtu, at: now });
  }
}
