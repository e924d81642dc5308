/**
 * Source ports for the suite's runs: distinct within a process, and not reused across processes
 * that follow each other quickly.
 *
 * Why not random: a peer that closed a connection first keeps its 4-tuple in TIME-WAIT for 60 s
 * (Linux TCP_TIMEWAIT_LEN), and answers a new SYN on that 4-tuple with an ACK instead of a
 * SYN/ACK unless the new ISN happens to be above the old one (RFC 6191 / tcp_timewait_state_process):
 * a coin toss. `make flake` runs the suite twenty times in a row, hundreds of connections a minute,
 * so random ports would collide with a TIME-WAIT now and then. Instead, ports follow the wall
 * clock: the next port is the clock's position in the range (one port every {@link MS_PER_PORT}
 * ms) or the one after the last port handed out, whichever is further. The clock sweeps the range
 * in 110 s, more than TIME-WAIT, and a process cannot run ahead of the clock by more than the
 * ports it uses, so consecutive processes never reuse a 4-tuple within TIME-WAIT.
 */

/** Lowest port handed out. */
export const PORT_LOW = 10000;
/** Highest port handed out. */
export const PORT_HIGH = 64999;
/** The clock advances one port per this many ms: the range wraps every 110 s. */
export const MS_PER_PORT = 2;

const RANGE = PORT_HIGH - PORT_LOW + 1;

/** Hands out source ports; see the module comment. */
export class PortAllocator {
  private last: number | undefined;
  private readonly inUse = new Set<number>();

  /** `nowMs`: wall-clock milliseconds (injected for tests). */
  constructor(private readonly nowMs: () => number = Date.now) {}

  /** The next port, never one currently in use by this allocator. */
  next(): number {
    const clock = Math.floor(this.nowMs() / MS_PER_PORT);
    // Positions are counted without wrapping, so "further" is a plain comparison.
    let pos = this.last === undefined ? clock : Math.max(clock, this.last + 1);
    for (let i = 0; i < RANGE && this.inUse.has(PORT_LOW + (pos % RANGE)); i++) pos += 1;
    const port = PORT_LOW + (pos % RANGE);
    if (this.inUse.has(port)) throw new Error(`no free source port: all ${RANGE} are in use`);
    this.last = pos;
    this.inUse.add(port);
    return port;
  }

  /** Marks `port` free again (the run that used it has ended). */
  release(port: number): void {
    this.inUse.delete(port);
  }
}
