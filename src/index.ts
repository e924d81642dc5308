/**
 * tcpcraft's public API: what scenario files import (`import { scenario, send, expect } from
 * 'tcpcraft'`), plus the codec, engine and reports for programs that embed tcpcraft.
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
