/** Running a scenario file against the reference stack in memory, through planSession and runPlan. */
import { loadScenario } from '../../src/io/load.js';
import { modelRoute, planSession } from '../../src/session/plan.js';
import { runPlan } from '../../src/session/unit.js';
import { referenceDevice, type ReferenceSettings } from '../../src/reference/index.js';
import type { RunReport } from '../../src/engine/report.js';
import { flagLetters } from '../../src/wire/tcp.js';

export interface RefRun {
  readonly report: RunReport | undefined;
  readonly error: unknown;
  readonly device: ReturnType<typeof referenceDevice>;
  /** The trace, one row per segment: dir flags rel.seq rel.ack len. */
  readonly rows: string[];
  /** Why it failed, for assertion messages. */
  readonly why: string;
}

export async function runOnReference(file: string, settings: Partial<ReferenceSettings> = {}): Promise<RefRun> {
  const sc = await loadScenario(file);
  // The seed's ISN and port for the main connection; further connections get ports of their own.
  let port = 24491;
  const plan = planSession(sc, file, {}, modelRoute(sc, {}), { isn: () => 4126488336, port: () => port++ });
  const device = referenceDevice(plan.flows, { settings });
  const { report, error } = await runPlan(plan, device);
  await device.close();
  const rows = (report?.events ?? []).map((e) => `${e.view.dir} ${flagLetters(e.view.packet.tcp.flags)} ${e.view.rel.seq} ${e.view.rel.ack} ${e.view.len}`);
  const why = `${error ? `error: ${String(error)}\n` : ''}${report?.failure ? JSON.stringify(report.failure, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 1500) : ''}\n${rows.join('\n')}`;
  return { report, error, device, rows, why };
}
