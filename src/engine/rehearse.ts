/**
 * A dress rehearsal: the scenario runs once through the real run loop against the model peer
 * (the planner's answers), in memory, on a clock whose timers fire at once. Nothing goes on the
 * wire. Its only purpose is to have every function on the live path compiled by the JavaScript
 * engine before the first packet is sent, so the first live reaction (e.g. our ACK to the
 * SYN/ACK) costs microseconds, not the milliseconds of lazy compilation.
 */
import type { Scenario } from '../scenario/types.js';
import { LinkType } from '../wire/packet.js';
import { isComplete, type Flow, type FlowSpec } from './flow.js';
import { plan } from './plan.js';
import { FrameQueue, type Clock } from './queue.js';
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

const full = (f: FlowSpec, fallback: Flow): Flow => (isComplete(f) ? f : { ...f, peerIp: fallback.peerIp, peerPort: fallback.peerPort });

/** Runs `sc` against its model peer in memory (bounded by the scenario itself); never throws. */
export async function rehearse(sc: Scenario, cfg: RunConfig): Promise<void> {
  try {
    const flow = full(cfg.flow, { localIp: cfg.flow.localIp, localPort: cfg.flow.localPort, peerIp: '192.0.2.1', peerPort: 40000 });
    const connections = Object.fromEntries(Object.entries(cfg.connections ?? {}).map(([n, c]) => [n, { flow: full(c.flow, flow), localIsn: c.localIsn, peerIsn: 1 }]));
    const script = plan(sc, { file: cfg.file, flow, localIsn: cfg.localIsn, peerIsn: 1, connections }).events;
    const frames = new FrameQueue();
    const clock = instantClock(0n);
    let next = 0;
    // Hand over the model's segments up to the next one we are to send.
    const deliver = (): void => {
      while (next < script.length && script[next]!.view.dir === 'in') {
        frames.push({ data: script[next]!.view.packet.bytes, linkType: LinkType.RAW, timestampUs: clock.wallUs() });
        next += 1;
      }
    };
    deliver();
    const link = {
      send: async (): Promise<void> => {
        if (next < script.length && script[next]!.view.dir === 'out') next += 1;
        deliver();
      },
    };
    await runScenario(sc, { ...cfg, flow, cleanupRst: true, contextMs: 0 }, { link, frames, clock });
  } catch {
    // A rehearsal that cannot be played (e.g. wildcards the model cannot sample) just warms less.
  }
}
