/**
 * Equivalence oracles for a black box: with nothing but output queries, an equivalence query is
 * approximated by testing. Two here:
 *
 * - random walks: random words of random lengths compared with the hypothesis, a budget of walks,
 *   seeded so a run can be repeated;
 * - a complete test suite in the style of the Wp/HSI methods: if the system has at most
 *   `extraStates` more states than the hypothesis, passing it proves equivalence.
 */
import { accessWords, prng, run, separatingWord, size, type Mealy } from './mealy.js';

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


/**
 * The test words of a complete suite for `h` under the hypothesis that the system has at most
 * `extraStates` more states: every state reached by its access word, then every transition
 * followed by every word of up to `extraStates` inputs, each followed by the separating words of
 * the state reached from every other state (a harmonised family of separating words, as in the
 * HSI method; Wp refines this with a global set, which the pairwise family already covers).
 * Words that are prefixes of other words are dropped (their outputs come with the longer one).
 */
export function completeTestSuite(h: Mealy, extraStates: number): string[][] {
  const n = size(h);
  const access = accessWords(h);
  // pairwise separating words, shared by both states of a pair (so the family is harmonised)
  const sep: string[][][] = Array.from({ length: n }, () => []);
  for (let s = 0; s < n; s++) {
    for (let t = s + 1; t < n; t++) {
      const w = separatingWord(h, s, t);
      if (w) sep[s]!.push(w), sep[t]!.push(w);
    }
  }
  const reachFrom = (s: number, w: readonly string[]): number => w.reduce((q, x) => h.next[q]![h.inputs.indexOf(x)]!, s);
  const words: string[][] = [];
  const middles: string[][] = [[]];
  for (let len = 1, layer: string[][] = [[]]; len <= extraStates + 1; len++) {
    layer = layer.flatMap((w) => h.inputs.map((x) => [...w, x]));
    middles.push(...layer);
  }
  for (const p of access) {
    if (p === undefined) continue;
    for (const mid of middles) {
      const prefix = [...p, ...mid];
      const ids = sep[reachFrom(0, prefix)]!;
      if (ids.length === 0) words.push(prefix);
      for (const w of ids) words.push([...prefix, ...w]);
    }
  }
  // keep only the maximal words: sort so a word comes right before its extensions
  const key = (w: readonly string[]): string => w.map((x) => `${x}\u0000`).join('');
  const sorted = [...new Map(words.map((w) => [key(w), w] as const))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.filter(([k], j) => !(sorted[j + 1]?.[0].startsWith(k) ?? false)).map(([, w]) => w);
}

/**
 * An equivalence oracle running {@link completeTestSuite}: exact when the system has at most
 * `extraStates` more states than each hypothesis. Returns the first failing word, cut after its
 * first differing output.
 */
export function completeSuiteOracle(
  query: OutputQuery,
  opts: { readonly extraStates: number },
): (h: Mealy) => Promise<string[] | undefined> {
  if (!Number.isInteger(opts.extraStates) || opts.extraStates < 0) throw new RangeError('extraStates must be a natural number');
  return async (h) => {
    for (const word of completeTestSuite(h, opts.extraStates)) {
      const expected = run(h, word);
      const got = await query(word);
      const at = expected.findIndex((o, j) => o !== got[j]);
      if (at >= 0) return word.slice(0, at + 1);
    }
    return undefined;
  };
}
