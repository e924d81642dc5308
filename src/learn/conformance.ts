/**
 * Equivalence oracles for a black box: with nothing but output queries, an equivalence query is
 * approximated by testing. Here: random walks (random words of random lengths, compared with the
 * hypothesis), a budget of walks, seeded so a run can be repeated.
 */
import { prng, run, type Mealy } from './mealy.js';

export type OutputQuery = (word: readonly string[]) => Promise<readonly string[]>;

export interface RandomWalkOptions {
  /** The PRNG seed (the walks of successive calls continue the same stream). */
  readonly seed: number;
  /** How many words to try per equivalence query. */
  readonly walks: number;
  /** The longest word; lengths are drawn uniformly in 1..maxLength. */
  readonly maxLength: number;
}

/**
 * An equivalence oracle by random walks: for a hypothesis, tries `walks` random words on the
 * system (through `query`) and returns the first one on which the outputs differ, cut after the
 * first differing output, or undefined when all agreed (which proves nothing beyond the budget).
 */
export function randomWalkOracle(
  query: OutputQuery,
  inputs: readonly string[],
  opts: RandomWalkOptions,
): (h: Mealy) => Promise<string[] | undefined> {
  if (inputs.length === 0) throw new RangeError('random walks need at least one input');
  if (!(opts.maxLength >= 1)) throw new RangeError('maxLength must be at least 1');
  const rand = prng(opts.seed);
  return async (h) => {
    for (let k = 0; k < opts.walks; k++) {
      const length = 1 + Math.floor(rand() * opts.maxLength);
      const word = Array.from({ length }, () => inputs[Math.floor(rand() * inputs.length)]!);
      const expected = run(h, word);
      const got = await query(word);
      const at = expected.findIndex((o, j) => o !== got[j]);
      if (at >= 0) return word.slice(0, at + 1);
    }
    return undefined;
  };
}
