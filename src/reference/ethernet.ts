/**
 * The reference stack on an Ethernet link (a tap in the lab): what a host needs below TCP to be
 * reached there. Frames in, frames out; no I/O of its own.
 *
 * - ARP (RFC 826): requests for our IPv4 address are answered; the sender of any ARP packet is
 *   remembered (RFC 826's "merge" step); an IPv4 packet to a neighbour not yet known waits while
 *   a request goes out (one per second at most).
 * - IPv6 neighbour discovery (RFC 4861 §7.2): a Neighbor Solicitation for our address gets a
 *   solicited Neighbor Advertisement with our link-layer address; a solicitation's source
 *   link-layer option, and any packet's source, teach us the sender's address; a packet to an
 *   unknown neighbour waits while we solicit it.
 * - Everything else that is IPv4 or IPv6 goes to the stack; its packets leave in frames to the
 *   neighbour's address.
 * Packets waiting for a neighbour are bounded (64 per neighbour, the oldest dropped).
 */
import { internetChecksum, pseudoHeaderSum } from '../wire/checksum.js';
import { familyOf } from '../wire/family.js';
import { parseIpv4Address, formatIpv4Address } from '../wire/ipv4.js';
import { canonicalIpv6, formatIpv6Address, parseIpv6Address } from '../wire/ipv6.js';
import { EtherType, ETHERNET_HEADER_LENGTH } from '../wire/link.js';
import type { Clock } from '../engine/queue.js';

const ETHERTYPE_ARP = 0x0806;
const ICMPV6 = 58;
const NS = 135;
const NA = 136;
const BROADCAST = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
const HELD_PER_NEIGHBOUR = 64;

/** A MAC address as bytes (`aa:bb:cc:dd:ee:ff`). */
export function macBytes(mac: string): Uint8Array {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new Error(`not a MAC address: ${mac}`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

const macText = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

/** The solicited-node multicast address of `addr` (RFC 4291 §2.7.1): ff02::1:ffXX:XXXX. */
function solicitedNode(addr: Uint8Array): Uint8Array {
  const out = parseIpv6Address('ff02::1:ff00:0')!;
  out.set(addr.subarray(13, 16), 13);
  return out;
}

/** The Ethernet address of an IPv6 multicast group (RFC 2464 §7): 33:33 and its last four bytes. */
function multicastMac(group: Uint8Array): Uint8Array {
  return Uint8Array.of(0x33, 0x33, group[12]!, group[13]!, group[14]!, group[15]!);
}

export interface EthernetHostOptions {
  /** Our link-layer address. */
  readonly mac: string;
  /** Our IPv4 address (ARP answers for it). */
  readonly ipv4?: string;
  /** Our IPv6 address (neighbour discovery answers for it). */
  readonly ipv6?: string;
  readonly clock: Clock;
  /** Puts a frame on the link. */
  readonly transmit: (frame: Uint8Array) => void;
  /** An IP packet for the stack. */
  readonly deliver: (packet: Uint8Array) => void;
}

export class EthernetHost {
  private readonly mac: Uint8Array;
  private readonly v4: Uint8Array | undefined;
  private readonly v6: Uint8Array | undefined;
  /** Neighbours by canonical IP text. */
  private readonly neighbours = new Map<string, Uint8Array>();
  private readonly held = new Map<string, Uint8Array[]>();
  private readonly asked = new Map<string, number>();
  /** Frames dropped because they were not for us or could not be read (for tests and the log). */
  dropped = 0;

  constructor(private readonly o: EthernetHostOptions) {
    this.mac = macBytes(o.mac);
    this.v4 = o.ipv4 !== undefined ? parseIpv4Address(o.ipv4) : undefined;
    this.v6 = o.ipv6 !== undefined ? parseIpv6Address(o.ipv6) : undefined;
  }

  /** A frame off the link. */
  input(frame: Uint8Array): void {
    if (frame.length < ETHERNET_HEADER_LENGTH) {
      this.dropped++;
      return;
    }
    const type = (frame[12]! << 8) | frame[13]!;
    const body = frame.subarray(ETHERNET_HEADER_LENGTH);
    const src = frame.slice(6, 12);
    if (type === ETHERTYPE_ARP) this.arp(body);
    else if (type === EtherType.IPV4 && body.length >= 20 && body[0]! >> 4 === 4) {
      this.learn(formatIpv4Address(body, 12), src);
      this.o.deliver(body.slice(0, Math.min(body.length, (body[2]! << 8) | body[3]!)));
    } else if (type === EtherType.IPV6 && body.length >= 40 && body[0]! >> 4 === 6) {
      const packet = body.slice(0, Math.min(body.length, 40 + ((body[4]! << 8) | body[5]!)));
      if (!this.neighbourDiscovery(packet, src)) {
        this.learn(formatIpv6Address(packet, 8), src);
        this.o.deliver(packet);
      }
    } else this.dropped++;
  }

  /** An IP packet from the stack, sent once its next hop's address is known. */
  output(packet: Uint8Array): void {
    const v6 = packet[0]! >> 4 === 6;
    const dst = v6 ? formatIpv6Address(packet, 24) : formatIpv4Address(packet, 16);
    const mac = this.neighbours.get(v6 ? canonicalIpv6(dst) : dst);
    if (mac) {
      this.frame(mac, v6 ? EtherType.IPV6 : EtherType.IPV4, packet);
      return;
    }
    const key = v6 ? canonicalIpv6(dst) : dst;
    const queue = this.held.get(key) ?? [];
    if (queue.length >= HELD_PER_NEIGHBOUR) queue.shift();
    queue.push(packet);
    this.held.set(key, queue);
    this.solicit(key);
  }

  private frame(dst: Uint8Array, type: number, body: Uint8Array): void {
    const f = new Uint8Array(ETHERNET_HEADER_LENGTH + body.length);
    f.set(dst, 0);
    f.set(this.mac, 6);
    f[12] = type >> 8;
    f[13] = type & 0xff;
    f.set(body, ETHERNET_HEADER_LENGTH);
    this.o.transmit(f);
  }

  private learn(ip: string, mac: Uint8Array): void {
    if (mac[0]! & 1) return; // a multicast source is no neighbour
    const key = familyOf(ip) === 6 ? canonicalIpv6(ip) : ip;
    this.neighbours.set(key, mac);
    const waiting = this.held.get(key);
    if (waiting) {
      this.held.delete(key);
      for (const p of waiting) this.output(p);
    }
  }

  /** Asks for `ip`'s link-layer address, at most once a second. */
  private solicit(ip: string): void {
    const now = this.o.clock.now();
    const last = this.asked.get(ip);
    if (last !== undefined && now - last < 1000) return;
    this.asked.set(ip, now);
    if (familyOf(ip) === 6) {
      const target = parseIpv6Address(ip);
      if (!target || !this.v6) return;
      this.ndSend(NS, solicitedNode(target), multicastMac(solicitedNode(target)), target, 1);
      return;
    }
    const tpa = parseIpv4Address(ip);
    if (!tpa || !this.v4) return;
    this.frame(BROADCAST, ETHERTYPE_ARP, this.arpPacket(1, new Uint8Array(6), tpa));
  }

  private arpPacket(op: number, tha: Uint8Array, tpa: Uint8Array): Uint8Array {
    const a = new Uint8Array(28);
    a.set([0, 1, 0x08, 0x00, 6, 4, 0, op], 0);
    a.set(this.mac, 8);
    a.set(this.v4!, 14);
    a.set(tha, 18);
    a.set(tpa, 24);
    return a;
  }

  /** RFC 826: Ethernet/IPv4 ARP; requests for our address are answered. */
  private arp(a: Uint8Array): void {
    if (a.length < 28 || a[0] !== 0 || a[1] !== 1 || a[2] !== 0x08 || a[3] !== 0 || a[4] !== 6 || a[5] !== 4) {
      this.dropped++;
      return;
    }
    const op = (a[6]! << 8) | a[7]!;
    const sha = a.slice(8, 14);
    const spa = a.slice(14, 18);
    const tpa = a.subarray(24, 28);
    if (!this.v4) return;
    const forUs = tpa.every((b, i) => b === this.v4![i]);
    if (spa.some((b) => b !== 0)) this.learn(formatIpv4Address(spa), sha);
    if (op === 1 && forUs) this.frame(sha, ETHERTYPE_ARP, this.arpPacket(2, sha, spa));
  }

  /**
   * RFC 4861: true when `p` was neighbour discovery (handled here). A solicitation for our
   * address is answered; an advertisement teaches us its target's address.
   */
  private neighbourDiscovery(p: Uint8Array, srcMac: Uint8Array): boolean {
    if (p[6] !== ICMPV6 || p.length < 40 + 24) return false;
    const type = p[40]!;
    if (type !== NS && type !== NA) return false;
    // §7.1.1 / §7.1.2: hop limit 255, code 0, checksum good; else silently discarded.
    if (p[7] !== 255 || p[41] !== 0 || internetChecksum(p, 40, p.length, pseudoHeaderSum(p.subarray(8, 24), p.subarray(24, 40), ICMPV6, p.length - 40)) !== 0) return true;
    const target = p.slice(48, 64);
    const option = (kind: number): Uint8Array | undefined => {
      for (let at = 64; at + 8 <= p.length; ) {
        const len = p[at + 1]! * 8;
        if (len === 0) return undefined;
        if (p[at] === kind && len >= 8) return p.slice(at + 2, at + 8);
        at += len;
      }
      return undefined;
    };
    if (type === NA) {
      const mac = option(2) ?? srcMac;
      this.learn(formatIpv6Address(target), mac);
      return true;
    }
    if (!this.v6 || !target.every((b, i) => b === this.v6![i])) return true;
    const source = p.slice(8, 24);
    const unspecified = source.every((b) => b === 0);
    const theirs = option(1);
    if (!unspecified && theirs) this.learn(formatIpv6Address(source), theirs);
    // §7.2.4: to the solicitation's source, solicited and override set; to all nodes when the
    // source was unspecified (duplicate address detection), solicited clear.
    const dst = unspecified ? parseIpv6Address('ff02::1')! : source;
    const dstMac = unspecified ? multicastMac(dst) : (theirs ?? srcMac);
    this.ndSend(NA, dst, dstMac, target, 2, unspecified ? 0x20 : 0x60);
    return true;
  }

  /** An NS or NA from our address, with our link-layer address as option `optKind`. */
  private ndSend(type: number, dst: Uint8Array, dstMac: Uint8Array, target: Uint8Array, optKind: number, flags = 0): void {
    const p = new Uint8Array(40 + 32);
    p[0] = 0x60;
    p[4] = 0;
    p[5] = 32;
    p[6] = ICMPV6;
    p[7] = 255;
    p.set(this.v6!, 8);
    p.set(dst, 24);
    p[40] = type;
    p[44] = flags;
    p.set(target, 48);
    p[64] = optKind;
    p[65] = 1;
    p.set(this.mac, 66);
    const sum = internetChecksum(p, 40, p.length, pseudoHeaderSum(p.subarray(8, 24), p.subarray(24, 40), ICMPV6, 32));
    p[42] = sum >> 8;
    p[43] = sum & 0xff;
    this.frame(dstMac, EtherType.IPV6, p);
  }

  /** The neighbours known (IP → MAC), for the log and tests. */
  get known(): ReadonlyMap<string, string> {
    return new Map([...this.neighbours].map(([ip, mac]) => [ip, macText(mac)]));
  }
}
