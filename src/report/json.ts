/**
 * Machine-readable reports: the types of every JSON document tcpcraft writes, and the functions
 * that build them. Each document names its `format` and `formatVersion` (bumped on any change a
 * reader would notice) and the tool that wrote it. The JSON Schema files in `schemas/` describe the
 * same shapes; test/report/schema.test.ts checks real documents against them.
 */
import type { AppEvent, RunReport } from '../engine/report.js';
import type { SegmentView } from '../engine/state.js';
import type { FieldDiff } from '../engine/match.js';
import type { ChecksumStatus } from '../wire/checksum.js';
import { flagLetters } from '../wire/tcp.js';
import { formatOptions } from '../wire/options.js';
import { TOOL } from '../version.js';
import { formatDiff } from '../engine/diagnose.js';

/** The version of every document's shape (`formatVersion`). */
export const JSON_FORMAT_VERSION = 1;

/** Who wrote a document. */
export interface ToolJson {
  readonly name: 'tcpcraft';
  readonly version: string;
}

/** One TCP segment, with relative and raw numbers. */
export interface SegmentJson {
  /** `out`: sent by tcpcraft; `in`: from the peer. */
  readonly dir: 'in' | 'out';
  /** Microseconds since the epoch, as a decimal string (exceeds 2^53). */
  readonly timeUs: string;
  /** Flag letters as in scenarios, e.g. `SA`, `FPA`. */
  readonly flags: string;
  /** Relative to the sender's ISN; null before that ISN is known. */
  readonly seq: number | null;
  /** Relative to the receiver's ISN; null when the ACK flag is off or the ISN is unknown. */
  readonly ack: number | null;
  /** Payload bytes. */
  readonly len: number;
  readonly rawSeq: number;
  readonly rawAck: number;
  readonly window: number;
  /** Options in scenario notation, e.g. `mss(1460), sackOk(), ts(1, 0), nop(), ws(7)`. */
  readonly options: string;
  readonly checksums: { readonly ip: ChecksumStatus; readonly tcp: ChecksumStatus };
  readonly payloadHex: string;
  /** The whole IP packet (header, extension headers, TCP header, payload) as sent or captured. */
  readonly packetHex: string;
}

/** A segment of the exchange: which step sent or matched it. */
export interface EventJson extends SegmentJson {
  /** See TraceEvent: sent, received (matched), drained, unmatched, cleanup (our closing RST). */
  readonly kind: 'sent' | 'received' | 'drained' | 'unmatched' | 'cleanup';
  /** 1-based step, or null (cleanup RST, segments that matched nothing). */
  readonly step: number | null;
  /** The connection's name, for scenarios with more than one. */
  readonly conn?: string;
}

/** Why a run failed. */
export type FailureJson =
  | { readonly kind: 'mismatch'; readonly step: number; readonly line: number | null; readonly diffs: ReadonlyArray<FieldDiff & { readonly text: string }>; readonly actual: SegmentJson }
  | { readonly kind: 'unexpected'; readonly step: number; readonly line: number | null; readonly actual: SegmentJson; readonly afterMs: number }
  | { readonly kind: 'timeout'; readonly step: number; readonly line: number | null; readonly waitedMs: number; readonly note?: string }
  | { readonly kind: 'error'; readonly step: number | null; readonly message: string }
  | { readonly kind: 'interrupted'; readonly step: number; readonly reason: string }
  | { readonly kind: 'app'; readonly step: number; readonly line: number | null; readonly problems: readonly string[]; readonly call: AppJson };

/** A call of the target's application (an app() step). */
export interface AppJson {
  readonly step: number;
  readonly conn?: string;
  readonly call: string;
  readonly startUs: string;
  /** Absent: it had not returned when the run ended. */
  readonly endUs?: string;
  readonly ret?: number;
  readonly errno?: string;
  readonly durationUs?: number;
  /** What a read returned, in hex. */
  readonly dataHex?: string;
  readonly background?: string;
}

function appJson(e: AppEvent): AppJson {
  return {
    step: e.stepIndex + 1,
    ...(e.conn ? { conn: e.conn } : {}),
    call: e.call,
    startUs: String(e.startUs),
    ...(e.endUs !== undefined ? { endUs: String(e.endUs) } : {}),
    ...(e.ret !== undefined ? { ret: e.ret } : {}),
    ...(e.errno ? { errno: e.errno } : {}),
    ...(e.durationUs !== undefined ? { durationUs: e.durationUs } : {}),
    ...(e.data ? { dataHex: Buffer.from(e.data).toString('hex') } : {}),
    ...(e.background ? { background: e.background } : {}),
  };
}

/** A run's report: the body of `run --json`, and of each result of a suite. */
export interface RunReportJson {
  readonly scenario: string;
  readonly file: string;
  readonly passed: boolean;
  readonly flow: { readonly localIp: string; readonly localPort: number; readonly peerIp: string; readonly peerPort: number };
  /** Our ISN. */
  readonly isn: number;
  /** The peer's ISN, null when it never sent a SYN. */
  readonly peerIsn: number | null;
  readonly durationMs: number;
  readonly role: 'client' | 'server';
  readonly events: readonly EventJson[];
  /** Segments from the peer that arrived after the last step. */
  readonly leftovers: readonly SegmentJson[];
  /** ICMP errors the scenario sent (icmp() steps). */
  readonly icmp?: ReadonlyArray<{ readonly step: number; readonly conn?: string; readonly type: number; readonly code: number; readonly timeUs: string; readonly hex: string }>;
  /** The calls app() steps made the target's application do. */
  readonly app?: readonly AppJson[];
  readonly failure: FailureJson | null;
}

/** `tcpcraft run --json`. */
export interface RunJson extends RunReportJson {
  readonly format: 'tcpcraft-run';
  readonly formatVersion: typeof JSON_FORMAT_VERSION;
  readonly tool: ToolJson;
  /** The stack under test named with --target, else null. */
  readonly target: string | null;
  /** The verdict as the exit status reports it (XFAIL/XPASS only with a target). */
  readonly verdict: 'pass' | 'fail' | 'xfail' | 'xpass' | 'interrupted';
  /** The signal that stopped the run, or null. */
  readonly interrupted: string | null;
}

function segmentJson(v: SegmentView): SegmentJson {
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
    packetHex: Buffer.from(v.packet.bytes).toString('hex'),
  };
}

function failureJson(report: RunReport): FailureJson | null {
  const f = report.failure;
  if (!f) return null;
  switch (f.kind) {
    case 'error':
      return { kind: f.kind, step: f.stepIndex !== undefined ? f.stepIndex + 1 : null, message: f.message };
    case 'interrupted':
      return { kind: f.kind, step: f.stepIndex + 1, reason: f.reason };
    case 'mismatch':
      return { kind: f.kind, step: f.stepIndex + 1, line: f.step.site?.line ?? null, diffs: f.diffs.map((d) => ({ ...d, text: formatDiff(d) })), actual: segmentJson(f.actual) };
    case 'unexpected':
      return { kind: f.kind, step: f.stepIndex + 1, line: f.step.site?.line ?? null, actual: segmentJson(f.actual), afterMs: f.afterMs };
    case 'timeout':
      return { kind: f.kind, step: f.stepIndex + 1, line: f.step.site?.line ?? null, waitedMs: f.waitedMs, ...(f.note ? { note: f.note } : {}) };
    case 'app':
      return { kind: f.kind, step: f.stepIndex + 1, line: f.step.site?.line ?? null, problems: f.problems, call: appJson(f.event) };
  }
}

/** The report as a plain JSON value (bigints as strings). */
export function reportJson(report: RunReport): RunReportJson {
  return {
    scenario: report.scenario,
    file: report.file,
    passed: report.passed,
    flow: { localIp: report.flow.localIp, localPort: report.flow.localPort, peerIp: report.flow.peerIp, peerPort: report.flow.peerPort },
    isn: report.isns.local,
    peerIsn: report.isns.peer ?? null,
    durationMs: report.durationMs,
    role: report.role ?? 'client',
    events: report.events.map((e) => ({ kind: e.kind, step: e.stepIndex !== undefined ? e.stepIndex + 1 : null, ...(e.conn ? { conn: e.conn } : {}), ...segmentJson(e.view) })),
    leftovers: report.leftovers.map(segmentJson),
    ...(report.app ? { app: report.app.map(appJson) } : {}),
    ...(report.icmp ? { icmp: report.icmp.map((m) => ({ step: m.stepIndex + 1, ...(m.conn ? { conn: m.conn } : {}), type: m.type, code: m.code, timeUs: String(m.timestampUs), hex: Buffer.from(m.bytes).toString('hex') })) } : {}),
    failure: failureJson(report),
  };
}

/** The document `run --json` writes. */
export function runJson(report: RunReport, o: { readonly target?: string; readonly expectedFailure?: string } = {}): RunJson {
  const f = report.failure;
  const interrupted = f?.kind === 'interrupted' ? f.reason : null;
  const verdict = interrupted !== null ? 'interrupted' : o.expectedFailure !== undefined ? (report.passed ? 'xpass' : 'xfail') : report.passed ? 'pass' : 'fail';
  return { format: 'tcpcraft-run', formatVersion: JSON_FORMAT_VERSION, tool: TOOL, target: o.target ?? null, verdict, interrupted, ...reportJson(report) };
}
