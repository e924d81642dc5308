/**
 * The trace a student can follow: one line per segment with relative and raw numbers side by
 * side, as Wireshark shows them ("Sequence Number: 35 (relative)", "Sequence Number (raw): ...").
 */
import { appResultText, type AppEvent, type RunReport, type TraceEvent } from '../engine/report.js';
import type { SegmentView } from '../engine/state.js';
import { formatOptions } from '../wire/options.js';
import { flagNames } from '../wire/tcp.js';
import { formatFlow } from '../engine/flow.js';
import { describeRoute, sourceRouteOf } from '../wire/route.js';

const COLUMNS = ['#', 'step', 'time', 'dir', 'flags', 'seq', 'ack', 'len', 'raw seq', 'raw ack', 'win', 'options / notes'];

function seconds(us: bigint, startUs: bigint): string {
  const d = Number(us - startUs) / 1e6;
  return d.toFixed(6);
}

function notes(ev: TraceEvent): string[] {
  const out: string[] = [];
  if (ev.kind === 'unmatched') out.push('<- did not match');
  if (ev.kind === 'drained') out.push('drained (not checked)');
  if (ev.kind === 'cleanup') out.push('cleanup RST (leaves the peer clean)');
  const ip = ev.view.packet.ip;
  const route = 'options' in ip && ip.options.length > 0 ? sourceRouteOf(ip.options) : undefined;
  if (route) out.push(`IP ${describeRoute(route)}, to ${ip.dst}`);
  const c = ev.view.checksums;
  if (ev.view.dir === 'in') {
    if (c.tcp === 'bad') out.push('TCP checksum BAD');
    if (c.tcp === 'offloaded') out.push('TCP checksum not verifiable (offloaded)');
    if (c.ip === 'bad') out.push('IP checksum BAD');
  } else if (c.tcp === 'bad' || c.ip === 'bad') {
    out.push('sent with a wrong checksum');
  }
  return out;
}

/** True when the segment goes from the client to the server (tcpcraft may play either). */
export function clientToServer(ev: TraceEvent, role: RunReport['role']): boolean {
  return (ev.view.dir === 'out') === (role !== 'server');
}

/** The row cells for one segment. */
export function traceRow(index: number, ev: TraceEvent, startUs: bigint, role?: RunReport['role']): string[] {
  const v: SegmentView = ev.view;
  const tcp = v.packet.tcp;
  const opts = formatOptions(tcp.options);
  return [
    String(index + 1),
    ev.stepIndex !== undefined ? String(ev.stepIndex + 1) : '-',
    seconds(v.timestampUs, startUs),
    (clientToServer(ev, role) ? 'C -> S' : 'C <- S') + (ev.conn ? ` [${ev.conn}]` : ''),
    `[${flagNames(tcp.flags)}]`,
    v.rel.seqRelative ? String(v.rel.seq) : '?',
    v.rel.ackRelative ? String(v.rel.ack) : String(tcp.ack),
    String(v.len),
    String(tcp.seq),
    String(tcp.ack),
    String(tcp.window),
    [opts, ...notes(ev)].filter(Boolean).join('  '),
  ];
}

/** Aligns rows of cells into columns (the last column is left ragged). */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const numeric = new Set([0, 1, 5, 6, 7, 8, 9, 10]);
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The whole trace: a heading with the flow and both ISNs, then one line per segment. */
export function formatTrace(report: RunReport): string {
  const isns = `ISN ${report.isns.local}, peer ISN ${report.isns.peer ?? 'unknown'}`;
  const role = report.role === 'server' ? 'tcpcraft is the server; ' : '';
  const head = [`${report.scenario}  ${formatFlow(report.flow)}  (${role}${isns}; seq/ack relative, raw beside them)`];
  for (const c of report.connections ?? []) head.push(`  [${c.name}] ${formatFlow(c.flow)}  (ISN ${c.isns.local}, peer ISN ${c.isns.peer ?? 'unknown'})`);
  const rows = [COLUMNS, ...withAppRows(report, report.events.map((e, i) => ({ us: e.view.timestampUs, cells: traceRow(i, e, report.startedUs, report.role) })))];
  const icmp = (report.icmp ?? []).map((m) => `  step ${m.stepIndex + 1} at ${seconds(m.timestampUs, report.startedUs)} s: sent ICMP type ${m.type} code ${m.code}${m.conn ? ` [${m.conn}]` : ''} about the peer's latest segment`);
  return `${head.join('\n')}\n${table(rows)}${icmp.length ? `\n${icmp.join('\n')}` : ''}`;
}

/**
 * When an app() call shows in a trace or ladder: when it returned on the target. Its reply reaches
 * us later than that (the relay is in between: often after the segment the call made the stack
 * send), so, as NTP does, the way there and the way back are taken to be equally long: what the
 * exchange took beyond the call's own duration (the target's measure), halved, is taken off the
 * reply's arrival. A call that never returned shows when it was made.
 */
export function appTime(e: AppEvent): bigint {
  if (e.endUs === undefined) return e.startUs;
  if (e.durationUs === undefined) return e.endUs;
  const transit = e.endUs - e.startUs - BigInt(Math.round(e.durationUs));
  return transit > 0n ? e.endUs - transit / 2n : e.endUs;
}

/** `server app: write 1000 = 1000 (0.1 ms on the target)`: an app() call in words. */
export function appLine(e: AppEvent, role: RunReport['role']): string {
  const side = role === 'server' ? 'client' : 'server';
  const took = e.durationUs !== undefined ? ` (${(e.durationUs / 1000).toFixed(1)} ms on the target)` : '';
  const bg = e.background ? ` [background '${e.background}']` : '';
  return `${side} app${e.conn ? ` [${e.conn}]` : ''}: ${e.call} ${appResultText(e)}${took}${bg}`;
}

/** The segment rows with a row for each app() call slotted in by time. */
function withAppRows(report: RunReport, rows: Array<{ us: bigint; cells: string[] }>): string[][] {
  const calls = (report.app ?? []).map((e) => ({ us: appTime(e), cells: ['', String(e.stepIndex + 1), seconds(appTime(e), report.startedUs), 'app', '', '', '', '', '', '', '', appLine(e, report.role)] }));
  // Stable: a call and a segment at the same instant keep the order they happened in (segments first).
  return [...rows, ...calls].map((r, i) => ({ ...r, i })).sort((a, b) => (a.us < b.us ? -1 : a.us > b.us ? 1 : a.i - b.i)).map((r) => r.cells);
}
