/**
 * The run unit: one session plan carried out on one device. `run`, `suite`, `exercise check`,
 * `replay` and the feature probes all come through here (by way of src/suite/runner.ts, which only
 * admits and schedules), and so does anyone driving tcpcraft from code (src/index.ts). The device
 * may be live (src/io/device.ts) or in memory (src/engine/device.ts): the unit cannot tell.
 */
import type { Device } from '../engine/device.js';
import { rehearse } from '../engine/rehearse.js';
import type { RunReport } from '../engine/report.js';
import { runScenario } from '../engine/run.js';
import type { SessionPlan } from './plan.js';

/** How a run is carried out. */
export interface RunUnitOptions {
  /** Aborting stops the run where it is (it resets its peer; the report says `interrupted`). */
  readonly signal?: AbortSignal;
  /** Bound on the whole run, ms (none when absent or null). */
  readonly boundMs?: number | null;
  /** Play the scenario against its model in memory first, so the live path is compiled. */
  readonly rehearse?: boolean;
  /**
   * Called once the run is under way, with a function that stops it and waits for it to end (for
   * a caller's cleanup on signals, or to start the client of a server-role scenario).
   */
  readonly started?: (stop: () => Promise<void>) => void | Promise<void>;
}

/** What came of a run. */
export interface RunOutcome {
  /** The run's report, when it got as far as having one. */
  readonly report?: RunReport;
  /** What stopped it, when something did (a report may still be there). */
  readonly error?: unknown;
  /** True when `boundMs` ran out and stopped it. */
  readonly bounded: boolean;
}

/** Runs `plan` on `device` and returns the outcome; never throws. The device stays open. */
export async function runPlan(plan: SessionPlan, device: Device, o: RunUnitOptions = {}): Promise<RunOutcome> {
  const abort = new AbortController();
  const onAbort = (): void => abort.abort(o.signal?.reason);
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let bounded = false;
  let timer: NodeJS.Timeout | undefined;
  let report: RunReport | undefined;
  let error: unknown;
  try {
    if (o.rehearse) await rehearse(plan.scenario, plan.run, plan.model.events, { linkType: device.linkType });
    if (o.boundMs !== undefined && o.boundMs !== null) {
      timer = setTimeout(() => {
        bounded = true;
        abort.abort();
      }, o.boundMs);
    }
    const running = runScenario(plan.scenario, plan.run, { link: device, frames: device.frames, clock: device.clock, signal: abort.signal, ...(device.app ? { app: device.app } : {}) });
    running.catch(() => undefined);
    try {
      await o.started?.(async () => {
        abort.abort(o.signal?.reason);
        await running.catch(() => undefined);
      });
    } catch (err) {
      // What was to go with the run (a server-role scenario's client) did not start: stop the run.
      error = err;
      abort.abort();
    }
    report = await running;
  } catch (err) {
    error ??= err;
  } finally {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
  return { ...(report ? { report } : {}), ...(error !== undefined ? { error } : {}), bounded };
}
