/** The verdict of each scenario in a suite, and the counts and lines that summarise them. */
import type { RunReport } from '../engine/report.js';
import { formatFailure } from '../engine/diagnose.js';
import { flagLetters } from '../wire/tcp.js';
import type { Level } from '../scenario/types.js';
import type { Failure } from '../engine/report.js';
import type { ExpectedMark } from '../scenario/expected.js';

/**
 * - `pass`: the run passed.
 * - `fail`: the run failed (a segment differed or did not come).
 * - `xfail`: it failed, and the scenario marks it as an expected failure on the target.
 * - `xpass`: it passed although marked as an expected failure on the target: a failure (the mark is stale).
 * - `error`: it could not run (the file does not load, a step cannot be numbered, the environment...): a failure.
 * - `na`: not applicable: the scenario requires an optional feature the target does not offer.
 * - `interrupted`: a signal stopped the suite while it ran, or before it started (no verdict; not a failure).
 */
export type Verdict = 'pass' | 'fail' | 'xfail' | 'xpass' | 'error' | 'na' | 'interrupted';

/** One scenario's outcome. */
export interface SuiteResult {
  /** 0-based position in the suite (file order). */
  readonly index: number;
  readonly file: string;
  /** The scenario's name, or the file's base name when it did not load. */
  readonly name: string;
  readonly rfc?: string;
  /** How strongly the RFC asks for the behaviour (absent: MUST). */
  readonly level?: Level;
  readonly verdict: Verdict;
  /** The expected-failure reason for the target, when the scenario has one. */
  readonly expectedFailure?: string;
  /** What went wrong (the run's diagnostic, or the error), for every verdict but `pass`. */
  readonly message?: string;
  /** Wall-clock ms the scenario took (loading excluded). */
  readonly durationMs: number;
  /** Wall-clock ms since the suite started when the run started and ended (to show overlap). */
  readonly startMs: number;
  readonly endMs: number;
  /** The run's report, when it ran. */
  readonly report?: RunReport;
}

/** The verdict of a finished run. */
export function verdictOf(passed: boolean, expectedFailure: string | undefined): Verdict {
  if (expectedFailure === undefined) return passed ? 'pass' : 'fail';
  return passed ? 'xpass' : 'xfail';
}

/** How a failure shows, for pins: the fields that differ, `absent`, `unexpected` or `app`. */
export function failureFields(f: Failure): string[] {
  if (f.kind === 'mismatch') return [...new Set(f.diffs.map((d) => d.field))];
  if (f.kind === 'timeout') return ['absent'];
  return [f.kind];
}

/**
 * Why a failure is not the one `mark` pins (undefined when it is, or when the mark has no pin):
 * `expected to fail at step 4 (flags); failed at step 6 (seq, len)`.
 */
export function pinMismatch(mark: ExpectedMark, report: RunReport): string | undefined {
  const f = report.failure;
  if (mark.step === undefined || !f || f.kind === 'interrupted') return undefined;
  const fields = failureFields(f);
  const step = f.stepIndex === undefined ? undefined : f.stepIndex + 1;
  if (step === mark.step && (mark.field === undefined || fields.includes(mark.field))) return undefined;
  return `expected to fail at step ${mark.step}${mark.field ? ` (${mark.field})` : ''}, but failed ${step === undefined ? 'before any step' : `at step ${step}`} (${fields.join(', ')})`;
}

/** True for the verdicts that make the suite fail. */
export function isFailure(v: Verdict): boolean {
  return v === 'fail' || v === 'xpass' || v === 'error';
}

/** The levels a `--fail-on LEVEL` counts: MUST only, MUST and SHOULD, or all three. */
export const FAIL_ON: Readonly<Record<'must' | 'should' | 'may', readonly Level[]>> = { must: ['MUST'], should: ['MUST', 'SHOULD'], may: ['MUST', 'SHOULD', 'MAY'] };

/**
 * True when `r` makes the exit status non-zero under `--fail-on` (`levels`): a FAIL at one of
 * those levels (a scenario without a level is a MUST); an XPASS or ERROR always does.
 */
export function failsRun(r: Pick<SuiteResult, 'verdict' | 'level'>, levels: readonly Level[]): boolean {
  if (r.verdict === 'fail') return levels.includes(r.level ?? 'MUST');
  return isFailure(r.verdict);
}

/** The message of a run's result: its diagnostic, or why an unexpected pass is one. */
export function messageOf(report: RunReport, verdict: Verdict, target: string, expectedFailure: string | undefined): string | undefined {
  if (verdict === 'xpass') return `passed on ${target}, but the scenario marks it as an expected failure there: ${expectedFailure ?? ''}`;
  return formatFailure(report);
}

/** At most `n` characters of `s` (an ellipsis marks a cut). */
const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/**
 * The first difference of a run in a few words, for a table cell: `ack 1 ≠ 17`, `flags 'PA' ≠
 * 'FPA'`, `no SA within 3000 ms`, `unexpected A during silence`; empty for a run that passed.
 */
export function summaryOf(report: RunReport): string {
  const f = report.failure;
  if (!f) return '';
  switch (f.kind) {
    case 'mismatch': {
      const d = f.diffs[0]!;
      return `${d.field} ${clip(d.expected, 24)} ≠ ${clip(d.actual, 24)}${f.diffs.length > 1 ? ` (+${f.diffs.length - 1})` : ''}`;
    }
    case 'timeout':
      return `no ${f.step.flags || 'segment'} within ${f.waitedMs} ms`;
    case 'unexpected':
      return `unexpected ${f.actual.rel.flags === 0 ? 'segment' : flagLetters(f.actual.rel.flags)} during silence`;
    case 'interrupted':
      return `interrupted at step ${f.stepIndex + 1}`;
    case 'error':
      return clip(f.message.split('\n')[0] ?? '', 60);
    case 'app':
      return clip(`${f.event.call}: ${f.problems[0] ?? ''}`, 60);
  }
}

/** Counts of a suite. */
export interface Counts {
  readonly total: number;
  readonly done: number;
  readonly passed: number;
  /** fail + xpass + error. */
  readonly failed: number;
  readonly expectedFailures: number;
  /** Not applicable: a required feature is absent. */
  readonly notApplicable: number;
  /** Stopped by a signal, or never started because of one. */
  readonly interrupted: number;
}

/** Counts of `results` out of `total` scenarios. */
export function countsOf(results: readonly SuiteResult[], total = results.length): Counts {
  let passed = 0;
  let failed = 0;
  let xfail = 0;
  let na = 0;
  let interrupted = 0;
  for (const r of results) {
    if (r.verdict === 'pass') passed += 1;
    else if (r.verdict === 'xfail') xfail += 1;
    else if (r.verdict === 'na') na += 1;
    else if (r.verdict === 'interrupted') interrupted += 1;
    else failed += 1;
  }
  return { total, done: results.length, passed, failed, expectedFailures: xfail, notApplicable: na, interrupted };
}

/** `12 passed, 1 failed, 2 expected failures`: the closing line (one fixed shape, for scripts). */
export function summaryLine(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.expectedFailures} expected failures${c.notApplicable ? `, ${c.notApplicable} not applicable` : ''}${c.interrupted ? `, ${c.interrupted} interrupted` : ''}`;
}

/** `[12/30] 11 passed, 1 failed` (and the expected failures when there are any): the live progress line. */
export function progressLine(c: Counts): string {
  return `[${c.done}/${c.total}] ${c.passed} passed, ${c.failed} failed${c.expectedFailures ? `, ${c.expectedFailures} expected` : ''}`;
}

export const LABEL: Readonly<Record<Verdict, string>> = { pass: 'PASS', fail: 'FAIL', xfail: 'XFAIL', xpass: 'XPASS', error: 'ERROR', na: 'N/A', interrupted: 'INTERRUPTED' };

/** `PASS name (123 ms)`, `XFAIL name: reason`...: one line per finished scenario. */
export function resultLine(r: SuiteResult): string {
  const time = `(${r.durationMs.toFixed(0)} ms)`;
  if (r.verdict === 'xfail') return `XFAIL ${r.name} ${time}: expected failure: ${r.expectedFailure ?? ''}`;
  if (r.verdict === 'xpass') return `XPASS ${r.name} ${time}: unexpected pass (marked as an expected failure: ${r.expectedFailure ?? ''})`;
  if (r.verdict === 'na') return `N/A ${r.name}: ${r.message ?? ''}`;
  if (r.verdict === 'interrupted') return `INTERRUPTED ${r.name}${r.report ? ` ${time}` : ''}: ${r.message ?? ''}`;
  return `${LABEL[r.verdict]}${r.level && r.level !== 'MUST' && r.verdict === 'fail' ? ` [${r.level}]` : ''} ${r.name} ${time}`;
}
