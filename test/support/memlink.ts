/**
 * An in-memory link for `runScenario`: our packets go to a scripted peer, whose answers are
 * pushed as raw IPv4 frames (link type 101) into a FrameQueue, and a virtual clock.
 *
 * Determinism: the clock never looks at real time. A timer fires either when the test calls
 * `advance(ms)`, or (with `auto`, the default) when nothing else is pending: each `setTimer`
 * schedules a `setImmediate` check, which runs only after every promise continuation has
 * settled; if a timer is still pending then, the earliest one (ties in creation order) fires and
 * virtual time jumps to its deadline. A scripted peer answers synchronously inside `send`, or
 * after a virtual delay through the same clock, so the interleaving is the same on every run.
 */
import type { FrameQueue } from '../../src/engine/queue.js';
import { memoryDevice, VirtualClock, type MemoryDevice, type PeerIo } from '../../src/engine/device.js';
import type { Link } from '../../src/engine/run.js';
import type { Flow } from '../../src/engine/flow.js';
import { buildPacket, parsePacket, type Packet } from '../../src/wire/packet.js';
import { LinkType } from '../../src/wire/link.js';
import type { TcpOption } from '../../src/wire/options.js';
import { seqAdd } from '../../src/wire/seq.js';
import { Flag } from '../../src/wire/tcp.js';

/** Virtual time (the engine's, src/engine/device.ts). */
export { VirtualClock };

/** An answer from the peer: frame bytes now, or after a virtual delay; `linkType` default RAW (101). */
export type Answer = Uint8Array | { readonly frame: Uint8Array; readonly afterMs?: number; readonly linkType?: number };

/** The scripted peer: sees each packet we send (decoded) and returns what to push back. */
export type PeerScript = (packet: Packet, link: MemLink) => Answer[] | void;

/** Header values of a packet from the peer; seq/ack raw. */
export interface ReplyFields {
  readonly flags: number;
  readonly seq: number;
  readonly ack?: number;
  readonly window?: number;
  readonly options?: readonly TcpOption[];
  readonly payload?: Uint8Array | string;
  readonly srcPort?: number;
}

/** A Link whose other end is a script: the engine's memory device, fed frames as they are (no demux). */
export class MemLink implements Link {
  private readonly device: MemoryDevice;

  constructor(
    readonly flow: Flow,
    readonly clock: VirtualClock,
    private readonly script: PeerScript,
    /** Also push our own packets into the queue, as a sniffer on the interface would see them. */
    readonly echo = true,
  ) {
    this.device = memoryDevice([flow], (packet, io) => this.answer(packet, io), { clock, echo, demux: false, buffers: false });
  }

  /** Every packet we sent, in order. */
  get sent(): readonly Uint8Array[] {
    return this.device.sent;
  }

  get frames(): FrameQueue {
    return this.device.frames;
  }

  send(packet: Uint8Array): Promise<void> {
    return this.device.send(packet);
  }

  private answer(packet: Uint8Array, io: PeerIo): void {
    // Not TCP (an ICMP message from an icmp() step): recorded, and the model peer does not answer.
    if (packet[9] !== 6) return;
    const parsed = parsePacket(packet);
    if (!parsed.ok) throw new Error(`memlink: we sent an unreadable packet: ${parsed.error.message}`);
    for (const a of this.script(parsed.value, this) ?? []) {
      const { frame, afterMs, linkType } = a instanceof Uint8Array ? { frame: a, afterMs: 0, linkType: LinkType.RAW } : { afterMs: 0, linkType: LinkType.RAW, ...a };
      io.emit(frame, { afterMs, linkType });
    }
  }

  /** Pushes a frame into the queue now, stamped with the virtual clock. */
  deliver(frame: Uint8Array, linkType: number = LinkType.RAW): void {
    this.device.frames.push({ data: frame, linkType, timestampUs: this.clock.wallUs() });
  }

  /** The IPv4 bytes of a packet from the peer to us on this link's flow. */
  reply(f: ReplyFields): Uint8Array {
    return buildPacket({
      ip: { src: this.flow.peerIp, dst: this.flow.localIp },
      tcp: {
        srcPort: f.srcPort ?? this.flow.peerPort,
        dstPort: this.flow.localPort,
        seq: f.seq,
        ack: f.ack ?? 0,
        flags: f.flags,
        window: f.window ?? 65535,
        options: f.options ?? [],
      },
      payload: typeof f.payload === 'string' ? new TextEncoder().encode(f.payload) : (f.payload ?? new Uint8Array(0)),
    });
  }
}

/** How the seed-like peer behaves. */
export interface SeedPeerOptions {
  /** Its ISN. Default 547479085, the netcat seed's. */
  readonly isn?: number;
  /** Fold the ACK of our FIN into its FIN/ACK (one segment) instead of sending both. Default false. */
  readonly mergeFinAck?: boolean;
  /** Stop answering after this many of our packets (0: never answer). */
  readonly answerFirst?: number;
  /** Replace its answer to our data with this one (given the data segment). */
  readonly onData?: (p: Packet, link: MemLink) => Answer[];
  /** Called with each of our packets before answering (e.g. to abort). */
  readonly spy?: (p: Packet) => void;
}

/**
 * A peer that answers like the netcat seed's server: SYN/ACK with mss, wscale, sackOK; an ACK
 * for data; the ACK of our FIN then its own FIN/ACK (or both in one); nothing for a bare ACK.
 */
export function seedPeer(o: SeedPeerOptions = {}): PeerScript {
  const isn = o.isn ?? 547479085;
  let count = 0;
  return (p, link) => {
    o.spy?.(p);
    count += 1;
    if (o.answerFirst !== undefined && count > o.answerFirst) return [];
    const t = p.tcp;
    const next = seqAdd(isn, 1);
    if (t.flags & Flag.RST) return [];
    if (t.flags & Flag.SYN) {
      const options: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'wscale', shift: 6 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'sackOk' }];
      return [link.reply({ flags: Flag.SYN | Flag.ACK, seq: isn, ack: seqAdd(t.seq, 1), options })];
    }
    if (p.payload.length) {
      if (o.onData) return o.onData(p, link);
      return [link.reply({ flags: Flag.ACK, seq: next, ack: seqAdd(t.seq, p.payload.length), window: 10233 })];
    }
    if (t.flags & Flag.FIN) {
      const ack = seqAdd(t.seq, 1);
      const fin = link.reply({ flags: Flag.FIN | Flag.ACK, seq: next, ack, window: 10233 });
      return o.mergeFinAck ? [fin] : [link.reply({ flags: Flag.ACK, seq: next, ack, window: 10233 }), fin];
    }
    return [];
  };
}
