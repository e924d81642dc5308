/** A queue of captured frames that the run loop awaits with a deadline. */
import type { Packet } from '../wire/packet.js';

/** A frame as captured: link-layer bytes, link type and capture time. */
export interface CapturedFrame {
  readonly data: Uint8Array;
  readonly linkType: number;
  /** µs since the epoch. */
  readonly timestampUs: bigint;
  /** Its packet, when whoever queued it (the demultiplexer) has decoded it already: a frame is parsed once. */
  readonly packet?: Packet;
}

/** Time, injected so the run loop can be driven by a fake clock in tests. */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Wall-clock µs since the epoch. */
  wallUs(): bigint;
  /** Calls `cb` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, cb: () => void): () => void;
}

/** Frames pushed by a sniffer (or an in-memory link), taken in order by the run loop. */
export class FrameQueue {
  private readonly frames: CapturedFrame[] = [];
  private waiter: ((f: CapturedFrame | undefined) => void) | undefined;
  private closed = false;

  /** Adds a frame; wakes a pending {@link take}. */
  push(frame: CapturedFrame): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(frame);
    } else {
      this.frames.push(frame);
    }
  }

  /** Frames waiting right now. */
  get size(): number {
    return this.frames.length;
  }

  /** Stops accepting frames; a pending take resolves undefined. */
  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }

  /** The next frame, or undefined if none arrives within `ms` (0: only what is already queued). */
  take(ms: number, clock: Clock): Promise<CapturedFrame | undefined> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    if (ms <= 0 || this.closed) return Promise.resolve(undefined);
    if (this.waiter) throw new Error('FrameQueue.take: only one reader at a time');
    return new Promise((resolve) => {
      const cancel = clock.setTimer(ms, () => {
        this.waiter = undefined;
        resolve(undefined);
      });
      this.waiter = (f) => {
        cancel();
        resolve(f);
      };
    });
  }
}
