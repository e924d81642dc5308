/**
 * A dress rehearsal: the scenario runs through the real run loop against the model peer (the
 * session plan's answers), in memory, on a clock whose timers fire at once, with its frames dealt
 * out by a {@link Demux} as a live capture's are. Nothing goes on the wire. Its only purpose is to
 * have every function on the live path compiled by the JavaScript engine before the first packet
 * is sent, so the first live reaction (e.g. our ACK to the SYN/ACK) costs microseconds, not the
 * milliseconds of lazy compilation. One pass leaves much of it in the interpreter; three do better
 * (the netcat seed in the lab, median from the SYN/ACK's arrival to our ACK: 560 µs after one pass,
 * 440 after three), and more passes than that did not help.
 */
import type { Scenario } from '../scenario/types.js';
import { LinkType } from '../wire/link.js';
import { memoryDevice, type PeerIo } from './device.js';
import type { TraceEvent } from './report.js';
import { runScenario, type RunConfig } from './run.js';

/** What the live capture will look like, so the rehearsal takes the same code paths. */
export interface RehearsalOptions {
  /** Link type of the live capture (default raw IP); Ethernet frames get a 14-byte header. */
  readonly linkType?: number;
  /** Passes through the scenario (default {@link REHEARSALS}). */
  readonly passes?: number;
}

/** Default number of rehearsal passes. */
export const REHEARSALS = 3;

/**
 * Runs `sc` with `cfg` against `script` (the model peer's run of the same scenario with the same
 * local ISNs, e.g. a session plan's `model.events`), in memory; bounded by the scenario itself,
 * never throws.
 */
export async function rehearse(sc: Scenario, cfg: RunConfig, script: readonly TraceEvent[], opts: RehearsalOptions = {}): Promise<void> {
  for (let k = 0; k < (opts.passes ?? REHEARSALS); k++) await rehearseOnce(sc, cfg, script, opts.linkType === LinkType.ETHERNET ? LinkType.ETHERNET : LinkType.RAW);
}

async function rehearseOnce(sc: Scenario, cfg: RunConfig, script: readonly TraceEvent[], linkType: number): Promise<void> {
  try {
    let next = 0;
    // The model's segments up to the next one we are to send.
    const answer = (io: PeerIo): void => {
      while (next < script.length && script[next]!.view.dir === 'in') {
        io.emit(script[next]!.view.packet.bytes);
        next += 1;
      }
    };
    const device = memoryDevice([cfg.flow, ...Object.values(cfg.connections ?? {}).map((c) => c.flow)], (_packet, io) => {
      if (next < script.length && script[next]!.view.dir === 'out') next += 1;
      answer(io);
    }, { linkType });
    // Answers due before our first segment (the server role's SYN) come first.
    answer({ clock: device.clock, emit: (p) => device.deliver(p) });
    await runScenario(sc, { ...cfg, cleanupRst: true, contextMs: 0 }, { link: device, frames: device.frames, clock: device.clock });
  } catch {
    // A rehearsal that cannot be played (e.g. wildcards the model cannot sample) just warms less.
  }
}
