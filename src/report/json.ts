/** A machine-readable report of a run: every step's segments with relative and raw numbers. */
import type { RunReport } from '../engine/report.js';
import type { SegmentView } from '../engine/state.js';
import { flagLetters } from '../wire/tcp.js';
import { formatOptions } from '../wire/options.js';
import { formatDiff } from './diagnose.js';

function segmentJson(v: SegmentView) {
  const t = v.packet.tcp;
  return {
    dir: v.dir,
    timeUs: v.timestampUs.toString(),
    flags: flagLetters(t.flags),
    seq: v.rel.seqRelative ? v.rel.seq : null,
    ack: v.rel.ackRelative ? v.rel.ack : null,
    len: v.len,
    rawSeq: t.seq,
    rawAck: t.ack,
    window: t.window,
    options: formatOptions(t.options),
    checksums: v.checksums,
    payloadHex: Buffer.from(v.packet.payload).toString('hex'),
  };
}

/** The report as a plain JSON value (bigints as strings). */
export function reportJson(report: RunReport): unknown {
  const f = report.failure;
  return {
    scenario: report.scenario,
    file: report.file,
    passed: report.passed,
    flow: report.flow,
    isn: report.isns.local,
    peerIsn: report.isns.peer ?? null,
    durationMs: report.durationMs,
    role: report.role ?? 'client',
    events: report.events.map((e) => ({ kind: e.kind, step: e.stepIndex !== undefined ? e.stepIndex + 1 : null, ...(e.conn ? { conn: e.conn } : {}), ...segmentJson(e.view) })),
    leftovers: report.leftovers.map(segmentJson),
    ...(report.icmp ? { icmp: report.icmp.map((m) => ({ step: m.stepIndex + 1, ...(m.conn ? { conn: m.conn } : {}), type: m.type, code: m.code, timeUs: String(m.timestampUs), hex: Buffer.from(m.bytes).toString('hex') })) } : {}),
    failure: !f
      ? null
      : f.kind === 'error'
        ? { kind: f.kind, step: f.stepIndex !== undefined ? f.stepIndex + 1 : null, message: f.message }
        : {
            kind: f.kind,
            step: f.stepIndex + 1,
            line: f.step.site?.line ?? null,
            ...(f.kind === 'mismatch'
              ? { diffs: f.diffs.map((d) => ({ ...d, text: formatDiff(d) })), actual: segmentJson(f.actual) }
              : f.kind === 'unexpected'
                ? { actual: segmentJson(f.actual), afterMs: f.afterMs }
                : { waitedMs: f.waitedMs }),
          },
  };
}
