/**
 * Comparing learned machines (issue 27): where two stacks' machines answer the same word
 * differently, and which RFC 9293 state a learned state is. Pure: no I/O, nothing but arrays.
 *
 * {@link differences} walks both machines together from their initial states along the words
 * they answer alike, and lists each place where one input then gets two different answers, with
 * a shortest word that gets there: each is a scenario waiting to be written (src/session/emit.ts
 * writes it from the word's trace). {@link rfcLabels} carries the reference's RFC state names over
 * to a target's machine where the match is plain to see.
 */
import { UsageError } from '../errors.js';
import { accessWords, reach, run, size, type Mealy } from './mealy.js';

/** One place where two machines part: after `word` minus its last input, `input` gets two answers. */
export interface Difference {
  /** A shortest word that shows it: both machines answer all but its last input alike. */
  word: string[];
  /** The last input of `word`. */
  input: string;
  /** The state of the first machine before `input`. */
  stateA: number;
  /** The state of the second machine before `input`. */
  stateB: number;
  /** The first machine's answer to `input`. */
  outputA: string;
  /** The second machine's answer to `input`. */
  outputB: string;
}

/**
 * For each input of `a`, its position in `b`'s alphabet. Throws a UsageError naming the inputs
 * only one of them has when the alphabets differ (the order may differ).
 */
function alignInputs(a: Mealy, b: Mealy): number[] {
  const onlyA = a.inputs.filter((x) => !b.inputs.includes(x));
  const onlyB = b.inputs.filter((x) => !a.inputs.includes(x));
  if (onlyA.length || onlyB.length || a.inputs.length !== b.inputs.length) {
    const list = (xs: readonly string[]): string => (xs.length ? xs.map((x) => JSON.stringify(x)).join(', ') : 'none');
    throw new UsageError(`the two machines have different input alphabets: only the first has ${list(onlyA)}; only the second has ${list(onlyB)}`);
  }
  return a.inputs.map((x) => b.inputs.indexOf(x));
}

/**
 * Every place where `a` and `b` part: a breadth-first walk over pairs of states from (0, 0) that
 * follows only the transitions on which both give the same output. For each pair reached (by its
 * shortest word w) and each input x the two answer differently, one {@link Difference} with word
 * w + [x]; at most one per (state of `a`, input), the first found, which is a shortest one.
 * Ordered by word length, then by discovery (pairs in breadth-first order, inputs in `a`'s
 * order). Empty when the machines are equivalent. Words use `a`'s input names; both alphabets
 * must hold the same inputs (a UsageError otherwise).
 */
export function differences(a: Mealy, b: Mealy): Difference[] {
  const toB = alignInputs(a, b);
  const nb = size(b);
  const key = (p: number, q: number): number => p * nb + q;
  // The word each pair was first reached by; a pair's word is one of the shortest.
  const words = new Map<number, string[]>([[key(0, 0), []]]);
  const queue: Array<[number, number]> = [[0, 0]];
  const seen = new Set<string>();
  const found: Difference[] = [];
  for (let h = 0; h < queue.length; h++) {
    const [p, q] = queue[h]!;
    const w = words.get(key(p, q))!;
    for (let i = 0; i < a.inputs.length; i++) {
      const j = toB[i]!;
      const x = a.inputs[i]!;
      const outA = a.out[p]![i]!;
      const outB = b.out[q]![j]!;
      if (outA !== outB) {
        const once = `${p}/${i}`;
        if (!seen.has(once)) {
          seen.add(once);
          found.push({ word: [...w, x], input: x, stateA: p, stateB: q, outputA: outA, outputB: outB });
        }
        continue;
      }
      const pn = a.next[p]![i]!;
      const qn = b.next[q]![j]!;
      if (!words.has(key(pn, qn))) {
        words.set(key(pn, qn), [...w, x]);
        queue.push([pn, qn]);
      }
    }
  }
  // Breadth-first order already gives nondecreasing lengths; the stable sort only makes it explicit.
  return found.map((d, n) => ({ d, n })).sort((u, v) => u.d.word.length - v.d.word.length || u.n - v.n).map((u) => u.d);
}


/** True when state `s` of `a` and state `t` of `b` answer every word of one or two inputs alike. */
function agreeOneDeep(a: Mealy, s: number, b: Mealy, t: number, toB: readonly number[]): boolean {
  for (let i = 0; i < a.inputs.length; i++) if (a.out[s]![i] !== b.out[t]![toB[i]!]) return false;
  return true;
}

/**
 * RFC state names for the states of `target`, taken from `ref` (whose state r is named
 * `refLabels[r]`, undefined where it has none): each target state is reached by its shortest
 * access word, and gets the name of the reference state that word reaches, but only where the
 * match is evident: both machines answer the access word alike, and the two states answer every
 * input alike. Where only the access word agrees, the name with a question mark (`LISTEN?`): the
 * state the RFC has there, answering some input otherwise (where to look for a violation).
 * Otherwise (and for unreachable states) undefined. Both
 * alphabets must hold the same inputs (a UsageError otherwise).
 */
export function rfcLabels(target: Mealy, ref: Mealy, refLabels: ReadonlyArray<string | undefined>): Array<string | undefined> {
  const toRef = alignInputs(target, ref);
  return accessWords(target).map((w, s) => {
    if (w === undefined) return undefined;
    const outT = run(target, w);
    const outR = run(ref, w);
    if (outT.some((o, n) => o !== outR[n])) return undefined;
    const r = reach(ref, w);
    const name = refLabels[r];
    if (name === undefined) return undefined;
    return agreeOneDeep(target, s, ref, r, toRef) ? name : `${name}?`;
  });
}
