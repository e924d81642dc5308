/**
 * The reference stack: the connections of one host, the listeners, and what happens to a segment
 * that reaches no connection (RFC 9293 §3.10.7.1 for CLOSED, §3.10.7.2 for LISTEN). Packets come
 * in as IP bytes through `input` and leave through the `send` function it was given; time is
 * the Clock it was given. No I/O of its own.
 */
import { buildPacket, parsePacket, verifyChecksums, type Packet } from '../wire/packet.js';
import { familyOf } from '../wire/family.js';
import { parseIcmpError } from '../wire/icmp.js';
import { PROTO_TCP } from '../wire/ipv4.js';
import { Flag } from '../wire/tcp.js';
import { seqAdd, seqLt } from '../wire/seq.js';
import type { Clock } from '../engine/queue.js';
import { DEFAULT_SETTINGS, type ReferenceSettings } from './settings.js';
import { segLen, Tcb, type OutSegment, type Segment, type TcbHost } from './tcb.js';
import { decorate, type IpOut } from './outgoing.js';
import { fastOpenSyn } from './fastopen.js';
import { returnRoute, type ReturnRoute } from './sourceroute.js';
import { OPT_LSRR, OPT_SSRR } from '../wire/route.js';
import { createHmac } from 'node:crypto';
import type { CongestionEvent } from './trace.js';
import { hasFault } from './faults.js';
import { classifyIcmp, newPathMtu, PathMtuCache } from './icmp.js';
import { optionArea, readOptions } from './optionarea.js';

/** A listening port: its connections reach `accept` once ESTABLISHED. */
export interface Listener {
  readonly port: number;
  /** Called with each connection of this port that reached ESTABLISHED. */
  onConnection: (tcb: Tcb) => void;
  /** RFC 7413: the listener offers Fast Open (TCP_FASTOPEN), when the stack's settings allow it. */
  fastOpen: boolean;
  /** Called with each new connection before its SYN/ACK leaves: the listener's socket options it inherits (SO_RCVBUF, IP_TOS...). */
  prepare: (tcb: Tcb) => void;
}

/** What a listener is made with. */
export interface ListenOptions {
  readonly fastOpen?: boolean;
  readonly prepare?: (tcb: Tcb) => void;
}

/** The first 32 bits of HMAC-SHA-256(secret, text). */
function keyedHash32(secret: number, text: string): number {
  return createHmac('sha256', String(secret)).update(text).digest().readUInt32BE(0);
}

/** True when an IPv4 option area holds an option other than EOL, NOP and the source routes (the ones this stack reads). */
function hasUnknownIpOption(options: Uint8Array): boolean {
  for (let at = 0; at < options.length; ) {
    const type = options[at]!;
    if (type === 0) return false;
    if (type === 1) {
      at += 1;
      continue;
    }
    if (type !== OPT_LSRR && type !== OPT_SSRR) return true;
    at += Math.max(2, options[at + 1] ?? 2);
  }
  return false;
}

/** The unspecified address of each family (a wildcard listener's own local address). */
const UNSPECIFIED = { 4: '0.0.0.0', 6: '::' } as const;

const key = (localIp: string, localPort: number, remoteIp: string, remotePort: number): string => `${localIp}|${localPort}|${remoteIp}|${remotePort}`;

export class ReferenceStack implements TcbHost {
  readonly settings: ReferenceSettings;
  private readonly conns = new Map<string, Tcb>();
  private readonly listeners = new Map<number, Listener>();
  private readonly owner = new Map<Tcb, Listener>();
  private challenges: number[] = [];
  private readonly challengesOf = new WeakMap<Tcb, number[]>();
  private nextPort = 49152;
  private readonly pmtu: PathMtuCache;
  /** Set by the MUST-7 fault (optionarea.ts): an illegal option length has hung the stack. */
  private hung = false;
  /** Set to hear every connection's congestion-control and timer decisions (trace.ts). */
  trace: ((tcb: Tcb, e: CongestionEvent) => void) | undefined;

  constructor(
    readonly clock: Clock,
    private readonly send: (packet: Uint8Array) => void,
    settings: ReferenceSettings = DEFAULT_SETTINGS,
  ) {
    this.settings = settings;
    this.pmtu = new PathMtuCache(settings.pmtuAgingMs);
  }

  /** Connections the stack holds, in any state but CLOSED. */
  get connections(): readonly Tcb[] {
    return [...this.conns.values()];
  }

  /** A connection by its 4-tuple (local first). */
  find(localIp: string, localPort: number, remoteIp: string, remotePort: number): Tcb | undefined {
    return this.conns.get(key(localIp, localPort, remoteIp, remotePort));
  }

  /** Passive OPEN on `port` (any local address); throws when taken. */
  listen(port: number, onConnection: (tcb: Tcb) => void = () => undefined, o: ListenOptions = {}): Listener {
    if (this.listeners.has(port)) throw new Error(`port ${port} already has a listener`);
    const l: Listener = { port, onConnection, fastOpen: o.fastOpen ?? false, prepare: o.prepare ?? (() => undefined) };
    this.listeners.set(port, l);
    return l;
  }

  isListening(port: number): boolean {
    return this.listeners.has(port);
  }

  /** Ends a listener (CLOSE in LISTEN, RFC 9293 §3.10.4); whoever held it resets the connections it never accepted. */
  unlisten(l: Listener): void {
    if (this.listeners.get(l.port) === l) this.listeners.delete(l.port);
  }

  /**
   * Active OPEN (RFC 9293 §3.10.1) to `remoteIp`:`remotePort`, from our address of its family;
   * `prepare` applies the socket's options before the SYN leaves.
   */
  connect(remoteIp: string, remotePort: number, localPort?: number, prepare?: (tcb: Tcb) => void): Tcb {
    const family = familyOf(remoteIp) === 6 ? 6 : 4;
    // RFC 9293 §3.9.1.1 (MUST-44): IP chooses the source address before the first SYN.
    const localIp = hasFault(this.settings, 'syn-from-unspecified') ? UNSPECIFIED[family] : this.settings.addresses[family];
    let port = localPort ?? 0;
    while (!port || this.find(localIp, port, remoteIp, remotePort)) port = this.nextPort = this.nextPort >= 65535 ? 49152 : this.nextPort + 1;
    const tcb = new Tcb(this, family, localIp, port, remoteIp, remotePort, { passive: false, iss: this.isn(localIp, port, remoteIp, remotePort) });
    this.conns.set(key(localIp, port, remoteIp, remotePort), tcb);
    // RFC 3168 §6.1.1: an ECN-setup SYN, when the settings ask for one.
    tcb.extras.ecn.requested = this.settings.ecn && this.settings.ecnActive;
    prepare?.(tcb);
    tcb.openActive();
    return tcb;
  }

  /**
   * RFC 9293 §3.4.1 (MUST-8, SHOULD-1) and RFC 6528 §3: ISN = M + F(localip, localport,
   * remoteip, remoteport, secretkey), M a timer ticking every 4 µs, F a keyed cryptographic hash
   * (HMAC-SHA-256 here; the secret is a setting, fixed so runs repeat).
   */
  isn(localIp: string, localPort: number, remoteIp: string, remotePort: number): number {
    const m = hasFault(this.settings, 'isn-no-clock') ? 0 : Math.floor(this.clock.now() * 250);
    const f = hasFault(this.settings, 'isn-clock-only') ? 0 : keyedHash32(this.settings.isnSecret, `isn|${localIp}|${localPort}|${remoteIp}|${remotePort}`);
    return (f + m) >>> 0;
  }

  /** An IP packet for the stack. Not TCP, unreadable or with a bad checksum: dropped. */
  input(bytes: Uint8Array): void {
    if (this.hung) return;
    const parsed = parsePacket(bytes);
    if (!parsed.ok) {
      this.icmpInput(bytes);
      return;
    }
    const p = parsed.value;
    // RFC 9293 §3.9.1 / RFC 1122 §4.2.3.10 (MUST-57): a segment to a broadcast or
    // multicast address belongs to no connection; it is dropped, without a RST.
    if (this.notUnicast(p.ip.dst) && !hasFault(this.settings, 'answer-broadcast-syn')) return;
    // RFC 9293 §3.9.2.1 (MUST-63): so is a SYN (any segment) from such a source address.
    if (this.notUnicast(p.ip.src) && !hasFault(this.settings, 'accept-multicast-source')) return;
    // RFC 9293 §3.9.2.2 (MUST-50): IP options TCP does not understand are ignored, never a reason to drop.
    if (hasFault(this.settings, 'drop-unknown-ip-options') && 'options' in p.ip && hasUnknownIpOption(p.ip.options)) return;
    const sums = verifyChecksums(p);
    // RFC 9293 §3.1 (MUST-3): a segment whose checksum fails is discarded.
    if ((sums.tcp === 'bad' && !hasFault(this.settings, 'checksum-not-checked')) || sums.ip === 'bad') return;
    this.segment(p);
  }

  /**
   * Why an active OPEN to `remoteIp` is refused, as an errno, or undefined: RFC 1122 §4.2.3.14
   * (RFC 9293 MUST-46), an OPEN with a broadcast or multicast foreign address is rejected (the
   * errno Linux gives, ENETUNREACH).
   */
  openRefused(remoteIp: string): string | undefined {
    return this.notUnicast(remoteIp) && !hasFault(this.settings, 'open-to-broadcast') ? 'ENETUNREACH' : undefined;
  }

  /** Multicast (224/4, ff00::/8), the limited broadcast, or one of the settings' broadcast addresses. */
  private notUnicast(ip: string): boolean {
    if (familyOf(ip) === 6) return ip.toLowerCase().startsWith('ff');
    const first = Number(ip.split('.')[0]);
    return (first >= 224 && first <= 239) || ip === '255.255.255.255' || this.settings.broadcast.includes(ip);
  }

  private segment(p: Packet): void {
    // A broadcast-answering mutant answers as a host would that took the segment for its own:
    // from its own unicast address, not from the broadcast address.
    const localIp = this.notUnicast(p.ip.dst) ? this.settings.addresses[familyOf(p.ip.dst) ?? 4] : p.ip.dst;
    const remoteIp = p.ip.src;
    const t = p.tcp;
    const ecn = 'ecn' in p.ip ? p.ip.ecn : p.ip.trafficClass & 3;
    // RFC 9293 §3.1: the options, read in any segment, unknown kinds skipped (optionarea.ts).
    const options = readOptions(this.settings, t);
    if (options === 'hang') this.hung = true;
    if (typeof options === 'string') return;
    const seg: Segment = { seq: t.seq, ack: t.ack, flags: t.flags, window: t.window, urgent: t.urgent, options, payload: p.payload, ecn };
    const tcb = this.find(localIp, t.dstPort, remoteIp, t.srcPort);
    const listener = this.listeners.get(t.dstPort);
    if (tcb && tcb.state === 'TIME-WAIT' && listener && this.settings.timeWaitReopen && (t.flags & (Flag.SYN | Flag.ACK | Flag.RST)) === Flag.SYN && tcb.opt.mayReopen(seg, tcb.rcvNxt)) {
      const least = tcb.reopenFromTimeWait();
      this.listenArrives(listener, p, seg, least);
      return;
    }
    if (tcb) {
      // RFC 3168 §6.1.1: our ECN-setup SYN answered by an ECN-setup SYN/ACK (or not).
      if (tcb.state === 'SYN-SENT' && (t.flags & (Flag.SYN | Flag.ACK | Flag.RST)) === (Flag.SYN | Flag.ACK)) tcb.extras.ecn.synAckArrived(t.flags);
      // RFC 1122 §4.2.3.8 (RFC 9293 §3.9.2.1, SHLD-24): a later source route overrides the saved one.
      const route = this.settings.sourceRouteOverride ? this.routeBack(p) : undefined;
      if (route) tcb.extras.route = route;
      tcb.segmentArrives(seg);
      return;
    }
    if (listener) this.listenArrives(listener, p, seg);
    else this.closedArrives(p, seg);
  }

  /** The return route of a packet that came by a completed IPv4 source route (RFC 1122 §3.2.1.8). */
  private routeBack(p: Packet): ReturnRoute | undefined {
    return 'options' in p.ip ? returnRoute(p.ip.src, p.ip.dst, p.ip.options) : undefined;
  }

  /** §3.10.7.1: no connection. A RST is dropped; anything else gets a RST. */
  private closedArrives(p: Packet, seg: Segment): void {
    if (seg.flags & Flag.RST) return;
    this.resetFor(p, seg);
  }

  /**
   * The RST answering `seg`: <SEQ=SEG.ACK><CTL=RST> when it carries an ACK, else
   * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
   */
  private resetFor(p: Packet, seg: Segment): void {
    const out: OutSegment =
      seg.flags & Flag.ACK ? { seq: seg.ack, ack: 0, flags: Flag.RST, window: 0 } : { seq: 0, ack: seqAdd(seg.seq, segLen(seg)), flags: Flag.RST | Flag.ACK, window: 0 };
    this.emit(p.ip.dst, p.tcp.dstPort, p.ip.src, p.tcp.srcPort, out, { dscp: 0, ecn: 0, route: this.routeBack(p) });
  }

  /** §3.10.7.2: LISTEN. */
  private listenArrives(l: Listener, p: Packet, seg: Segment, leastIss?: number): void {
    // First: a RST is ignored. Second: an ACK is refused with <SEQ=SEG.ACK><CTL=RST>.
    if (seg.flags & Flag.RST) return;
    if (seg.flags & Flag.ACK) {
      this.resetFor(p, seg);
      return;
    }
    // Third: a SYN opens a connection in SYN-RECEIVED (its text, if any, is not taken: the peer
    // will send it again once we acknowledge only the SYN). Fourth: anything else is dropped.
    if (!(seg.flags & Flag.SYN)) return;
    // RFC 1122 §4.2.2.18 (RFC 9293 MUST-42): the port goes on listening while a connection it
    // spawned is in SYN-RECEIVED (the fault: RFC 793's one LISTEN TCB, busy with one handshake).
    if (hasFault(this.settings, 'listener-busy-in-handshake') && [...this.owner].some(([t, o]) => o === l && t.state === 'SYN-RECEIVED')) return;
    const family = familyOf(p.ip.dst) === 6 ? 6 : 4;
    // RFC 9293 §3.9.1.1 (MUST-45): the connection's local address is the one its SYN came to.
    const localIp = hasFault(this.settings, 'synack-from-wildcard') ? UNSPECIFIED[family] : p.ip.dst;
    const isn = this.isn(localIp, p.tcp.dstPort, p.ip.src, p.tcp.srcPort);
    // RFC 9293 §3.6.1 (MAY-2) condition (1): reopened from TIME-WAIT, the ISN lies beyond the old connection's.
    const iss = leastIss !== undefined && seqLt(isn, leastIss) && !hasFault(this.settings, 'time-wait-reopen-low-isn') ? leastIss : isn;
    const tcb = new Tcb(this, family, localIp, p.tcp.dstPort, p.ip.src, p.tcp.srcPort, { passive: true, iss });
    this.conns.set(key(localIp, tcb.localPort, tcb.remoteIp, tcb.remotePort), tcb);
    this.owner.set(tcb, l);
    // RFC 1122 §4.2.3.8 (MUST-53): a SYN that came by a source route: every segment goes back by its reverse.
    tcb.extras.route = hasFault(this.settings, 'no-return-route') ? undefined : this.routeBack(p);
    // RFC 3168 §6.1.1: an ECN-setup SYN gets an ECN-setup SYN/ACK when the stack runs ECN.
    tcb.extras.ecn.synArrived(seg.flags, this.settings.ecn);
    // RFC 7413 §4.2: Fast Open, on a listener that offers it.
    if (l.fastOpen && this.settings.fastOpen) {
      const v = fastOpenSyn(this.settings, p.ip.src, seg.options);
      tcb.extras.fastOpenData = v.takeData && seg.payload.length > 0;
      tcb.extras.fastOpenCookie = v.cookie;
    }
    l.prepare(tcb);
    tcb.openPassive(seg);
  }

  /**
   * An ICMP or ICMPv6 error (RFC 9293 §3.9.2.2 MUST-54: "TCP MUST act on an ICMP error message
   * passed up from the IP layer, directing it to the connection that created the error"): the
   * quoted IP header and the first 8 bytes of its TCP header name the connection (our address and
   * port are the quoted source) and the sequence number the connection checks (RFC 5927 §4.1).
   */
  private icmpInput(bytes: Uint8Array): void {
    const m = parseIcmpError(bytes);
    if (!m || m.quoted.protocol !== PROTO_TCP) return;
    const q = new DataView(m.quotedPayload.buffer, m.quotedPayload.byteOffset, m.quotedPayload.byteLength);
    const tcb = this.find(m.quoted.src, q.getUint16(0), m.quoted.dst, q.getUint16(2));
    if (!tcb || hasFault(this.settings, 'ignore-icmp-errors')) return;
    // MUST-55: Source Quench is discarded (classifyIcmp); a fault obeys it as RFC 1122 §4.2.3.9 once said: slow start.
    if (m.family === 4 && m.type === 4 && hasFault(this.settings, 'obey-source-quench')) tcb.cwnd = tcb.sndMss;
    let v = classifyIcmp(m, this.settings.pmtud);
    if (v.kind === 'too-big') {
      const mtu = newPathMtu(m.family, v.mtu, this.pathMtu(tcb.remoteIp) ?? this.settings.mtu);
      if (mtu === undefined) return;
      v = { kind: 'too-big', mtu };
    }
    if (!tcb.icmpError(v, q.getUint32(4)) || v.kind !== 'too-big') return;
    // RFC 1191 §5: the path MTU belongs to the destination: every connection to it uses it.
    this.pmtu.set(tcb.remoteIp, v.mtu, this.clock.now());
    for (const other of this.conns.values()) if (other !== tcb && other.remoteIp === tcb.remoteIp) other.pathMtuLowered(v.mtu, false);
  }

  // ---- TcbHost ----

  pathMtu(remoteIp: string): number | undefined {
    return this.pmtu.get(remoteIp, this.clock.now());
  }

  transmit(tcb: Tcb, seg: OutSegment): void {
    // The connection's options (timestamps, SACK blocks: options.ts), then its Diffserv field, ECN,
    // urgent pointer, Fast Open cookie and return route (extras.ts), on every segment it sends.
    const d = decorate(tcb, tcb.opt.outgoing(seg, tcb.rcvNxt), this.settings);
    // SHLD-22: the DS field goes to IP unchanged on every segment (a fault: on data segments only).
    const ip = hasFault(this.settings, 'diffserv-data-only') && !d.seg.payload?.length ? { ...d.ip, dscp: 0 } : d.ip;
    this.emit(tcb.localIp, tcb.localPort, tcb.remoteIp, tcb.remotePort, d.seg, ip);
  }

  release(tcb: Tcb): void {
    const k = key(tcb.localIp, tcb.localPort, tcb.remoteIp, tcb.remotePort);
    if (this.conns.get(k) === tcb) this.conns.delete(k);
    this.owner.delete(tcb);
  }

  /** RFC 5961 §7: the challenge ACK throttle, per connection or for the host (settings.challengeAckScope). */
  challengeAllowed(tcb: Tcb): boolean {
    const now = this.clock.now();
    const budget = this.settings.challengeAckScope === 'host' ? this.challenges : (this.challengesOf.get(tcb) ?? []);
    const recent = budget.filter((t) => now - t < this.settings.challengeAckWindowMs);
    const allowed = recent.length < this.settings.challengeAckLimit;
    if (allowed) recent.push(now);
    if (this.settings.challengeAckScope === 'host') this.challenges = recent;
    else this.challengesOf.set(tcb, recent);
    return allowed;
  }

  /** The listening TCB `tcb` grew from is closed (a mutant's, treating a passive open as an active one). */
  closeListenerOf(tcb: Tcb): void {
    const l = this.owner.get(tcb);
    if (l) this.unlisten(l);
  }

  established(tcb: Tcb): void {
    const l = this.owner.get(tcb);
    if (l && this.listeners.get(l.port) === l) l.onConnection(tcb);
  }

  /**
   * RFC 6437 §3: "it is RECOMMENDED that source hosts support the flow label by setting the flow
   * label field for all packets of a given flow to the same value chosen from an approximation to
   * a discrete uniform distribution": a keyed hash of the 4-tuple (20 bits, never zero), or zero
   * when the setting is off.
   */
  private flowLabel(srcIp: string, srcPort: number, dstIp: string, dstPort: number): number {
    if (!this.settings.flowLabels) return 0;
    return keyedHash32(this.settings.isnSecret, `flow|${srcIp}|${srcPort}|${dstIp}|${dstPort}`) & 0xfffff || 1;
  }

  private emit(srcIp: string, srcPort: number, dstIp: string, dstPort: number, seg: OutSegment & { readonly urgent?: number }, ip: IpOut): void {
    const v6 = familyOf(dstIp) === 6;
    // RFC 9293 §3.9.1.1 (MUST-48): the DS field the application chose, with ECN's two bits
    // (RFC 3168 §5); IPv4: the TOS octet, IPv6: the traffic class. A return route (RFC 1122
    // §4.2.3.8): the packet goes to its first hop, the option lists the rest.
    const tc = ((ip.dscp & 0x3f) << 2) | (ip.ecn & 3);
    const packet = buildPacket({
      ip: v6
        ? { src: srcIp, dst: dstIp, hopLimit: 64, trafficClass: tc, flowLabel: this.flowLabel(srcIp, srcPort, dstIp, dstPort) }
        : { src: srcIp, dst: ip.route?.nextHop ?? dstIp, ttl: 64, flags: 0x2, dscp: ip.dscp & 0x3f, ecn: ip.ecn & 3, ...(ip.route ? { options: ip.route.options } : {}) },
      tcp: { srcPort, dstPort, seq: seg.seq >>> 0, ack: seg.ack >>> 0, flags: seg.flags, window: seg.window, ...(seg.urgent ? { urgent: seg.urgent } : {}), ...(seg.options ? { options: optionArea(this.settings, seg.options) } : {}), ...(hasFault(this.settings, 'checksum-not-computed') ? { checksum: 0 } : {}) },
      ...(seg.payload?.length ? { payload: seg.payload } : {}),
    });
    this.send(packet);
  }
}
