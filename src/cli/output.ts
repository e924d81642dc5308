/** Writing a report out: trace and ladder for people, pcap and JSON files (or JSON on stdout) on request. */
import { writeOutput } from '../io/sandbox.js';
import type { RunReport } from '../engine/report.js';
import { formatFailure, formatLadder, formatTrace, reportPcap, reportPcapng, runJson } from '../report/index.js';
import { runHtml } from '../report/html.js';

/**
 * The value of `--json [FILE|-]`: a file name, or `-` (or the bare flag, which commander gives as
 * `true`) for stdout.
 */
export type JsonDest = string | true;

/** True when the JSON goes to stdout (then every human line goes to stderr). */
export function jsonOnStdout(dest: JsonDest | undefined): boolean {
  return dest === true || dest === '-';
}

/** Writes a JSON document to `dest` (pretty-printed, one trailing newline). */
export function writeJson(dest: JsonDest, doc: unknown): void {
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (jsonOnStdout(dest)) process.stdout.write(text);
  else writeOutput(dest as string, text);
}

/** The files a run or build writes (opened before a drop of privileges, see src/io/sandbox.ts). */
export function outputsOf(o: { readonly pcap?: string; readonly json?: JsonDest; readonly html?: string }): Array<string | undefined> {
  return [o.pcap, typeof o.json === 'string' ? o.json : undefined, o.html];
}

/** Where human-readable lines go: stderr when stdout carries JSON (or another machine format). */
export function humanStream(machineOnStdout: boolean): NodeJS.WriteStream {
  return machineOnStdout ? process.stderr : process.stdout;
}

/** What to write where. */
export interface OutputOptions {
  readonly pcap?: string;
  readonly json?: JsonDest;
  /** A self-contained HTML report (src/report/html.ts). */
  readonly html?: string;
  readonly ladder?: boolean;
  readonly trace?: boolean;
  /** For the JSON: the --target and its expected-failure reason. */
  readonly target?: string;
  readonly expectedFailure?: string;
}

/** Prints the trace and the ladder (to `out`), and writes the requested pcap and JSON. */
export function writeReport(report: RunReport, o: OutputOptions, out: (s: string) => void): void {
  if (o.trace !== false) out(`${formatTrace(report)}\n\n`);
  if (o.ladder !== false) out(`${formatLadder(report)}\n\n`);
  // By extension: .pcapng gets a note on every packet, anything else is classic pcap.
  if (o.pcap) writeOutput(o.pcap, /\.pcapng$/i.test(o.pcap) ? reportPcapng(report) : reportPcap(report));
  const doc = (): ReturnType<typeof runJson> => runJson(report, { ...(o.target ? { target: o.target } : {}), ...(o.expectedFailure !== undefined ? { expectedFailure: o.expectedFailure } : {}) });
  if (o.json !== undefined) writeJson(o.json, doc());
  if (o.html) writeOutput(o.html, runHtml(doc()));
}

/** The closing lines: the failure explanation, or a pass line. */
export function verdict(report: RunReport): string {
  const f = formatFailure(report);
  if (report.failure?.kind === 'interrupted') return `INTERRUPTED ${report.scenario}: ${f ?? ''}\n`;
  const left = report.leftovers.length ? ` (${report.leftovers.length} further segment(s) from the peer arrived after the last step)` : '';
  return f ? `FAIL ${report.scenario}\n${f}\n` : `PASS ${report.scenario}: ${report.events.length} segments, ${report.durationMs.toFixed(0)} ms${left}\n`;
}

/**
 * Runs a command's body and sets the exit status it returns. What it throws goes up to main(),
 * which prints it and picks the exit status (src/cli/failure.ts).
 */
export async function runCommandBody(body: () => Promise<number>): Promise<void> {
  process.exitCode = await body();
}
