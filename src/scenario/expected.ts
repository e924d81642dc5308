/**
 * Which expected failure of a scenario applies to a target. A key of `expectedFailures` is a
 * target name (`linux`), or a target name with the first kernel release it applies to
 * (`linux>=6.17`: a behaviour a kernel release introduced, so the mark follows the kernel a
 * machine runs, not only the target's name). Pure: the caller knows the target's release.
 */
import type { PinnedFailure, Scenario } from './types.js';

/** A mark as a scenario gives it, read: its reason, and its pin when it has one. */
export interface ExpectedMark {
  readonly why: string;
  readonly step?: number;
  readonly field?: string;
}

const markOf = (v: string | PinnedFailure): ExpectedMark => (typeof v === 'string' ? { why: v } : { why: v.why, step: v.step, ...(v.field !== undefined ? { field: v.field } : {}) });

/** `NAME` or `NAME>=X.Y[.Z]`. */
export const EXPECTED_KEY = /^([A-Za-z0-9][A-Za-z0-9_-]*)(?:>=(\d+(?:\.\d+)*))?$/;

/** Compares dotted release numbers ('6.18.44-fc' reads as 6.18.44): <0, 0, >0. */
export function compareRelease(a: string, b: string): number {
  const parts = (s: string): number[] => (/^\d+(?:\.\d+)*/.exec(s)?.[0] ?? '0').split('.').map(Number);
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The reason `sc` is marked to fail on `target` whose stack runs kernel `release` (undefined when
 * unknown: only plain keys apply then). A plain key wins over a qualified one.
 */
export function expectedFailureOn(sc: Pick<Scenario, 'expectedFailures'>, target: string, release?: string): string | undefined {
  return expectedMarkOn(sc, target, release)?.why;
}

/** The whole mark (reason and pin) of `sc` for `target`, as {@link expectedFailureOn} finds it. */
export function expectedMarkOn(sc: Pick<Scenario, 'expectedFailures'>, target: string, release?: string): ExpectedMark | undefined {
  const marks = sc.expectedFailures ?? {};
  const plain = marks[target];
  if (plain !== undefined) return markOf(plain);
  for (const [key, mark] of Object.entries(marks)) {
    const m = EXPECTED_KEY.exec(key);
    if (m && m[1] === target && m[2] !== undefined && release !== undefined && compareRelease(release, m[2]) >= 0) return markOf(mark);
  }
  return undefined;
}
