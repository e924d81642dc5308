/**
 * The kill matrix: the conformance suite against every mutant of the reference stack
 * (src/reference/mutants.ts), in memory. A mutant is killed by a scenario that passes against the
 * pure reference and fails (or errs) against the mutant; a scenario that becomes N/A does not kill
 * it (the suite only decided the feature was absent). From the kills, each requirement's status:
 * `shown` when every mutant of the requirement is killed by a scenario naming the requirement,
 * and those scenarios pass against the pure reference.
 */
import { MUTANTS, type Mutant } from '../reference/mutants.js';
import type { ReferenceSettings } from '../reference/settings.js';
import { requirementIds } from './requirements.js';
import { referenceBackend } from './backend.js';
import { runSuite, type SuiteEntry } from './runner.js';
import type { Verdict } from './result.js';

/** What one mutant did to the suite. */
export interface MutantResult {
  readonly mutant: Mutant;
  /** Scenarios (files) that pass on the pure reference and fail or err against the mutant. */
  readonly killedBy: readonly string[];
  /** Of those, the ones whose `rfc:` names the mutant's requirement. */
  readonly killedByOwn: readonly string[];
  /** Scenarios that became N/A against it (not kills). */
  readonly madeNa: readonly string[];
}

export interface KillMatrix {
  /** The verdict of every scenario against the pure reference. */
  readonly baseline: ReadonlyMap<string, Verdict>;
  readonly mutants: readonly MutantResult[];
  readonly wallMs: number;
}

/** True when scenario `rfc` text names `requirement` (an Appendix B ID, or an RFC section string). */
export function names(rfc: string | undefined, requirement: string): boolean {
  return /^(MUST|SHLD|MAY|REC)-\d+$/.test(requirement) ? requirementIds(rfc).includes(requirement) : (rfc ?? '').includes(requirement);
}

/** The verdict of each entry (by file) against the reference with `settings`. */
async function verdicts(entries: readonly SuiteEntry[], settings: Mutant['settings']): Promise<Map<string, Verdict>> {
  const o = await runSuite(entries, { backend: referenceBackend(settings), target: 'reference', learnFeatures: true });
  return new Map(o.results.map((r) => [r.file, r.verdict]));
}

/**
 * Runs `entries` against the pure reference and against each of `mutants` (default: all), every
 * one with `base` changed from the RFCs' defaults (e.g. {@link SLOWEST_TIMERS}).
 */
export async function killMatrix(entries: readonly SuiteEntry[], mutants: readonly Mutant[] = MUTANTS, progress?: (done: number, total: number) => void, base: Partial<ReferenceSettings> = {}): Promise<KillMatrix> {
  const t0 = performance.now();
  const baseline = await verdicts(entries, base);
  const rfcOf = new Map(entries.map((e) => [e.file, e.scenario?.rfc]));
  const results: MutantResult[] = [];
  for (const [i, mutant] of mutants.entries()) {
    const v = await verdicts(entries, { ...base, ...mutant.settings, faults: [...(base.faults ?? []), ...(mutant.settings.faults ?? [])] });
    const killedBy = [...v].filter(([f, verdict]) => baseline.get(f) === 'pass' && (verdict === 'fail' || verdict === 'error')).map(([f]) => f);
    results.push({
      mutant,
      killedBy,
      killedByOwn: killedBy.filter((f) => names(rfcOf.get(f), mutant.requirement)),
      madeNa: [...v].filter(([f, verdict]) => baseline.get(f) === 'pass' && verdict === 'na').map(([f]) => f),
    });
    progress?.(i + 1, mutants.length);
  }
  return { baseline, mutants: results, wallMs: performance.now() - t0 };
}

/** How far the suite shows a requirement. */
export type CoverageStatus = 'shown' | 'claimed' | 'untestable';

/**
 * The status of `requirement`: `shown` when it has mutants, every one is killed by a scenario
 * naming it, and every scenario naming it passes against the pure reference; `claimed` when a
 * scenario names it but that is not shown; `untestable` when no scenario names it.
 */
export function statusOf(requirement: string, m: KillMatrix, rfcOf: ReadonlyMap<string, string | undefined>): CoverageStatus {
  const tagged = [...rfcOf].filter(([, rfc]) => names(rfc, requirement)).map(([f]) => f);
  if (tagged.length === 0) return 'untestable';
  const own = m.mutants.filter((r) => r.mutant.requirement === requirement);
  const allPass = tagged.every((f) => m.baseline.get(f) === 'pass');
  return own.length > 0 && allPass && own.every((r) => r.killedByOwn.length > 0) ? 'shown' : 'claimed';
}
