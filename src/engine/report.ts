/** What a run or a plan produced: the events on the flow and the verdict. */
import type { AppStep, AppWaitStep, ExpectStep, Role, Scenario, SilenceStep } from '../scenario/types.js';
import type { Flow } from './flow.js';
import type { FieldDiff } from './match.js';
import type { Isns } from './numbering.js';
import type { SegmentView } from './state.js';

/** One packet in the exchange. */
export interface TraceEvent {
  /**
   * `sent` by a step, `received` and matched by a step, `drained` (taken unchecked by a drain()
   * step), `unmatched` (seen, matched nothing), `cleanup` (our closing RST).
   */
  readonly kind: 'sent' | 'received' | 'drained' | 'unmatched' | 'cleanup';
  /** Index of the step that sent or matched it. */
  readonly stepIndex?: number;
  /** The connection, when the scenario has more than one (absent: the main one). */
  readonly conn?: string;
  readonly view: SegmentView;
}

/** One expectation a segment was compared with, and how it differed. */
export interface Candidate {
  readonly step: ExpectStep;
  readonly diffs: readonly FieldDiff[];
}

/** Why a run failed. */
export type Failure =
  | {
      readonly kind: 'mismatch';
      readonly stepIndex: number;
      readonly step: ExpectStep;
      /** The segment that arrived instead, and how it differs from `step` (the closest expectation). */
      readonly actual: SegmentView;
      readonly diffs: readonly FieldDiff[];
      /** The other expectations it could have matched (either/anyOrder), with their differences. */
      readonly others?: readonly Candidate[];
    }
  | {
      /** A segment arrived during `silence()`. */
      readonly kind: 'unexpected';
      readonly stepIndex: number;
      readonly step: SilenceStep;
      readonly actual: SegmentView;
      readonly afterMs: number;
    }
  | {
      readonly kind: 'timeout';
      readonly stepIndex: number;
      readonly step: ExpectStep;
      readonly waitedMs: number;
      /** What the machine knows about why (e.g. the peer's address never resolved), when it knows. */
      readonly note?: string;
    }
  | {
      /** An app() step's call returned something else than the step says (or never returned). */
      readonly kind: 'app';
      readonly stepIndex: number;
      readonly step: AppStep | AppWaitStep;
      /** Each way the result differs, in words (`returned -1 ECONNRESET, expected 1000`). */
      readonly problems: readonly string[];
      readonly event: AppEvent;
    }
  | { readonly kind: 'error'; readonly stepIndex?: number; readonly message: string }
  | {
      /** The run was stopped from outside (a signal) while at `stepIndex`; what happened until then is in the report. */
      readonly kind: 'interrupted';
      readonly stepIndex: number;
      /** What stopped it, e.g. 'SIGINT'. */
      readonly reason: string;
    };

/** The outcome of running (or planning) a scenario. */
export interface RunReport {
  readonly scenario: string;
  readonly file: string;
  /** Which side tcpcraft played (default client). */
  readonly role?: Role;
  /** The main connection's flow (in the server role, with the client learned from its SYN). */
  readonly flow: Flow;
  readonly isns: Isns;
  /** Further connections, by name. */
  readonly connections?: ReadonlyArray<{ readonly name: string; readonly flow: Flow; readonly isns: Isns }>;
  readonly events: readonly TraceEvent[];
  /** ICMP error messages the scenario sent (icmp() steps), in order. */
  readonly icmp?: readonly IcmpEvent[];
  /** The calls app() steps made the target's application do, in the order they were made. */
  readonly app?: readonly AppEvent[];
  readonly passed: boolean;
  readonly failure?: Failure;
  /** Segments from the peer that no step consumed, in arrival order (not a failure by themselves). */
  readonly leftovers: readonly SegmentView[];
  readonly startedUs: bigint;
  readonly durationMs: number;
}

/** One connection's flow and ISNs, as a report lists it. */
export interface ReportedConnection {
  readonly name: string;
  readonly flow: Flow;
  readonly isns: Isns;
}

/** The report of `sc`: the first connection is the main one; no failure means it passed. */
/** An ICMP error message sent by an icmp() step. */
export interface IcmpEvent {
  readonly stepIndex: number;
  readonly conn?: string;
  readonly type: number;
  readonly code: number;
  readonly timestampUs: bigint;
  /** The whole IPv4 packet. */
  readonly bytes: Uint8Array;
}

/** A call of the target's application, made by an app() step. */
export interface AppEvent {
  readonly stepIndex: number;
  readonly conn?: string;
  /** The call in a few words: `write 1000`, `setsockopt TCP_NODELAY 1`. */
  readonly call: string;
  /** When we asked for it. */
  readonly startUs: bigint;
  /** When its reply came (absent: it had not returned when the run ended). */
  readonly endUs?: bigint;
  readonly ret?: number;
  readonly errno?: string;
  /** How long the call took on the target, by its own clock (µs). */
  readonly durationUs?: number;
  /** What a read returned. */
  readonly data?: Uint8Array;
  /** The name it ran under in the background, if it did. */
  readonly background?: string;
}

/** `= 1000`, `= -1 ECONNRESET`, `(still running)`: an app call's result in words. */
export function appResultText(e: AppEvent): string {
  if (e.ret === undefined) return '(did not return)';
  return `= ${e.ret}${e.errno ? ` ${e.errno}` : ''}`;
}

export function makeReport(
  sc: Scenario,
  file: string,
  conns: readonly [ReportedConnection, ...ReportedConnection[]],
  outcome: Pick<RunReport, 'events' | 'leftovers' | 'startedUs' | 'durationMs'> & { readonly failure?: Failure | undefined; readonly icmp?: readonly IcmpEvent[]; readonly app?: readonly AppEvent[] },
): RunReport {
  const [main, ...others] = conns;
  return {
    scenario: sc.name,
    file,
    ...(sc.role ? { role: sc.role } : {}),
    flow: main.flow,
    isns: main.isns,
    ...(others.length ? { connections: others } : {}),
    events: outcome.events,
    ...(outcome.icmp && outcome.icmp.length ? { icmp: outcome.icmp } : {}),
    ...(outcome.app && outcome.app.length ? { app: outcome.app } : {}),
    passed: outcome.failure === undefined,
    ...(outcome.failure ? { failure: outcome.failure } : {}),
    leftovers: outcome.leftovers,
    startedUs: outcome.startedUs,
    durationMs: outcome.durationMs,
  };
}
