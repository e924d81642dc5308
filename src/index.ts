/**
 * tcpcraft's public API: what scenario files import (`import { scenario, send, expect } from
 * 'tcpcraft'`), plus, for programs that drive tcpcraft, the functions the CLI itself uses: load a
 * scenario, plan it, open a device (live or in memory), run the plan on it, read the typed report,
 * run a suite; and the codec, engine and report writers.
 */
export * from './scenario/dsl.js';
export { any, range, oneOf, where, pattern, capture, use } from './scenario/matchers.js';
export type * from './scenario/matchers.js';
export type * from './scenario/types.js';
export { TcpcraftError, UsageError, EnvError, ScenarioError, CaptureError } from './errors.js';
export { validateScenario } from './scenario/validate.js';
export * as wire from './wire/index.js';
export * as engine from './engine/index.js';
export * as report from './report/index.js';
/** The shapes of the JSON reports (`--json`), as schemas/*.schema.json describe them. */
export type { RunJson, RunReportJson, SegmentJson, EventJson, FailureJson, ToolJson } from './report/json.js';
export type { MatrixJson, SuiteJson, SuiteResultJson, TotalsJson } from './report/suite.js';

// Driving tcpcraft from code: the CLI's own functions.
export { loadScenario } from './io/load.js';
export { planSession, routeQuery, modelRoute, withLabFamily, type SessionPlan, type SessionOverrides, type Route, type Sources } from './session/plan.js';
export { resolveRoute } from './io/route.js';
export { randomIsn, randomPort, systemClock } from './io/clock.js';
export { openLiveDevice } from './io/device.js';
export { memoryDevice, VirtualClock, type Device, type MemoryDevice, type MemoryPeer, type PeerIo } from './engine/device.js';
export { runPlan, type RunOutcome, type RunUnitOptions } from './session/unit.js';
export { runSuite, type SuiteEntry, type SuiteOptions, type SuiteOutcome } from './suite/runner.js';
export type { SuiteResult, Verdict } from './suite/result.js';
export type { RunReport } from './engine/report.js';
