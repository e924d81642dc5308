/**
 * Mealy machines for active learning (issue 27): a deterministic, complete machine whose states
 * are numbered 0..n-1 (0 is the initial one), with a transition and an output for every
 * (state, input). Pure: no I/O, nothing but arrays.
 *
 * Besides the type: running a word, a seeded generator of random connected machines (for tests
 * and benchmarks of the learner), minimisation by partition refinement and an equivalence check
 * that gives a shortest distinguishing word.
 */

export interface Mealy {
  /** The input alphabet; an input is named by its string, indexed by its position here. */
  readonly inputs: readonly string[];
  /** `next[s][i]`: the state reached from `s` on `inputs[i]`. */
  readonly next: ReadonlyArray<readonly number[]>;
  /** `out[s][i]`: the output emitted from `s` on `inputs[i]`. */
  readonly out: ReadonlyArray<readonly string[]>;
}

/** The number of states. */
export function size(m: Mealy): number {
  return m.next.length;
}

/** The position of `input` in the machine's alphabet (throws on an unknown input: a caller bug). */
export function inputIndex(m: Mealy, input: string): number {
  const i = m.inputs.indexOf(input);
  if (i < 0) throw new RangeError(`input ${JSON.stringify(input)} is not in the alphabet`);
  return i;
}

/** One transition. */
export function step(m: Mealy, state: number, input: string): { next: number; output: string } {
  const i = inputIndex(m, input);
  return { next: m.next[state]![i]!, output: m.out[state]![i]! };
}

/** A shortest word reaching each state from 0 (breadth first, inputs in alphabet order); undefined for unreachable states. */
export function accessWords(m: Mealy): Array<string[] | undefined> {
  const words: Array<string[] | undefined> = new Array(size(m)).fill(undefined);
  words[0] = [];
  const queue = [0];
  for (let k = 0; k < queue.length; k++) {
    const s = queue[k]!;
    m.next[s]!.forEach((t, i) => {
      if (words[t] === undefined) {
        words[t] = [...words[s]!, m.inputs[i]!];
        queue.push(t);
      }
    });
  }
  return words;
}

/** The output word the machine answers `word` with, from its initial state. */
export function run(m: Mealy, word: readonly string[]): string[] {
  const outs: string[] = [];
  let s = 0;
  for (const a of word) {
    const t = step(m, s, a);
    outs.push(t.output);
    s = t.next;
  }
  return outs;
}

/** The state reached from the initial one after `word`. */
export function reach(m: Mealy, word: readonly string[]): number {
  let s = 0;
  for (const a of word) s = m.next[s]![inputIndex(m, a)]!;
  return s;
}

/**
 * A small seeded PRNG (the mulberry32 construction: a Weyl sequence scrambled by two
 * multiply-xorshift rounds), returning floats in [0, 1). Good enough for tests; not for secrets.
 */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
function pick(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/**
 * A random complete Mealy machine with `states` states, every one reachable from state 0, over
 * `inputs`, whose outputs are drawn from `outputs` names o0..o(k-1) (all of them used when there
 * are at least k transitions). The same seed gives the same machine. Not necessarily minimal.
 */
export function randomMealy(opts: { states: number; inputs: readonly string[]; outputs: number; seed: number }): Mealy {
  const { states: n, inputs, outputs: k } = opts;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('a machine needs at least one state');
  if (inputs.length < 1) throw new RangeError('a machine needs at least one input');
  if (!Number.isInteger(k) || k < 1) throw new RangeError('a machine needs at least one output');
  const rand = prng(opts.seed);
  const m = inputs.length;
  const next: number[][] = Array.from({ length: n }, () => new Array<number>(m).fill(-1));
  // A random spanning tree first: state s hangs off a free slot of some already-placed state.
  // The placed states 0..s-1 have s*m slots of which s-1 are used, so a free one always exists.
  for (let s = 1; s < n; s++) {
    const free: Array<[number, number]> = [];
    for (let p = 0; p < s; p++) for (let i = 0; i < m; i++) if (next[p]![i] === -1) free.push([p, i]);
    const [p, i] = free[pick(rand, free.length)]!;
    next[p]![i] = s;
  }
  for (const row of next) for (let i = 0; i < m; i++) if (row[i] === -1) row[i] = pick(rand, n);
  // Outputs: a shuffled prefix of the transitions gets each output once, the rest are random.
  const names = Array.from({ length: k }, (_, j) => `o${j}`);
  const out: string[][] = Array.from({ length: n }, () => Array.from({ length: m }, () => names[pick(rand, k)]!));
  const slots = Array.from({ length: n * m }, (_, j) => j);
  for (let j = slots.length - 1; j > 0; j--) {
    const r = pick(rand, j + 1);
    [slots[j], slots[r]] = [slots[r]!, slots[j]!];
  }
  for (let j = 0; j < Math.min(k, slots.length); j++) out[Math.floor(slots[j]! / m)]![slots[j]! % m] = names[j]!;
  return { inputs: [...inputs], next, out };
}

/** The states reachable from 0, in breadth-first order (inputs in alphabet order). */
function reachable(m: Mealy): number[] {
  const order = [0];
  const seen = new Set(order);
  for (let h = 0; h < order.length; h++) {
    for (const t of m.next[order[h]!]!) if (!seen.has(t)) seen.add(t), order.push(t);
  }
  return order;
}

/**
 * The minimal machine equivalent to `m`: unreachable states dropped, then states merged by
 * partition refinement (Moore: split blocks by outputs, then by the blocks of the successors,
 * until nothing splits). States are renumbered in breadth-first order from the initial one.
 */
export function minimize(m: Mealy): Mealy {
  const live = reachable(m);
  const block = new Map<number, number>();
  // Round 0: the output rows; each later round: own block and the successors' blocks.
  const refine = (sig: (s: number) => string): number => {
    const ids = new Map<string, number>();
    const fresh = new Map<number, number>();
    for (const s of live) {
      const key = sig(s);
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      fresh.set(s, id);
    }
    for (const [s, id] of fresh) block.set(s, id);
    return ids.size;
  };
  let count = refine((s) => JSON.stringify(m.out[s]));
  for (;;) {
    const before = count;
    const snapshot = new Map(block);
    count = refine((s) => `${snapshot.get(s)}|${m.next[s]!.map((t) => snapshot.get(t)).join(',')}`);
    if (count === before) break;
  }
  // Renumber blocks in breadth-first order of their first reached member.
  const number = new Map<number, number>();
  const rep: number[] = [];
  for (const s of live) {
    const b = block.get(s)!;
    if (!number.has(b)) number.set(b, rep.length), rep.push(s);
  }
  return {
    inputs: [...m.inputs],
    next: rep.map((s) => m.next[s]!.map((t) => number.get(block.get(t)!)!)),
    out: rep.map((s) => [...m.out[s]!]),
  };
}

/**
 * Whether `a` and `b` answer every word alike: `undefined` when they do, otherwise a shortest
 * word on which their last outputs differ (breadth-first search of the pairs of states). Both
 * must have the same inputs (in any order).
 */
export function equivalent(a: Mealy, b: Mealy): string[] | undefined {
  if (a.inputs.length !== b.inputs.length || a.inputs.some((x) => !b.inputs.includes(x))) {
    throw new RangeError('the two machines have different input alphabets');
  }
  return shortestDifference(a, 0, b, 0);
}

/** A shortest word on which states `s` and `t` of `m` give different outputs, or undefined when they are equivalent. */
export function separatingWord(m: Mealy, s: number, t: number): string[] | undefined {
  return shortestDifference(m, s, m, t);
}

/** Breadth-first search of the pairs of states from (sa, sb) for the first transition whose outputs differ. */
function shortestDifference(a: Mealy, sa: number, b: Mealy, sb: number): string[] | undefined {
  const toB = a.inputs.map((x) => b.inputs.indexOf(x));
  const nb = size(b);
  const key = (p: number, q: number): number => p * nb + q;
  // for each pair seen, the link it was first reached by (null for the start pair)
  const from = new Map<number, { prev: number; input: number } | null>([[key(sa, sb), null]]);
  const queue: Array<[number, number]> = [[sa, sb]];
  const wordTo = (k: number, last: number): string[] => {
    const w = [a.inputs[last]!];
    for (let link = from.get(k); link; link = from.get(link.prev)) w.push(a.inputs[link.input]!);
    return w.reverse();
  };
  for (let h = 0; h < queue.length; h++) {
    const [p, q] = queue[h]!;
    for (let i = 0; i < a.inputs.length; i++) {
      const j = toB[i]!;
      if (a.out[p]![i] !== b.out[q]![j]) return wordTo(key(p, q), i);
      const k = key(a.next[p]![i]!, b.next[q]![j]!);
      if (!from.has(k)) {
        from.set(k, { prev: key(p, q), input: i });
        queue.push([a.next[p]![i]!, b.next[q]![j]!]);
      }
    }
  }
  return undefined;
}
