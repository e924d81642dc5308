/**
 * A run's segments as a capture, in time order with their timestamps: classic pcap, or pcapng
 * with a note on every packet (the step, send or expect, and how it went), which Wireshark shows
 * beside the packet (raw-IP link type either way).
 */
import type { RunReport, TraceEvent } from '../engine/report.js';
import type { SegmentView } from '../engine/state.js';
import { encodePcap, encodePcapng, flagNames, LinkType } from '../wire/index.js';
import { stepNotation } from '../engine/notation.js';
import { formatDiff } from '../engine/diagnose.js';

interface Entry {
  readonly timestampUs: bigint;
  readonly data: Uint8Array;
  readonly comment: string;
}

const byTime = (a: { timestampUs: bigint }, b: { timestampUs: bigint }): number => (a.timestampUs < b.timestampUs ? -1 : a.timestampUs > b.timestampUs ? 1 : 0);

function segment(v: SegmentView): string {
  return `[${flagNames(v.packet.tcp.flags)}] seq ${v.rel.seqRelative ? v.rel.seq : `raw ${v.packet.tcp.seq}`}${v.rel.ackRelative ? ` ack ${v.rel.ack}` : ''} len ${v.len}`;
}

/** What is unusual on purpose about a segment we sent. */
function onPurpose(v: SegmentView): string[] {
  const out: string[] = [];
  if (v.checksums.tcp === 'bad') out.push('sent with a wrong TCP checksum on purpose');
  if (v.checksums.ip === 'bad') out.push('sent with a wrong IPv4 header checksum on purpose');
  if (v.packet.tcp.reserved) out.push(`reserved bits ${v.packet.tcp.reserved} set on purpose`);
  return out;
}

/** The note for one event of the run. */
function note(report: RunReport, ev: TraceEvent): string {
  const step = ev.stepIndex !== undefined ? `step ${ev.stepIndex + 1}` : '';
  const conn = ev.conn ? ` [${ev.conn}]` : '';
  const f = report.failure;
  switch (ev.kind) {
    case 'sent':
      return [`${step}${conn}: sent ${segment(ev.view)}`, ...onPurpose(ev.view)].join('; ');
    case 'received':
      return `${step}${conn}: expected, matched: ${segment(ev.view)}`;
    case 'drained':
      return `${step}${conn}: drained (not checked): ${segment(ev.view)}`;
    case 'cleanup':
      return `cleanup RST${conn} (leaves the peer clean)`;
    case 'unmatched':
      if (f && (f.kind === 'mismatch' || f.kind === 'unexpected') && f.actual === ev.view) {
        const what = f.kind === 'mismatch' ? `did not match ${stepNotation(f.step)}: ${f.diffs.map(formatDiff).join('; ')}` : `arrived during step ${f.stepIndex + 1}'s silence`;
        return `step ${f.stepIndex + 1}${conn}: FAIL: ${what}`;
      }
      return `${conn ? `${conn.trim()} ` : ''}seen, matched no step: ${segment(ev.view)}`;
  }
}

function entries(report: RunReport): Entry[] {
  return [
    ...report.events.map((e) => ({ timestampUs: e.view.timestampUs, data: e.view.packet.bytes, comment: note(report, e) })),
    ...report.leftovers.map((v) => ({ timestampUs: v.timestampUs, data: v.packet.bytes, comment: `arrived after the last step: ${segment(v)}` })),
    ...(report.icmp ?? []).map((m) => ({ timestampUs: m.timestampUs, data: m.bytes, comment: `step ${m.stepIndex + 1}: sent ICMP type ${m.type} code ${m.code} about the peer's latest segment` })),
  ].sort(byTime);
}

/** Every segment sent and received, and every ICMP message sent, as classic pcap. */
export function reportPcap(report: RunReport): Uint8Array {
  return encodePcap(LinkType.RAW, entries(report).map((e) => ({ timestampUs: e.timestampUs, data: e.data })));
}

/** The same as pcapng, each packet with its note (Wireshark: packet comments; tshark: frame.comment). */
export function reportPcapng(report: RunReport): Uint8Array {
  const list = entries(report);
  const last = list.at(-1);
  const verdict = report.passed ? `PASS ${report.scenario}` : `FAIL ${report.scenario}`;
  return encodePcapng(LinkType.RAW, list.map((e) => ({ timestampUs: e.timestampUs, data: e.data, comment: e === last ? `${e.comment}; run: ${verdict}` : e.comment })));
}
