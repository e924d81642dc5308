/**
 * One capture per interface shared by every run of a process, its frames dealt out to the runs by 4-tuple.
 *
 * Each run registers the flows it owns (its main connection and any further ones) with a
 * {@link FrameQueue} of its own; a frame goes to the run one of whose flows it belongs to (either
 * direction, see {@link directionOf}), else to the run whose address and port it is sent to (see
 * {@link addressedTo}), and is dropped when no run owns it. A flow whose peer is not
 * known (server role) owns every segment to its local address and port.
 */
import { addressedTo, directionOf, type FlowSpec } from './flow.js';
import type { CapturedFrame, FrameQueue } from './queue.js';
import { parseFrame } from '../wire/packet.js';

/** Where frames come from: the part of a sniffer the demultiplexer needs. */
export interface FrameSource {
  readonly linkType: number;
  onFrame(cb: (frame: Uint8Array, timestampUs: bigint) => void): void;
}

interface Registration {
  readonly flows: readonly FlowSpec[];
  readonly queue: FrameQueue;
}

/** Deals the frames of one capture out to the runs that own them. */
export class Demux {
  private readonly regs = new Set<Registration>();
  /** Frames that no run owned (counted, for tests and diagnostics). */
  unclaimed = 0;

  /** `stamp` gives the time put on each frame (the run's clock, so traces are comparable). */
  constructor(
    source: FrameSource,
    private readonly stamp: () => bigint,
  ) {
    source.onFrame((data) => this.deliver({ data, linkType: source.linkType, timestampUs: this.stamp() }));
  }

  /** Frames of `flows` go to `queue` from now on; returns the function that stops it. */
  register(flows: readonly FlowSpec[], queue: FrameQueue): () => void {
    const reg: Registration = { flows, queue };
    this.regs.add(reg);
    return () => void this.regs.delete(reg);
  }

  /** Runs registered right now. */
  get size(): number {
    return this.regs.size;
  }

  /** Hands `frame` to the run that owns it (the first registered, should two claim it). */
  deliver(frame: CapturedFrame): void {
    const decoded = parseFrame(frame.data, frame.linkType);
    if (!decoded.ok) {
      this.unclaimed += 1;
      return;
    }
    const packet = decoded.value.packet;
    // By 4-tuple first; then a packet to a run's own address and port from anyone else (an
    // answer from an unexpected address is still an answer: see addressedTo).
    const owner = [...this.regs].find((reg) => reg.flows.some((f) => directionOf(packet, f) !== undefined)) ?? [...this.regs].find((reg) => reg.flows.some((f) => addressedTo(packet, f)));
    if (owner) owner.queue.push({ ...frame, packet });
    else this.unclaimed += 1;
  }
}
