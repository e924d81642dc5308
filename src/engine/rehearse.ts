/**
 * A dress rehearsal: the scenario runs once through the real run loop against the model peer
 * (the session plan's answers), in memory, on a clock whose timers fire at once. Nothing goes on
 * the wire. Its only purpose is to have every function on the live path compiled by the
 * JavaScript engine before the first packet is sent, so the first live reaction (e.g. our ACK to
 * the SYN/ACK) costs microseconds, not the milliseconds of lazy compilation.
 */
import type { Scenario } from '../scenario/types.js';
import { frameOf, LinkType } from '../wire/link.js';
import { FrameQueue, type Clock } from './queue.js';
import type { TraceEvent } from './report.js';
import { runScenario, type RunConfig } from './run.js';

/** A clock on which time only moves when a timer fires, and every timer fires on the next turn. */
function instantClock(startUs: bigint): Clock {
  let now = 0;
  return {
    now: () => now,
    wallUs: () => startUs + BigInt(Math.round(now * 1000)),
    setTimer(ms, cb) {
      const t = setImmediate(() => {
        now += ms;
        cb();
      });
      return () => clearImmediate(t);
    },
  };
}

/** What the live capture will look like, so the rehearsal takes the same code paths. */
export interface RehearsalOptions {
  /** Link type of the live capture (default raw IP); Ethernet frames get a 14-byte header. */
  readonly linkType?: number;
}

/**
 * Runs `sc` with `cfg` against `script` (the model peer's run of the same scenario with the same
 * local ISNs, e.g. a session plan's `model.events`), in memory; bounded by the scenario itself,
 * never throws.
 */
export async function rehearse(sc: Scenario, cfg: RunConfig, script: readonly TraceEvent[], opts: RehearsalOptions = {}): Promise<void> {
  const linkType = opts.linkType === LinkType.ETHERNET ? LinkType.ETHERNET : LinkType.RAW;
  try {
    const frames = new FrameQueue();
    const clock = instantClock(0n);
    let next = 0;
    // Hand over the model's segments up to the next one we are to send.
    const deliver = (): void => {
      while (next < script.length && script[next]!.view.dir === 'in') {
        frames.push({ data: frameOf(script[next]!.view.packet.bytes, linkType), linkType, timestampUs: clock.wallUs() });
        next += 1;
      }
    };
    deliver();
    const link = {
      send: async (packet: Uint8Array): Promise<void> => {
        // A live capture sees our own segments too: the run must recognise and skip them.
        frames.push({ data: frameOf(packet, linkType), linkType, timestampUs: clock.wallUs() });
        if (next < script.length && script[next]!.view.dir === 'out') next += 1;
        deliver();
      },
    };
    await runScenario(sc, { ...cfg, cleanupRst: true, contextMs: 0 }, { link, frames, clock });
  } catch {
    // A rehearsal that cannot be played (e.g. wildcards the model cannot sample) just warms less.
  }
}
