/**
 * The device seam, as the run loop sees it: a link to send on, the frames of the run's flows, the
 * clock they are stamped with. Two kinds make one: `live` (src/io/device.ts: raw socket, libpcap,
 * guard) and `memory` (here: a peer in memory on a virtual clock). The run loop cannot tell them
 * apart, as packetdrill's netdev hides local from remote.
 *
 * The memory device is the one in-memory device of tcpcraft: the rehearsal plays the model peer on
 * it, unit tests their scripted peers, and the RFC reference stack will be a peer on it. Like a
 * capture on the interface, it sees our own packets too, and its frames go through a
 * {@link Demux}, as a live capture's do, so the run loop takes the same path in both.
 */
import { LinkType, frameOf } from '../wire/link.js';
import { Demux } from './demux.js';
import type { FlowSpec } from './flow.js';
import { FrameQueue, type Clock } from './queue.js';
import type { Link } from './run.js';
import type { AppChannel } from './app.js';

/** What a run talks to. */
export interface Device extends Link {
  /** Frames of the run's flows, both directions. */
  readonly frames: FrameQueue;
  /** Link type of those frames. */
  readonly linkType: number;
  /** The clock the device stamps frames with, and the run must time itself by. */
  readonly clock: Clock;
  /** The target's application, when the device reaches one (app() steps need it). */
  readonly app?: AppChannel;
  /** Releases what the device holds; throws the first failure after trying all. */
  close(): Promise<void>;
}

/** Virtual time: `now()` in ms from 0, `wallUs()` from a fixed epoch; timers fire only as time is moved. */
export class VirtualClock implements Clock {
  private t = 0;
  private nextId = 0;
  private timers: Array<{ readonly at: number; readonly id: number; readonly cb: () => void }> = [];
  private scheduled = false;
  private halted = false;
  /** Every timer length asked for, in order (for assertions on waits). */
  readonly requested: number[] = [];

  /**
   * With `auto`, whenever nothing else is pending (a `setImmediate` finds a timer still waiting
   * after every promise continuation settled), the earliest timer fires and time jumps to its
   * deadline; ties fire in creation order. Without, only {@link advance} moves time.
   */
  constructor(
    readonly startUs: bigint = 1_700_000_000_000_000n,
    readonly auto: boolean = true,
  ) {}

  now(): number {
    return this.t;
  }

  wallUs(): bigint {
    return this.startUs + BigInt(Math.round(this.t * 1000));
  }

  setTimer(ms: number, cb: () => void): () => void {
    if (this.halted) return () => undefined;
    this.requested.push(ms);
    const timer = { at: this.t + Math.max(0, ms), id: this.nextId++, cb };
    this.timers.push(timer);
    this.schedule();
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Timers still pending. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Stops time for good: pending timers are dropped and new ones never fire. For a peer whose
   * run is over (a stack that would otherwise retransmit on its own clock forever).
   */
  halt(): void {
    this.halted = true;
    this.timers = [];
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.fire(next);
    }
    this.t = target;
  }

  private earliest(): { readonly at: number; readonly id: number; readonly cb: () => void } | undefined {
    let best: (typeof this.timers)[number] | undefined;
    for (const x of this.timers) if (!best || x.at < best.at || (x.at === best.at && x.id < best.id)) best = x;
    return best;
  }

  private fire(x: (typeof this.timers)[number]): void {
    this.timers = this.timers.filter((y) => y !== x);
    this.t = Math.max(this.t, x.at);
    x.cb();
  }

  private schedule(): void {
    if (!this.auto || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const next = this.earliest();
      if (!next) return;
      this.fire(next);
      if (this.timers.length) this.schedule();
    });
  }
}

/** How a memory peer answers: `emit` an IP packet (or a frame of `linkType`) now or after a virtual delay. */
export interface PeerIo {
  emit(packet: Uint8Array, o?: { readonly afterMs?: number; readonly linkType?: number }): void;
  readonly clock: Clock;
}

/** A TCP peer in memory: sees every IP packet we send (with the step that built it). */
export type MemoryPeer = (packet: Uint8Array, io: PeerIo, step: number | undefined) => void | Promise<void>;

/** Options of {@link memoryDevice}. */
export interface MemoryDeviceOptions {
  /** The clock (default: a new auto-advancing {@link VirtualClock}). */
  readonly clock?: Clock;
  /** Link type of the frames (default raw IP; Ethernet frames get a 14-byte header). */
  readonly linkType?: number;
  /** Also deliver our own packets, as a capture on the interface sees them (default true). */
  readonly echo?: boolean;
  /** Live frames are Buffers (libpcap's copy); frames here are too unless false. */
  readonly buffers?: boolean;
  /**
   * Deal frames out through a {@link Demux} for `flows`, as a live capture does (default true);
   * false: every frame goes to the run's queue as it is (tests that feed a run odd frames).
   */
  readonly demux?: boolean;
}

/** A memory device whose frames the test or caller may also push by hand. */
export interface MemoryDevice extends Device {
  /** Every packet we sent, in order. */
  readonly sent: readonly Uint8Array[];
  /** Delivers `data` (an IP packet, or a frame of `linkType`) to the run now. */
  deliver(data: Uint8Array, linkType?: number): void;
}

/** A device whose other end is `peer`, in memory, for the flows `flows`. */
export function memoryDevice(flows: readonly FlowSpec[], peer: MemoryPeer, o: MemoryDeviceOptions = {}): MemoryDevice {
  const clock = o.clock ?? new VirtualClock();
  const linkType = o.linkType === LinkType.ETHERNET ? LinkType.ETHERNET : LinkType.RAW;
  const frames = new FrameQueue();
  let capture = (frame: Uint8Array, timestampUs: bigint): void => frames.push({ data: frame, linkType, timestampUs });
  if (o.demux !== false) new Demux({ linkType, onFrame: (cb) => void (capture = cb) }, () => clock.wallUs()).register(flows, frames);
  const sent: Uint8Array[] = [];
  /** Delivers an IP packet as a frame of the device's link type, or a frame given as such. */
  const deliver = (data: Uint8Array, type?: number): void => {
    const frame = type === undefined ? frameOf(data, linkType) : data;
    if (type !== undefined && type !== linkType) {
      // A frame of another link type goes straight to the queue, as a test may want.
      frames.push({ data: frame, linkType: type, timestampUs: clock.wallUs() });
      return;
    }
    capture(o.buffers === false ? frame : Buffer.from(frame), clock.wallUs());
  };
  const io: PeerIo = {
    clock,
    emit(packet, e = {}) {
      if (e.afterMs && e.afterMs > 0) clock.setTimer(e.afterMs, () => deliver(packet, e.linkType));
      else deliver(packet, e.linkType);
    },
  };
  return {
    frames,
    linkType,
    clock,
    sent,
    deliver,
    async send(packet, step) {
      sent.push(packet);
      if (o.echo !== false) deliver(packet);
      await peer(packet, io, step);
    },
    async close() {
      frames.close();
    },
  };
}
