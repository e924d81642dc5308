/**
 * An ASCII ladder diagram, like the whiteboard in the daytime video: the client on the left,
 * the server on the right, one arrow per segment labelled with flags and relative numbers.
 */
import type { RunReport, TraceEvent } from '../engine/report.js';
import { appLine, appTime } from './trace.js';
import { flagNames } from '../wire/tcp.js';
import { endpointText } from '../engine/flow.js';

/** Width of the space between the two lifelines. */
const GAP = 44;

function label(ev: TraceEvent): string {
  const v = ev.view;
  const parts = [flagNames(v.packet.tcp.flags)];
  parts.push(`seq=${v.rel.seqRelative ? v.rel.seq : `raw ${v.packet.tcp.seq}`}`);
  if (v.rel.ackRelative) parts.push(`ack=${v.rel.ack}`);
  if (v.len) parts.push(`len=${v.len}`);
  return parts.join(' ');
}

function arrow(text: string, dir: 'out' | 'in'): string {
  const body = ` ${text} `;
  const room = GAP - 2;
  const t = body.length > room - 4 ? body.slice(0, room - 5) + '… ' : body;
  const dashes = room - t.length;
  const left = 3;
  const right = dashes - left;
  return dir === 'out' ? `|${'-'.repeat(left)}${t}${'-'.repeat(right)}>|` : `|<${'-'.repeat(left)}${t}${'-'.repeat(right)}|`;
}

/** The ladder for a run or plan; steps that did not match are marked with `x`. */
export function formatLadder(report: RunReport): string {
  const us = endpointText(report.flow.localIp, report.flow.localPort);
  const peer = endpointText(report.flow.peerIp, report.flow.peerPort);
  const server = report.role === 'server';
  const client = `client ${server ? peer : us}`;
  const serverLabel = `server ${server ? us : peer}${server ? ' (tcpcraft)' : ''}`;
  const margin = 10;
  const lines: string[] = [];
  lines.push(' '.repeat(margin) + client.padEnd(GAP + 1) + serverLabel);
  lines.push(' '.repeat(margin) + '|' + ' '.repeat(GAP - 1 + 0) + '|');
  const segments = report.events.map((ev, i) => {
    const tag = ev.kind === 'unmatched' ? 'x' : ev.kind === 'cleanup' ? 'cleanup' : ev.kind === 'drained' ? `step ${ev.stepIndex! + 1}, drained` : ev.stepIndex !== undefined ? `step ${ev.stepIndex + 1}` : '';
    const text = ev.conn ? `[${ev.conn}] ${label(ev)}` : label(ev);
    return { us: ev.view.timestampUs, i, line: tag.padEnd(margin) + arrow(text, (ev.view.dir === 'out') === !server ? 'out' : 'in') };
  });
  // The application's calls, written beside the target's lifeline at the time they returned.
  const calls = (report.app ?? []).map((e, j) => ({ us: appTime(e), i: segments.length + j, line: `step ${e.stepIndex + 1}`.padEnd(margin) + '|' + ' '.repeat(GAP - 1) + '|  ' + appLine(e, report.role) }));
  for (const x of [...segments, ...calls].sort((a, b) => (a.us < b.us ? -1 : a.us > b.us ? 1 : a.i - b.i))) lines.push(x.line);
  lines.push(' '.repeat(margin) + '|' + ' '.repeat(GAP - 1) + '|');
  return lines.join('\n');
}
