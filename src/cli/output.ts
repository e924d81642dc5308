/** Writing a report out: trace and ladder to stdout, pcap and JSON files on request. */
import { writeFileSync } from 'node:fs';
import { EnvError, messageOf } from '../io/errors.js';
import { ScenarioError } from '../scenario/errors.js';
import type { RunReport } from '../engine/report.js';
import { formatFailure, formatLadder, formatTrace, reportJson, reportPcap, reportPcapng } from '../report/index.js';

/** What to write where. */
export interface OutputOptions {
  readonly pcap?: string;
  readonly json?: string;
  readonly ladder?: boolean;
  readonly trace?: boolean;
}

/** Prints the trace, the ladder and any failure, and writes the requested files. */
export function writeReport(report: RunReport, o: OutputOptions, out: (s: string) => void): void {
  if (o.trace !== false) out(`${formatTrace(report)}\n\n`);
  if (o.ladder !== false) out(`${formatLadder(report)}\n\n`);
  // By extension: .pcapng gets a note on every packet, anything else is classic pcap.
  if (o.pcap) writeFileSync(o.pcap, /\.pcapng$/i.test(o.pcap) ? reportPcapng(report) : reportPcap(report));
  if (o.json) writeFileSync(o.json, `${JSON.stringify(reportJson(report), null, 2)}\n`);
}

/** The closing lines: the failure explanation, or a pass line. */
export function verdict(report: RunReport): string {
  const f = formatFailure(report);
  const left = report.leftovers.length ? ` (${report.leftovers.length} further segment(s) from the peer arrived after the last step)` : '';
  return f ? `FAIL ${report.scenario}\n${f}\n` : `PASS ${report.scenario}: ${report.events.length} segments, ${report.durationMs.toFixed(0)} ms${left}\n`;
}

/**
 * Runs a command's body and sets the exit status it returns; a usage or environment problem
 * (EnvError, ScenarioError, RangeError) becomes one line on stderr and exit status 2.
 */
export async function runCommandBody(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (err) {
    if (err instanceof EnvError || err instanceof ScenarioError || err instanceof RangeError) {
      process.stderr.write(`tcpcraft: ${messageOf(err)}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
