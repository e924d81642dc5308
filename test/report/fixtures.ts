/** Reports used by the report tests: the netcat plan with the seed ISNs, and in-memory runs. */
import { plan } from '../../src/engine/plan.js';
import type { RunReport } from '../../src/engine/report.js';
import { runScenario } from '../../src/engine/run.js';
import { loadScenario } from '../../src/io/load.js';
import type { Scenario } from '../../src/scenario/types.js';
import { Flag } from '../../src/wire/tcp.js';
import { MemLink, seedPeer, VirtualClock, type PeerScript } from '../support/memlink.js';
import { SEED_FLOW, SEED_ISN, SEED_PEER_ISN } from '../engine/helpers.js';

export const NETCAT = 'scenarios/netcat-5000.ts';

export async function netcat(): Promise<Scenario> {
  return loadScenario(NETCAT);
}

/** `tcpcraft build` of the netcat seed with its own numbers, starting at time 0. */
export async function seedPlan(): Promise<RunReport> {
  return plan(await netcat(), { file: NETCAT, flow: SEED_FLOW, localIsn: SEED_ISN, peerIsn: SEED_PEER_ISN });
}

export async function runNetcat(script: PeerScript): Promise<RunReport> {
  const clock = new VirtualClock(0n);
  const link = new MemLink(SEED_FLOW, clock, script);
  return runScenario(await netcat(), { file: NETCAT, flow: SEED_FLOW, localIsn: SEED_ISN }, { link, frames: link.frames, clock });
}

/** The peer answers our data with PA seq 2 ack 34 "no", then an ACK of 35 30 ms later. */
export function mismatchRun(): Promise<RunReport> {
  return runNetcat(
    seedPeer({
      onData: (p, l) => [
        l.reply({ flags: Flag.PSH | Flag.ACK, seq: 547479087, ack: p.tcp.seq + 33, window: 10233, payload: 'no' }),
        { frame: l.reply({ flags: Flag.ACK, seq: 547479086, ack: p.tcp.seq + 34, window: 10233 }), afterMs: 30 },
      ],
    }),
  );
}

/** The peer answers only the SYN. */
export function timeoutRun(): Promise<RunReport> {
  return runNetcat(seedPeer({ answerFirst: 1 }));
}
