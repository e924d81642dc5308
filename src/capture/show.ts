/**
 * What `tcpcraft show` prints, pure: the conversation list (like `tshark -z conv,tcp`), and one
 * conversation as the trace (frame numbers, relative and raw numbers side by side, Wireshark's
 * analysis names) followed by the ladder.
 */
import { endpointText, formatFlow } from '../engine/flow.js';
import { formatLadder } from '../report/ladder.js';
import { table, traceRow } from '../report/trace.js';
import type { Analysis, Conversation, TcpFrame } from './streams.js';
import { streamReport } from './streams.js';

const ep = (e: { ip: string; port: number }): string => endpointText(e.ip, e.port);

const LIST_HEAD = ['stream', 'A', 'B', 'A->B frames', 'bytes', 'B->A frames', 'bytes', 'start s', 'duration s', 'handshake'];
const RIGHT = new Set([0, 3, 4, 5, 6, 7, 8]);

function listCells(c: Conversation, startUs: bigint): string[] {
  return [
    String(c.index),
    ep(c.a),
    ep(c.b),
    String(c.framesAB),
    String(c.bytesAB),
    String(c.framesBA),
    String(c.bytesBA),
    (Number(c.firstUs - startUs) / 1e6).toFixed(6),
    (Number(c.lastUs - c.firstUs) / 1e6).toFixed(6),
    c.handshake ? 'captured' : c.synSeen ? 'partly' : 'not captured',
  ];
}

/**
 * The conversation table, line by line (a capture may hold hundreds of thousands of
 * conversations: the lines are made as they are written, only the column widths are kept).
 */
export function* conversationLines(convs: readonly Conversation[], startUs: bigint): Generator<string> {
  const widths = LIST_HEAD.map((h) => h.length);
  for (const c of convs) listCells(c, startUs).forEach((cell, i) => (widths[i] = Math.max(widths[i]!, cell.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : RIGHT.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  yield line(LIST_HEAD);
  for (const c of convs) yield line(listCells(c, startUs));
}

/** The conversation table as one string. */
export function formatConversations(convs: readonly Conversation[], startUs: bigint): string {
  return [...conversationLines(convs, startUs)].join('\n');
}

/** One conversation: heading, trace with analysis, ladder. */
export function formatStream(file: string, conv: Conversation, frames: readonly TcpFrame[], opts: { ladder: boolean }): string {
  const { report, analysis, midStream } = streamReport(file, conv, frames);
  const head = [
    `stream ${conv.index}: ${formatFlow(report.flow)}, ${frames.length} segments (frames ${frames[0]?.frame ?? '-'}-${frames.at(-1)?.frame ?? '-'})`,
    `  A ISN ${report.isns.local}, B ISN ${report.isns.peer ?? 'unknown'}; seq/ack relative, raw beside them`,
  ];
  if (midStream) head.push('  the handshake is not (wholly) in the capture: a side without a SYN is numbered from its first segment, which is relative 1 (as Wireshark does)');
  const rows = [['frame', 'time', 'dir', 'flags', 'seq', 'ack', 'len', 'raw seq', 'raw ack', 'win', 'options / analysis / comment']];
  report.events.forEach((ev, i) => {
    const cells = traceRow(i, ev, report.startedUs);
    cells.splice(0, 2, String(frames[i]!.frame));
    cells[2] = ev.view.dir === 'out' ? 'A -> B' : 'A <- B';
    const notes = [cells.at(-1)!, ...analysis[i]!.map((a: Analysis) => `[${a}]`), ...(frames[i]!.comment ? [`# ${frames[i]!.comment}`] : [])].filter(Boolean);
    cells[cells.length - 1] = notes.join('  ');
    rows.push(cells);
  });
  const parts = [head.join('\n'), alignStream(rows)];
  if (opts.ladder) parts.push(formatLadder(report));
  return parts.join('\n\n');
}

function alignStream(rows: string[][]): string {
  // Same layout as the run trace: numbers right-aligned, the last column ragged.
  const shifted = rows.map((r) => ['', ...r]);
  return table(shifted)
    .split('\n')
    .map((l) => l.replace(/^ {0,2}/, ''))
    .join('\n');
}
