/** What a run or a plan produced: the events on the flow and the verdict. */
import type { ExpectStep } from '../scenario/types.js';
import type { Flow } from './flow.js';
import type { FieldDiff } from './match.js';
import type { Isns } from './numbering.js';
import type { SegmentView } from './state.js';

/** One packet in the exchange. */
export interface TraceEvent {
  /** `sent` by a step, `received` and matched by a step, `unmatched` (seen, matched nothing), `cleanup` (our closing RST). */
  readonly kind: 'sent' | 'received' | 'unmatched' | 'cleanup';
  /** Index of the step that sent or matched it. */
  readonly stepIndex?: number;
  readonly view: SegmentView;
}

/** Why a run failed. */
export type Failure =
  | {
      readonly kind: 'mismatch';
      readonly stepIndex: number;
      readonly step: ExpectStep;
      /** The segment that arrived instead, and how it differs (from each candidate expectation). */
      readonly actual: SegmentView;
      readonly diffs: readonly FieldDiff[];
    }
  | {
      readonly kind: 'timeout';
      readonly stepIndex: number;
      readonly step: ExpectStep;
      readonly waitedMs: number;
    }
  | { readonly kind: 'error'; readonly stepIndex?: number; readonly message: string };

/** The outcome of running (or planning) a scenario. */
export interface RunReport {
  readonly scenario: string;
  readonly file: string;
  readonly flow: Flow;
  readonly isns: Isns;
  readonly events: readonly TraceEvent[];
  readonly passed: boolean;
  readonly failure?: Failure;
  /** Segments from the peer that no step consumed, in arrival order (not a failure by themselves). */
  readonly leftovers: readonly SegmentView[];
  readonly startedUs: bigint;
  readonly durationMs: number;
}
