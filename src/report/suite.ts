/**
 * The suite's machine-readable reports: JUnit XML (the Ant/Jenkins/Surefire shape CI servers read),
 * TAP version 13, and JSON. Pure functions of the results.
 */
import { relative, sep } from 'node:path';
import { JSON_FORMAT_VERSION, reportJson, type RunReportJson, type ToolJson } from './json.js';
import type { Level } from '../scenario/types.js';
import { formatFlow } from '../engine/flow.js';
import { TOOL } from '../version.js';
import type { SuiteResult, Verdict } from '../suite/result.js';
import { summaryOf, countsOf } from '../suite/result.js';

/** Text safe in XML character data and attribute values (and without characters XML 1.0 forbids). */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');
}

/** Character data: like {@link xmlEscape} but line breaks kept as they are. */
function xmlText(s: string): string {
  return xmlEscape(s).replace(/&#10;/g, '\n');
}

/** `scenarios.conformance.syn-closed`: the file relative to `cwd`, without extension, dots for slashes. */
export function classnameOf(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  const path = rel.startsWith('..') ? file : rel;
  return path.replace(/\.([mc]?ts|[mc]?js)$/, '').split(sep).filter((p) => p !== '' && p !== '.').join('.');
}

/** Options of {@link junitXml}. */
export interface JunitOptions {
  /** Name of the testsuite (default 'tcpcraft suite'). */
  readonly name?: string;
  /** The target the expected failures were read for. */
  readonly target: string;
  /** Wall time of the whole suite, ms. */
  readonly wallMs: number;
  /** ISO time the suite started. */
  readonly timestamp: string;
  readonly hostname?: string;
  readonly cwd?: string;
}

const secs = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * JUnit XML: one `<testsuite>` in `<testsuites>`; a testcase per scenario named after it, with the
 * file as classname. A failure or unexpected pass is a `<failure>` whose message is the first line
 * of the diagnostic and whose text is all of it; an expected failure is `<skipped>` with its reason;
 * a scenario that could not run is an `<error>`. The RFC section, file and flow go in the testcase's
 * `<system-out>`.
 */
export function junitXml(results: readonly SuiteResult[], o: JunitOptions): string {
  return junitDocument([{ results, options: o }], o.name ?? 'tcpcraft suite');
}

/** Counts of a testsuite element, as JUnit's attributes. */
function junitCounts(results: readonly SuiteResult[], wallMs: number): string {
  const failures = results.filter((r) => r.verdict === 'fail' || r.verdict === 'xpass').length;
  const errors = results.filter((r) => r.verdict === 'error').length;
  const c = countsOf(results);
  return `tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${c.expectedFailures + c.notApplicable + c.interrupted}" time="${secs(wallMs)}"`;
}

/**
 * A JUnit document with one `<testsuite>` per entry (the matrix gives one per target), so the
 * reports of several runs or shards merge by concatenating their testsuites.
 */
export function junitDocument(suites: ReadonlyArray<{ readonly results: readonly SuiteResult[]; readonly options: JunitOptions }>, name: string): string {
  const all = suites.flatMap((x) => x.results);
  const wall = suites.reduce((t, x) => t + x.options.wallMs, 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xmlEscape(name)}" ${junitCounts(all, wall)}>`];
  for (const { results, options: o } of suites) lines.push(...junitTestsuite(results, o));
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function junitTestsuite(results: readonly SuiteResult[], o: JunitOptions): string[] {
  const name = xmlEscape(o.name ?? 'tcpcraft suite');
  const host = o.hostname ? ` hostname="${xmlEscape(o.hostname)}"` : '';
  const lines = [
    `  <testsuite name="${name}" ${junitCounts(results, o.wallMs)} timestamp="${xmlEscape(o.timestamp)}"${host}>`,
    '    <properties>',
    `      <property name="target" value="${xmlEscape(o.target)}"/>`,
    '    </properties>',
  ];
  for (const r of results) {
    lines.push(`    <testcase name="${xmlEscape(r.name)}" classname="${xmlEscape(classnameOf(r.file, o.cwd))}" time="${secs(r.durationMs)}">`);
    const message = r.message ?? '';
    const first = message.split('\n')[0] ?? '';
    if (r.verdict === 'fail') lines.push(`      <failure message="${xmlEscape(first)}" type="mismatch">${xmlText(message)}</failure>`);
    if (r.verdict === 'xpass') lines.push(`      <failure message="${xmlEscape(first)}" type="unexpected-pass">${xmlText(message)}</failure>`);
    if (r.verdict === 'error') lines.push(`      <error message="${xmlEscape(first)}" type="error">${xmlText(message)}</error>`);
    if (r.verdict === 'xfail') lines.push(`      <skipped message="${xmlEscape(`expected failure on ${o.target}: ${r.expectedFailure ?? ''}`)}">${xmlText(message)}</skipped>`);
    if (r.verdict === 'na') lines.push(`      <skipped message="${xmlEscape(`not applicable: ${first}`)}"/>`);
    if (r.verdict === 'interrupted') lines.push(`      <skipped message="${xmlEscape(`interrupted: ${first}`)}"/>`);
    const out = [
      r.rfc ? `rfc: ${r.rfc}` : undefined,
      `file: ${r.file}`,
      r.report ? `flow: ${formatFlow(r.report.flow)}` : undefined,
      `verdict: ${r.verdict}`,
    ].filter((l): l is string => l !== undefined);
    lines.push(`      <system-out>${xmlText(out.join('\n'))}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  return lines;
}

/** Indented YAML block scalar lines for TAP diagnostics. */
function yamlBlock(key: string, text: string): string[] {
  return [`  ${key}: |`, ...text.split('\n').map((l) => `    ${l}`)];
}

/** A YAML double-quoted scalar. */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** The TAP 13 header: version and plan. */
export function tapHeader(total: number): string {
  return `TAP version 13\n1..${total}\n`;
}

/**
 * One TAP test point (numbered from the result's position). A pass is `ok`; an expected failure is
 * `not ok ... # TODO reason` (TAP's own "known to fail"); a failure, an unexpected pass or an error
 * is `not ok`, with a YAML block holding the diagnostic, file, RFC and verdict.
 */
export function tapPoint(r: SuiteResult): string {
  const n = r.index + 1;
  const desc = `${r.name}`.replace(/#/g, '\\#');
  const lines: string[] = [];
  if (r.verdict === 'pass') lines.push(`ok ${n} - ${desc}`);
  else if (r.verdict === 'xfail') lines.push(`not ok ${n} - ${desc} # TODO expected failure: ${(r.expectedFailure ?? '').replace(/\n/g, ' ')}`);
  else if (r.verdict === 'na') lines.push(`ok ${n} - ${desc} # SKIP not applicable: ${(r.message ?? '').replace(/\n/g, ' ')}`);
  else if (r.verdict === 'interrupted') lines.push(`ok ${n} - ${desc} # SKIP interrupted: ${(r.message ?? '').replace(/\n/g, ' ')}`);
  else lines.push(`not ok ${n} - ${desc}`);
  lines.push('  ---');
  lines.push(`  verdict: ${r.verdict}`, `  file: ${yamlString(r.file)}`);
  if (r.rfc) lines.push(`  rfc: ${yamlString(r.rfc)}`);
  lines.push(`  duration_ms: ${r.durationMs.toFixed(0)}`);
  if (r.message && r.verdict !== 'pass') lines.push(...yamlBlock('message', r.message));
  lines.push('  ...');
  return `${lines.join('\n')}\n`;
}

/** One scenario's entry in the suite's JSON. */
export interface SuiteResultJson {
  readonly file: string;
  readonly name: string;
  readonly rfc: string | null;
  readonly level: Level;
  readonly target: string;
  readonly verdict: Verdict;
  readonly expectedFailure: string | null;
  /** The diagnostic, the error, or why it is N/A or interrupted; null for a pass. */
  readonly message: string | null;
  /** The first difference in a few words (as a matrix cell shows it); empty for a pass. */
  readonly summary: string;
  readonly durationMs: number;
  /** Milliseconds since the suite started. */
  readonly startMs: number;
  readonly endMs: number;
  /** The run's full report, null when it did not run. */
  readonly report: RunReportJson | null;
}

/** Counts of a suite (`suite --json` totals; a matrix has one per target). */
export interface TotalsJson {
  readonly total: number;
  readonly passed: number;
  /** fail + xpass + error. */
  readonly failed: number;
  readonly expectedFailures: number;
  readonly notApplicable: number;
  readonly interrupted: number;
}

/** `tcpcraft suite --json`. */
export interface SuiteJson {
  readonly format: 'tcpcraft-suite';
  readonly formatVersion: typeof JSON_FORMAT_VERSION;
  readonly tool: ToolJson;
  /** The target whose expected failures applied. */
  readonly target: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly wallMs: number;
  /** The signal that stopped the suite, or null. */
  readonly interrupted: string | null;
  readonly totals: TotalsJson;
  /** In file order. */
  readonly results: readonly SuiteResultJson[];
}

/** `tcpcraft matrix --json` (built by src/report/matrix.ts). */
export interface MatrixJson {
  readonly format: 'tcpcraft-matrix';
  readonly formatVersion: typeof JSON_FORMAT_VERSION;
  readonly tool: ToolJson;
  readonly startedAt: string;
  readonly wallMs: number;
  /** The signal that stopped the matrix, or null. */
  readonly interrupted: string | null;
  /** Over every cell. */
  readonly totals: TotalsJson;
  /** Lab targets (linux, linux-uml, gvisor, lwip, slirp). */
  readonly targets: ReadonlyArray<{ readonly name: string; readonly stack: string; readonly version: string; readonly startupMs: number; readonly suiteMs: number; readonly error?: string; readonly totals: TotalsJson }>;
  readonly scenarios: ReadonlyArray<{ readonly name: string; readonly file: string; readonly rfc: string | null }>;
  readonly cells: ReadonlyArray<{ readonly scenario: string; readonly file: string; readonly target: string; readonly verdict: Verdict; readonly level: Level; readonly summary: string; readonly result: SuiteResultJson | null }>;
}

/** The totals of `results`. */
export function totalsJson(results: readonly SuiteResult[]): TotalsJson {
  const c = countsOf(results);
  return { total: c.total, passed: c.passed, failed: c.failed, expectedFailures: c.expectedFailures, notApplicable: c.notApplicable, interrupted: c.interrupted };
}

/** One result as JSON. */
export function suiteResultJson(r: SuiteResult, target: string): SuiteResultJson {
  return {
    file: r.file,
    name: r.name,
    rfc: r.rfc ?? null,
    level: r.level ?? 'MUST',
    target,
    verdict: r.verdict,
    expectedFailure: r.expectedFailure ?? null,
    message: r.message ?? null,
    summary: r.verdict === 'pass' ? '' : r.report && r.verdict !== 'interrupted' ? summaryOf(r.report) : (r.message ?? '').split('\n')[0]!.slice(0, 60),
    durationMs: Math.round(r.durationMs),
    startMs: Math.round(r.startMs),
    endMs: Math.round(r.endMs),
    report: r.report ? reportJson(r.report) : null,
  };
}

/** The suite's JSON document. */
export function suiteJson(results: readonly SuiteResult[], o: { readonly target: string; readonly startedAt: Date; readonly wallMs: number; readonly interrupted?: string }): SuiteJson {
  return {
    format: 'tcpcraft-suite',
    formatVersion: JSON_FORMAT_VERSION,
    tool: TOOL,
    target: o.target,
    startedAt: o.startedAt.toISOString(),
    wallMs: Math.round(o.wallMs),
    interrupted: o.interrupted ?? null,
    totals: totalsJson(results),
    results: results.map((r) => suiteResultJson(r, o.target)),
  };
}
