/**
 * Diagnostics that teach: where the scenario and the live stack parted ways, every differing field
 * with expected and actual values (relative and raw), both segments in scenario notation, and the
 * other segments seen on the flow.
 */
import { resolve } from 'node:path';
import { stepLabel } from '../scenario/errors.js';
import type { Step } from '../scenario/types.js';
import type { FieldDiff } from './match.js';
import { appResultText, type RunReport } from './report.js';
import { stepNotation, viewNotation } from './notation.js';
import { endpointText } from './flow.js';

function where(file: string, step: Step): string {
  if (!step.site) return file;
  return `${resolve(file) === step.site.file ? file : step.site.file}:${step.site.line}`;
}

function value(v: string, raw: number | undefined): string {
  return raw === undefined ? v : `${v} (raw ${raw})`;
}

/** `ack: expected 36 (raw 4126488372) vs actual 35 (raw 4126488371)` */
export function formatDiff(d: FieldDiff): string {
  return `${d.field}: expected ${value(d.expected, d.expectedRaw)} vs actual ${value(d.actual, d.actualRaw)}`;
}

/** The failure explanation, or undefined when the run passed. */
export function formatFailure(report: RunReport): string | undefined {
  const f = report.failure;
  if (!f) return undefined;
  if (f.kind === 'interrupted') return `${report.file}: interrupted at step ${f.stepIndex + 1} (${f.reason})`;
  if (f.kind === 'error') return `${report.file}: ${f.stepIndex !== undefined ? `step ${f.stepIndex + 1}: ` : ''}${f.message}`;
  const lines: string[] = [];
  const head = `${where(report.file, f.step)}: ${stepLabel(f.stepIndex, f.step)}`;
  if (f.kind === 'mismatch') {
    lines.push(`${head}: the live segment differs in ${f.diffs.length} field${f.diffs.length === 1 ? '' : 's'}:`);
    for (const d of f.diffs) lines.push(`  ${formatDiff(d)}`);
    lines.push(`  expected: ${stepNotation(f.step)}`);
    for (const o of f.others ?? []) {
      lines.push(`  or:       ${stepNotation(o.step)}`);
      for (const d of o.diffs) lines.push(`    ${formatDiff(d)}`);
    }
    lines.push(`  actual:   ${viewNotation(f.actual, 'expect')}`);
  } else if (f.kind === 'unexpected') {
    const from = endpointText(f.actual.packet.ip.src, f.actual.packet.tcp.srcPort);
    lines.push(`${head}: a segment from ${from} arrived ${f.afterMs.toFixed(1)} ms into ${f.step.ms} ms of expected silence:`);
    lines.push(`  actual:   ${viewNotation(f.actual, 'expect')}`);
  } else if (f.kind === 'app') {
    lines.push(`${head}: the target's application ${f.event.call}: ${f.problems.join('; ')}`);
    lines.push(`  expected: ${stepNotation(f.step)}`);
    lines.push(`  actual:   ${f.event.call} ${appResultText(f.event)}${f.event.durationUs !== undefined ? ` after ${(f.event.durationUs / 1000).toFixed(1)} ms on the target` : ''}`);
  } else {
    lines.push(`${head}: nothing arrived from the peer within ${f.waitedMs} ms${f.note ? `: ${f.note}` : ''}`);
    lines.push(`  expected: ${stepNotation(f.step)}`);
  }
  const others = report.events.filter((e) => e.kind === 'unmatched' && e.view !== (f.kind === 'mismatch' || f.kind === 'unexpected' ? f.actual : undefined));
  const seen = [...others.map((e) => e.view), ...report.leftovers];
  lines.push(seen.length ? '  other segments from the peer on this flow:' : '  no other segment from the peer arrived on this flow');
  // One sent to our address and port from elsewhere says where it came from.
  const peers = new Set([report.flow, ...(report.connections ?? []).map((c) => c.flow)].map((f) => endpointText(f.peerIp, f.peerPort)));
  for (const v of seen) {
    const from = endpointText(v.packet.ip.src, v.packet.tcp.srcPort);
    lines.push(`    ${viewNotation(v, 'expect')}${peers.has(from) ? '' : ` (from ${from}, not the peer)`}`);
  }
  return lines.join('\n');
}
