/**
 * Learning a real system (issue 27): L# (lsharp.ts) behind a cache that never lets a
 * non-deterministic answer through unnoticed, and an equivalence oracle by randomised Wp-style
 * testing with a budget. Pure: the system is a function from words to outputs.
 *
 * Every answer goes into a prefix tree. When a new answer disagrees with what the tree holds for
 * a common prefix, the word is asked again `repeats` times and the outputs of the prefix are put
 * to a vote: a strict majority settles it (the tree is corrected and learning starts over from the
 * tree, which costs no queries), anything else stops learning with a {@link NondeterminismError}
 * that lists the sequences and what came back how often. Each settled vote is recorded, so the
 * report shows where the system wavered.
 */
import { differences } from './compare.js';
import { completeTestSuite } from './conformance.js';
import { learn, type Teacher } from './lsharp.js';
import { accessWords, prng, run, separatingWord, size, type Mealy } from './mealy.js';

/** A system under learning: runs words from its initial state (several at once where it can). */
export interface System {
  readonly inputs: readonly string[];
  /** The outputs of each word (one per input), in the order given. */
  queryMany(words: ReadonlyArray<readonly string[]>): Promise<string[][]>;
}

/** Where the system answered the same inputs differently. */
export interface Wavering {
  readonly word: readonly string[];
  /** Each distinct answer to the word's last input (with the ones before), and how often it came. */
  readonly outputs: ReadonlyArray<{ readonly outputs: readonly string[]; readonly count: number }>;
  /** True when a majority settled it. */
  readonly settled: boolean;
}

export class NondeterminismError extends Error {
  override readonly name = 'NondeterminismError';
  constructor(readonly wavering: readonly Wavering[]) {
    const last = wavering[wavering.length - 1]!;
    super(
      `the target answered the same inputs differently, with no majority: ${last.word.join(' ')} → ` +
        last.outputs.map((o) => `${o.outputs.join(' ')} (${o.count}×)`).join(' | '),
    );
  }
}

/** How to learn. */
export interface DriveOptions {
  /** Votes asked when answers disagree (default 5). */
  readonly repeats?: number;
  /** Random test words per equivalence query (default 200). */
  readonly walks?: number;
  /** Mean length of the random middle part of a test word (default 3). */
  readonly infix?: number;
  /**
   * A machine the system is expected to be close to (for a stack: the reference's, over the same
   * inputs). Each hypothesis is first tested on the words where it and the guide part: where the
   * system sides with the guide, the hypothesis is wrong. Cheap, and aimed where random words
   * rarely go (states several inputs deep that the hypothesis merged).
   */
  readonly guide?: Mealy;
  /**
   * After the random words, the complete test suite for this many extra states (exact when the
   * system has at most that many states more than the hypothesis). Its size grows with
   * inputs^(extra+1): for systems in memory.
   */
  readonly extraStates?: number;
  /** Seed of the test words (default 1). */
  readonly seed?: number;
  /** Words asked at once during equivalence testing (default 1). */
  readonly batch?: number;
  /** Stop (throw) once this many words were asked of the system (default: no bound). */
  readonly maxQueries?: number;
  /** Aborting stops learning before the next query (drive then rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Also call onProgress (with `tick`) when this long passed without a hypothesis, ms (default 10 s). */
  readonly tickMs?: number;
  /** Called after each hypothesis with its size and the counts so far. */
  readonly onProgress?: (p: Progress) => void;
}

export interface Progress {
  /** Between hypotheses (a tick of {@link DriveOptions.tickMs}): the last hypothesis's size. */
  readonly tick?: boolean;
  /** Answers put to a vote so far, and restarts. */
  readonly votes?: number;
  readonly restarts?: number;
  readonly states: number;
  readonly queries: number;
  readonly symbols: number;
  readonly round: number;
}

export interface DriveResult {
  readonly machine: Mealy;
  /** Words asked of the system, votes included (cache hits not counted). */
  readonly queries: number;
  readonly symbols: number;
  readonly equivalenceQueries: number;
  /** Times learning started over after a vote corrected an answer. */
  readonly restarts: number;
  readonly wavering: readonly Wavering[];
  /** Set when the signal stopped learning: why; `machine` is then the last hypothesis, untested. */
  readonly stopped?: string;
}

/** Votes that overturned the tree, at most, before the system is called non-deterministic. */
const MAX_RESTARTS = 50;

/** A node of the answer tree. */
interface Node {
  out: string | undefined;
  readonly child: Map<string, Node>;
}

const newNode = (): Node => ({ out: undefined, child: new Map() });

/** Thrown inside L# when a vote changed an answer it had already used. */
class Corrected extends Error {}

/** Learns `system`; see the file's comment. */
export async function drive(system: System, o: DriveOptions = {}): Promise<DriveResult> {
  const repeats = o.repeats ?? 5;
  const root = newNode();
  const wavering: Wavering[] = [];
  let queries = 0;
  let symbols = 0;
  let round = 0;

  let lastStates = 0;
  let lastHypothesis: Mealy | undefined;
  let restarts = 0;
  let lastReport = Date.now();
  const ask = async (words: ReadonlyArray<readonly string[]>): Promise<string[][]> => {
    o.signal?.throwIfAborted();
    if (Date.now() - lastReport > (o.tickMs ?? 10_000)) {
      lastReport = Date.now();
      o.onProgress?.({ tick: true, states: lastStates, queries, symbols, round, votes: wavering.length, restarts });
    }
    if (o.maxQueries !== undefined && queries + words.length > o.maxQueries) throw new Error(`the query budget (${o.maxQueries}) ran out before the machine was learnt`);
    queries += words.length;
    symbols += words.reduce((n, w) => n + w.length, 0);
    return system.queryMany(words);
  };

  /** The tree's outputs for `word`, or undefined when it does not hold all of them. */
  const cached = (word: readonly string[]): string[] | undefined => {
    const outs: string[] = [];
    let n = root;
    for (const x of word) {
      const c = n.child.get(x);
      if (!c || c.out === undefined) return undefined;
      outs.push(c.out);
      n = c;
    }
    return outs;
  };

  /** Where `outs` first disagrees with the tree along `word` (-1: nowhere). */
  const conflictAt = (word: readonly string[], outs: readonly string[]): number => {
    let n = root;
    for (let j = 0; j < word.length; j++) {
      const c = n.child.get(word[j]!);
      if (!c) return -1;
      if (c.out !== undefined && c.out !== outs[j]) return j;
      n = c;
    }
    return -1;
  };

  const store = (word: readonly string[], outs: readonly string[]): void => {
    let n = root;
    for (let j = 0; j < word.length; j++) {
      let c = n.child.get(word[j]!);
      if (!c) n.child.set(word[j]!, (c = newNode()));
      // A corrected answer keeps what was learnt below it: those answers came with the old one,
      // and a later disagreement there goes to a vote of its own. (Dropping them would throw away
      // most of the tree when a vote near the root goes the other way.)
      c.out = outs[j];
      n = c;
    }
  };

  /**
   * Takes the system's answer to `word` into the tree, putting a disagreement to a vote. Returns
   * the answer the tree now holds; throws {@link Corrected} when the vote overturned the tree.
   */
  const settle = async (word: readonly string[], outs: string[]): Promise<string[]> => {
    const at = conflictAt(word, outs);
    if (at < 0) {
      store(word, outs);
      return outs;
    }
    const prefix = word.slice(0, at + 1);
    const held = cached(prefix)!;
    const again = await ask(Array.from({ length: repeats }, () => word));
    const votes = [held, outs.slice(0, at + 1), ...again.map((a) => a.slice(0, at + 1))];
    const counts = new Map<string, { outputs: string[]; count: number }>();
    for (const v of votes) {
      const k = JSON.stringify(v);
      const e = counts.get(k);
      if (e) e.count++;
      else counts.set(k, { outputs: v, count: 1 });
    }
    const ranked = [...counts.values()].sort((a, b) => b.count - a.count);
    const best = ranked[0]!;
    const settled = best.count * 2 > votes.length;
    wavering.push({ word: prefix, outputs: ranked, settled });
    if (!settled) throw new NondeterminismError(wavering);
    const winner = JSON.stringify(best.outputs);
    if (winner === JSON.stringify(held)) {
      // The tree was right and the first answer the odd one out: the rest of the word from one that agrees.
      const agreeing = again.find((a) => JSON.stringify(a.slice(0, at + 1)) === winner);
      if (agreeing) {
        store(word, agreeing);
        return agreeing;
      }
      return [...held, ...(await tail(word, held))];
    }
    store(prefix, best.outputs);
    throw new Corrected();
  };

  /** Asks `word` until an answer agrees with `prefixOuts` on its prefix (bounded), for the rest of the word. */
  const tail = async (word: readonly string[], prefixOuts: readonly string[]): Promise<string[]> => {
    if (word.length === prefixOuts.length) return [];
    for (let k = 0; k < repeats; k++) {
      const [a] = await ask([word]);
      if (JSON.stringify(a!.slice(0, prefixOuts.length)) === JSON.stringify(prefixOuts)) {
        store(word, a!);
        return a!.slice(prefixOuts.length);
      }
    }
    throw new NondeterminismError([...wavering, { word, outputs: [{ outputs: [...prefixOuts], count: 1 }], settled: false }]);
  };

  const queryOne = async (word: readonly string[]): Promise<string[]> => {
    const hit = cached(word);
    if (hit) return hit;
    const [outs] = await ask([word]);
    return settle(word, outs!);
  };

  /** A word of the tree whose last output `h` gets wrong (shortest first), or undefined. */
  const known = (h: Mealy): string[] | undefined => {
    const todo: Array<{ node: Node; state: number; word: string[] }> = [{ node: root, state: 0, word: [] }];
    for (let k = 0; k < todo.length; k++) {
      const { node, state, word } = todo[k]!;
      for (const [x, c] of node.child) {
        if (c.out === undefined) continue;
        const i = h.inputs.indexOf(x);
        const w = [...word, x];
        if (h.out[state]![i] !== c.out) return w;
        todo.push({ node: c, state: h.next[state]![i]!, word: w });
      }
    }
    return undefined;
  };

  /** Asks the words the tree does not hold, in batches, and takes the answers in. */
  const fill = async (words: ReadonlyArray<readonly string[]>): Promise<void> => {
    const batch = Math.max(1, o.batch ?? 1);
    const todo = words.filter((w) => !cached(w));
    for (let i = 0; i < todo.length; i += batch) {
      const chunk = todo.slice(i, i + batch).filter((w) => !cached(w));
      const answers = chunk.length ? await ask(chunk) : [];
      for (let j = 0; j < chunk.length; j++) await settle(chunk[j]!, answers[j]!);
    }
  };

  /** Asks `words` (in batches), returning the first one whose answer differs from `h`, cut after the difference. */
  const test = async (h: Mealy, words: ReadonlyArray<readonly string[]>): Promise<string[] | undefined> => {
    const batch = Math.max(1, o.batch ?? 1);
    for (let i = 0; i < words.length; i += batch) {
      const chunk = words.slice(i, i + batch);
      await fill(chunk);
      for (const w of chunk) {
        const got = await queryOne(w);
        const want = run(h, w);
        const at = want.findIndex((x, j) => x !== got[j]);
        if (at >= 0) return w.slice(0, at + 1);
      }
    }
    return undefined;
  };

  const rand = prng(o.seed ?? 1);
  const walks = o.walks ?? 200;
  const infix = o.infix ?? 3;
  let equivalenceQueries = 0;
  for (;;) {
    const teacher: Teacher = {
      inputs: system.inputs,
      query: queryOne,
      prefetch: fill,
      async equivalence(h) {
        equivalenceQueries++;
        round++;
        lastStates = size(h);
        lastHypothesis = h;
        lastReport = Date.now();
        o.onProgress?.({ states: size(h), queries, symbols, round, votes: wavering.length, restarts });
        // What the tree already holds first: after a restart it disagrees with every small
        // hypothesis somewhere, for free.
        return (
          known(h) ??
          (o.guide ? await test(h, guideWords(h, o.guide)) : undefined) ??
          (await test(h, testWords(h, walks, infix, rand))) ??
          (o.extraStates !== undefined ? await test(h, completeTestSuite(h, o.extraStates)) : undefined)
        );
      },
    };
    try {
      const r = await learn(teacher);
      return { machine: r.machine, queries, symbols, equivalenceQueries, restarts, wavering };
    } catch (err) {
      if (o.signal?.aborted && lastHypothesis) {
        return { machine: lastHypothesis, queries, symbols, equivalenceQueries, restarts, wavering, stopped: String(o.signal.reason ?? 'aborted') };
      }
      const nondeterministic =
        err instanceof NondeterminismError ? err : err instanceof Corrected && ++restarts > MAX_RESTARTS ? new NondeterminismError(wavering.length ? wavering : [{ word: [], outputs: [], settled: false }]) : undefined;
      if (nondeterministic) {
        // Learning cannot go on: the last hypothesis is still worth having, marked as stopped,
        // with every word that wavered.
        if (!lastHypothesis) throw nondeterministic;
        return { machine: lastHypothesis, queries, symbols, equivalenceQueries, restarts, wavering: [...nondeterministic.wavering], stopped: nondeterministic.message };
      }
      if (!(err instanceof Corrected)) throw err;
    }
  }
}

/**
 * The words on which `h` and `guide` answer differently (one per state of `h` and input, shortest
 * first): empty when the alphabets differ, so a guide over other inputs is no guide.
 */
export function guideWords(h: Mealy, guide: Mealy): string[][] {
  if (h.inputs.length !== guide.inputs.length || h.inputs.some((x) => !guide.inputs.includes(x))) return [];
  return differences(h, guide).map((d) => d.word);
}

/**
 * Random test words in the style of the randomised Wp method: a random state's access word, a
 * random middle of geometric length (mean `infix`), then a word separating the state reached from
 * a random other state (or one more random input when the hypothesis has one state).
 */
export function testWords(h: Mealy, count: number, infix: number, rand: () => number): string[][] {
  const n = size(h);
  const access = accessWords(h).map((w) => w ?? []);
  const words: string[][] = [];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let k = 0; k < count; k++) {
    const w = [...access[Math.floor(rand() * n)]!];
    while (rand() < infix / (infix + 1)) w.push(pick(h.inputs));
    let s = 0;
    for (const x of w) s = h.next[s]![h.inputs.indexOf(x)]!;
    const other = n > 1 ? (s + 1 + Math.floor(rand() * (n - 1))) % n : -1;
    const sep = other >= 0 ? separatingWord(h, s, other) : undefined;
    words.push(sep ? [...w, ...sep] : [...w, pick(h.inputs)]);
  }
  return words;
}

