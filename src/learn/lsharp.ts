/**
 * L# (Vaandrager, Garhewal, Rot and Wißmann, "A New Approach for Active Automata Learning Based on
 * Apartness", TACAS 2022): active learning of a Mealy machine from a teacher that answers output
 * queries (the outputs of a word, from the initial state) and equivalence queries (a
 * counterexample to a hypothesis, or none).
 *
 * Everything learnt lives in an observation tree (a prefix-closed set of words with their
 * outputs). Two tree nodes are *apart* when some word, defined from both, gives different
 * outputs (that word is the witness): they cannot be the same state. The *basis* is a set of
 * pairwise apart nodes (the states found so far, the root first); the *frontier* is the children
 * of basis nodes outside the basis. Each frontier node keeps its candidates: the basis nodes it is
 * not apart from. The rules, tried in this order:
 *
 * - promotion: a frontier node apart from the whole basis joins the basis;
 * - extension: a basis node without a child on some input gets it (one query);
 * - separation: a frontier node with two candidates is sent the witness of their apartness,
 *   so it becomes apart from at least one of them;
 * - equivalence: every frontier node has exactly one candidate, so the basis and the candidates
 *   make a hypothesis; it is checked against the tree, then sent to the teacher; a counterexample
 *   is added to the tree and cut down by binary search until a frontier node becomes apart from
 *   its candidate.
 *
 * Output queries are asynchronous (the system under learning may be a live stack) and cached:
 * a word whose outputs the tree holds (as a prefix of an asked word) is never asked again.
 */
import type { Mealy } from './mealy.js';

export interface Teacher {
  readonly inputs: readonly string[];
  /** The outputs of `word` from the initial state (one output per input). */
  query(word: readonly string[]): Promise<readonly string[]>;
  /** A word on which `h` and the system differ, or undefined when none is known. */
  equivalence(h: Mealy): Promise<readonly string[] | undefined>;
  /**
   * Optional: the words about to be asked one by one, all at once, so that a system that can run
   * several queries at a time does (the answers are then expected from `query` at no cost).
   */
  prefetch?(words: ReadonlyArray<readonly string[]>): Promise<void>;
}

export interface LearnOptions {
  /** Give up (throw) after this many equivalence queries (default: unbounded). */
  readonly maxEquivalenceQueries?: number;
  /** Called with every hypothesis before it goes to the teacher. */
  readonly onHypothesis?: (h: Mealy, round: number) => void;
}

export interface LearnResult {
  readonly machine: Mealy;
  /** Output queries asked to the teacher (cache hits not counted). */
  readonly queries: number;
  /** Inputs in those queries. */
  readonly symbols: number;
  readonly equivalenceQueries: number;
}

/** The observation tree: node 0 is the root (the empty word); words are input indices. */
class Tree {
  readonly parent: number[] = [-1];
  readonly via: number[] = [-1];
  readonly child: number[][];
  readonly out: Array<Array<string | undefined>>;

  constructor(readonly width: number) {
    this.child = [new Array<number>(width).fill(-1)];
    this.out = [new Array<string | undefined>(width).fill(undefined)];
  }

  get nodes(): number {
    return this.parent.length;
  }

  /** The node reached by `word` from `from`, or -1 when the tree does not hold it. */
  walk(word: readonly number[], from = 0): number {
    let n = from;
    for (const a of word) if ((n = this.child[n]![a]!) < 0) return -1;
    return n;
  }

  /** The outputs along `word`, or undefined when the tree does not hold all of it. */
  outputs(word: readonly number[]): string[] | undefined {
    const o: string[] = [];
    let n = 0;
    for (const a of word) {
      const c = this.child[n]![a]!;
      if (c < 0) return undefined;
      o.push(this.out[n]![a]!);
      n = c;
    }
    return o;
  }

  /** The access word of a node. */
  access(n: number): number[] {
    const w: number[] = [];
    for (; n > 0; n = this.parent[n]!) w.push(this.via[n]!);
    return w.reverse();
  }

  /** Adds a word and its outputs; returns the nodes on its path (root included). */
  add(word: readonly number[], outs: readonly string[]): number[] {
    const path = [0];
    let n = 0;
    word.forEach((a, k) => {
      const o = outs[k]!;
      let c = this.child[n]![a]!;
      if (c < 0) {
        c = this.parent.length;
        this.parent.push(n);
        this.via.push(a);
        this.child.push(new Array<number>(this.width).fill(-1));
        this.out.push(new Array<string | undefined>(this.width).fill(undefined));
        this.child[n]![a] = c;
        this.out[n]![a] = o;
      } else if (this.out[n]![a] !== o) {
        throw new Error(`the system is not deterministic: ${JSON.stringify(this.out[n]![a])} then ${JSON.stringify(o)} after the same inputs`);
      }
      path.push((n = c));
    });
    return path;
  }

  /** A witness of the apartness of two nodes (a word defined from both with different outputs), or undefined. */
  apart(p: number, q: number): number[] | undefined {
    const todo: Array<[number, number, number[]]> = [[p, q, []]];
    while (todo.length) {
      const [a, b, w] = todo.pop()!;
      for (let i = 0; i < this.width; i++) {
        const ca = this.child[a]![i]!;
        const cb = this.child[b]![i]!;
        if (ca < 0 || cb < 0) continue;
        if (this.out[a]![i] !== this.out[b]![i]) return [...w, i];
        todo.push([ca, cb, [...w, i]]);
      }
    }
    return undefined;
  }
}

/** Learns the teacher's machine with L#. */
export async function learn(teacher: Teacher, opts: LearnOptions = {}): Promise<LearnResult> {
  const inputs = [...teacher.inputs];
  if (inputs.length === 0) throw new RangeError('L# needs at least one input');
  if (new Set(inputs).size !== inputs.length) throw new RangeError('the inputs must be distinct');
  const width = inputs.length;
  const tree = new Tree(width);
  const basis: number[] = [0];
  const inBasis = new Set<number>([0]);
  /** Frontier nodes seen so far and their candidates (basis nodes they are not apart from). */
  const cands = new Map<number, Set<number>>();
  let queries = 0;
  let symbols = 0;
  let equivalenceQueries = 0;

  const toIdx = (word: readonly string[]): number[] =>
    word.map((x) => {
      const i = inputs.indexOf(x);
      if (i < 0) throw new RangeError(`the counterexample has an unknown input ${JSON.stringify(x)}`);
      return i;
    });

  /** Outputs of a word: from the tree when it holds them, else asked (and the candidates refreshed). */
  const ask = async (word: readonly number[]): Promise<void> => {
    if (tree.walk(word) >= 0) return;
    const outs = await teacher.query(word.map((i) => inputs[i]!));
    if (outs.length !== word.length) throw new Error(`the system answered ${outs.length} outputs to ${word.length} inputs`);
    queries++;
    symbols += word.length;
    const path = new Set(tree.add(word, outs));
    // Only nodes on the path have new futures, so only pairs touching it can become apart.
    for (const [f, cs] of cands) {
      for (const b of cs) if ((path.has(f) || path.has(b)) && tree.apart(f, b)) cs.delete(b);
    }
  };

  const prefetch = async (words: readonly number[][]): Promise<void> => {
    if (!teacher.prefetch || words.length < 2) return;
    await teacher.prefetch(words.filter((w) => tree.walk(w) < 0).map((w) => w.map((i) => inputs[i]!)));
  };

  /** The frontier: children of basis nodes outside the basis (their candidates computed on first sight). */
  const frontier = (): number[] => {
    const fs: number[] = [];
    for (const b of basis) {
      for (const c of tree.child[b]!) {
        if (c < 0 || inBasis.has(c)) continue;
        if (!cands.has(c)) cands.set(c, new Set(basis.filter((q) => !tree.apart(c, q))));
        fs.push(c);
      }
    }
    return fs;
  };

  const promote = (f: number): void => {
    cands.delete(f);
    basis.push(f);
    inBasis.add(f);
    for (const [g, cs] of cands) if (!tree.apart(g, f)) cs.add(f);
  };

  const hypothesis = (): Mealy => {
    const index = new Map(basis.map((b, k) => [b, k] as const));
    const stateOf = (c: number): number => index.get(c) ?? index.get([...cands.get(c)!][0]!)!;
    return {
      inputs,
      next: basis.map((b) => tree.child[b]!.map(stateOf)),
      out: basis.map((b) => tree.out[b]!.map((o) => o!)),
    };
  };

  /** A word of the tree on whose last output `h` disagrees with the tree, or undefined. */
  const inconsistency = (h: Mealy): number[] | undefined => {
    const todo: Array<[number, number]> = [[0, 0]];
    for (let k = 0; k < todo.length; k++) {
      const [n, s] = todo[k]!;
      for (let i = 0; i < width; i++) {
        const c = tree.child[n]![i]!;
        if (c < 0) continue;
        if (tree.out[n]![i] !== h.out[s]![i]) return [...tree.access(n), i];
        todo.push([c, h.next[s]![i]!]);
      }
    }
    return undefined;
  };

  /** The hypothesis state (as a basis node) after a word. */
  const hypNode = (h: Mealy, word: readonly number[]): number => {
    let s = 0;
    for (const a of word) s = h.next[s]![a]!;
    return basis[s]!;
  };

  /**
   * Cuts a counterexample down: `word` is in the tree and its node is apart from the hypothesis
   * state it leads to. Halve the part beyond the frontier until the node reached is in the frontier
   * (then that frontier node is apart from its candidate: progress).
   */
  const shrink = async (h: Mealy, word: number[]): Promise<void> => {
    for (;;) {
      const r = tree.walk(word);
      const q = hypNode(h, word);
      if (inBasis.has(r) || cands.has(r)) return;
      let k = 0; // the length of the prefix reaching the frontier
      for (let n = 0; inBasis.has(n); n = tree.child[n]![word[k++]!]!);
      const mid = Math.floor((k + word.length) / 2);
      const w1 = word.slice(0, mid);
      const w2 = word.slice(mid);
      const q1 = hypNode(h, w1);
      const r1 = tree.walk(w1);
      const eta = tree.apart(q, r);
      if (!eta) throw new Error('L#: counterexample processing lost its apartness (a bug)');
      const acc = tree.access(q1);
      await ask([...acc, ...w2, ...eta]);
      word = tree.apart(q1, r1) ? w1 : [...acc, ...w2];
    }
  };

  for (;;) {
    const fs = frontier();
    // promotion
    const isolated = fs.find((f) => cands.get(f)!.size === 0);
    if (isolated !== undefined) {
      promote(isolated);
      continue;
    }
    // extension
    const missing: number[][] = [];
    for (const b of basis) for (let i = 0; i < width; i++) if (tree.child[b]![i]! < 0) missing.push([...tree.access(b), i]);
    if (missing.length) {
      await prefetch(missing);
      for (const w of missing) await ask(w);
      continue;
    }
    // separation: one word per ambiguous frontier node, asked together
    const ambiguous = fs.filter((f) => cands.get(f)!.size >= 2);
    if (ambiguous.length) {
      const words = ambiguous.map((f) => {
        const [q1, q2] = [...cands.get(f)!];
        return [...tree.access(f), ...tree.apart(q1!, q2!)!];
      });
      // Each word separates its own node's first two candidates: all of them are steps L# would
      // take one after the other, asked together (the answers are in the tree after the prefetch).
      await prefetch(words);
      for (const w of words) await ask(w);
      continue;
    }
    // equivalence
    const h = hypothesis();
    let cex = inconsistency(h);
    if (!cex) {
      if (opts.maxEquivalenceQueries !== undefined && equivalenceQueries >= opts.maxEquivalenceQueries) {
        throw new Error(`L#: no agreement after ${equivalenceQueries} equivalence queries`);
      }
      opts.onHypothesis?.(h, equivalenceQueries);
      equivalenceQueries++;
      const answer = await teacher.equivalence(h);
      if (!answer) return { machine: h, queries, symbols, equivalenceQueries };
      const word = toIdx(answer);
      await ask(word);
      cex = inconsistency(h);
      if (!cex) throw new Error(`L#: the counterexample ${JSON.stringify(answer)} agrees with the hypothesis`);
    }
    // The last output of cex differs: the node before it is apart from its hypothesis state.
    await shrink(h, cex.slice(0, -1));
  }
}
