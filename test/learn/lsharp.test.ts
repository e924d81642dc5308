/** L# and its Mealy machine toolkit (src/learn/), on generated machines: no I/O. */
import { expect } from 'chai';
import { completeSuiteOracle, completeTestSuite, randomWalkOracle } from '../../src/learn/conformance.js';
import { drive, guideWords } from '../../src/learn/driver.js';
import { learn, type Teacher } from '../../src/learn/lsharp.js';
import { equivalent, minimize, randomMealy, run, size, type Mealy } from '../../src/learn/mealy.js';

const ALPHABET = ['a', 'b', 'c', 'd', 'e', 'f'];

/** A teacher that knows the hidden machine: exact equivalence (shortest counterexamples). */
function exactTeacher(hidden: Mealy): Teacher & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    inputs: hidden.inputs,
    asked,
    query: async (w) => (asked.push([...w]), run(hidden, w)),
    equivalence: async (h) => equivalent(hidden, h),
  };
}

describe('learn: Mealy machines', () => {
  it('generates complete, connected machines, the same for the same seed', () => {
    const m = randomMealy({ states: 12, inputs: ['x', 'y'], outputs: 3, seed: 7 });
    expect(size(m)).to.equal(12);
    expect(m).to.deep.equal(randomMealy({ states: 12, inputs: ['x', 'y'], outputs: 3, seed: 7 }));
    expect(new Set(m.out.flat())).to.deep.equal(new Set(['o0', 'o1', 'o2']));
    // connected: minimize keeps every state it can reach, so count the reachable ones by hand
    const seen = new Set([0]);
    const todo = [0];
    while (todo.length) for (const t of m.next[todo.pop()!]!) if (!seen.has(t)) seen.add(t), todo.push(t);
    expect(seen.size).to.equal(12);
  });

  it('minimize merges duplicated states', () => {
    // 0 -a/x-> 1 -a/x-> 2 -a/x-> 0 with b/y everywhere: all three states are one
    const m: Mealy = { inputs: ['a', 'b'], next: [[1, 0], [2, 1], [0, 2]], out: [['x', 'y'], ['x', 'y'], ['x', 'y']] };
    expect(size(minimize(m))).to.equal(1);
    expect(equivalent(m, minimize(m))).to.equal(undefined);
    // a copy of a random machine doubled (each state twice, transitions to either copy) halves back
    const base = minimize(randomMealy({ states: 8, inputs: ['a', 'b', 'c'], outputs: 2, seed: 3 }));
    const n = size(base);
    const doubled: Mealy = {
      inputs: base.inputs,
      next: [...base.next, ...base.next].map((row, s) => row.map((t, i) => t + ((s + i) % 2) * n)),
      out: [...base.out, ...base.out],
    };
    expect(size(doubled)).to.equal(2 * n);
    expect(size(minimize(doubled))).to.equal(n);
    expect(equivalent(doubled, base)).to.equal(undefined);
    // unreachable states are dropped
    const island: Mealy = { inputs: ['a'], next: [[0], [1]], out: [['x'], ['y']] };
    expect(size(minimize(island))).to.equal(1);
  });

  it('equivalent finds a one-output change with a shortest counterexample', () => {
    // a chain 0 -a-> 1 -a-> 2 -a-> 3 -a-> 3; b loops; change the output of b at state 3
    const m: Mealy = {
      inputs: ['a', 'b'],
      next: [[1, 0], [2, 1], [3, 2], [3, 3]],
      out: [['x', 'y'], ['x', 'y'], ['x', 'y'], ['x', 'y']],
    };
    const changed: Mealy = { ...m, out: m.out.map((row, s) => (s === 3 ? ['x', 'z'] : row)) };
    expect(equivalent(m, m)).to.equal(undefined);
    expect(equivalent(m, changed)).to.deep.equal(['a', 'a', 'a', 'b']);
    // on random machines: the word separates them and no shorter one does (checked by brute force)
    for (let seed = 1; seed <= 10; seed++) {
      const a = randomMealy({ states: 6, inputs: ['a', 'b'], outputs: 2, seed });
      const s = seed % 6;
      const b: Mealy = { ...a, out: a.out.map((row, k) => (k === s ? [row[0] === 'o0' ? 'o1' : 'o0', row[1]!] : row)) };
      const w = equivalent(a, b);
      if (w === undefined) throw new Error(`seed ${seed}: a changed output of a reachable state went unseen`);
      expect(run(a, w).at(-1)).to.not.equal(run(b, w).at(-1));
      const all = (len: number): string[][] => (len === 0 ? [[]] : all(len - 1).flatMap((x) => ['a', 'b'].map((y) => [...x, y])));
      for (let len = 1; len < w.length; len++) {
        for (const v of all(len)) expect(run(a, v), v.join('')).to.deep.equal(run(b, v));
      }
    }
  });
});

describe('learn: L#', () => {
  const figures: string[] = [];
  after(() => console.log(`      ${figures.join('\n      ')}`));

  for (const states of [1, 2, 5, 10, 20, 40]) {
    it(`learns generated machines of ${states} states (exact equivalence oracle)`, async () => {
      for (let seed = 1; seed <= 4; seed++) {
        const inputs = ALPHABET.slice(0, 3 + (seed % 4));
        const outputs = 2 + (seed % 3);
        const hidden = randomMealy({ states, inputs, outputs, seed: seed * 1000 + states });
        const teacher = exactTeacher(hidden);
        const r = await learn(teacher);
        expect(equivalent(hidden, r.machine), `seed ${seed}`).to.equal(undefined);
        expect(size(r.machine)).to.equal(size(minimize(hidden)));
        expect(r.queries).to.equal(teacher.asked.length);
        // never a word the tree already held: no asked word is a prefix of an earlier one
        const key = (w: readonly string[]): string => w.join('\u0000');
        const prefixes = new Set<string>();
        for (const w of teacher.asked) {
          expect(prefixes.has(key(w)), `re-asked ${w.join('')}`).to.equal(false);
          for (let k = 1; k <= w.length; k++) prefixes.add(key(w.slice(0, k)));
        }
        figures.push(
          `${states} states (minimal ${size(minimize(hidden))}), ${inputs.length} inputs, ${outputs} outputs: ` +
            `${size(r.machine)} learnt, ${r.queries} queries, ${r.symbols} symbols, ${r.equivalenceQueries} EQs`,
        );
      }
    });
  }

  it('learns the minimal machine of a machine with duplicated states', async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const base = minimize(randomMealy({ states: 10, inputs: ['a', 'b', 'c'], outputs: 2, seed }));
      const n = size(base);
      // each state twice, transitions going to either copy: 2n states, n of them distinguishable
      const hidden: Mealy = {
        inputs: base.inputs,
        next: [...base.next, ...base.next].map((row, s) => row.map((t, i) => t + ((s * 7 + i) % 2) * n)),
        out: [...base.out, ...base.out],
      };
      const r = await learn(exactTeacher(hidden));
      expect(size(r.machine)).to.equal(n);
      expect(size(minimize(hidden))).to.equal(n);
      expect(equivalent(hidden, r.machine)).to.equal(undefined);
      figures.push(`duplicated: ${2 * n} states (minimal ${n}): ${size(r.machine)} learnt, ${r.queries} queries, ${r.equivalenceQueries} EQs`);
    }
  });

  it('learns small machines with random walks as the equivalence oracle', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const states = 1 + (seed % 5);
      const inputs = ALPHABET.slice(0, 3 + (seed % 2));
      const hidden = randomMealy({ states, inputs, outputs: 2 + (seed % 2), seed: 77 + seed });
      const query = async (w: readonly string[]): Promise<readonly string[]> => run(hidden, w);
      const r = await learn({ inputs, query, equivalence: randomWalkOracle(query, inputs, { seed, walks: 2000, maxLength: 20 }) });
      expect(equivalent(hidden, r.machine), `seed ${seed}`).to.equal(undefined);
      expect(size(r.machine)).to.equal(size(minimize(hidden)));
      figures.push(`random walks, ${states} states: ${size(r.machine)} learnt, ${r.queries} queries, ${r.equivalenceQueries} EQs`);
    }
  });

  it('learns small machines with the complete test suite as the equivalence oracle', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const states = 1 + (seed % 4);
      const inputs = ALPHABET.slice(0, 2 + (seed % 2));
      const hidden = randomMealy({ states, inputs, outputs: 2, seed: 300 + seed });
      const query = async (w: readonly string[]): Promise<readonly string[]> => run(hidden, w);
      // at most states - 1 extra states beyond any hypothesis (which has at least one): exact
      const r = await learn({ inputs, query, equivalence: completeSuiteOracle(query, { extraStates: states - 1 }) });
      expect(equivalent(hidden, r.machine), `seed ${seed}`).to.equal(undefined);
      expect(size(r.machine)).to.equal(size(minimize(hidden)));
      figures.push(`complete suite, ${states} states: ${size(r.machine)} learnt, ${r.queries} queries, ${r.equivalenceQueries} EQs`);
    }
  });

  it('the driver guided by a nearby machine: the words where they part find what no random word tried', async () => {
    const inputs = ALPHABET.slice(0, 4);
    const hidden = randomMealy({ states: 30, inputs, outputs: 2, seed: 4242 });
    const system = { inputs, queryMany: async (ws: ReadonlyArray<readonly string[]>) => ws.map((w) => run(hidden, w)) };
    // No random words at all: without a guide the first consistent hypothesis stands.
    const blind = await drive(system, { walks: 0 });
    expect(size(blind.machine)).to.be.lessThan(size(minimize(hidden)));
    // The guide is the hidden machine with one transition's output changed: its words lead to
    // every state of the hidden one but that transition.
    const near: Mealy = { ...hidden, out: hidden.out.map((row, s) => row.map((o, i) => (s === 7 && i === 2 ? `${o}'` : o))) };
    const guided = await drive(system, { walks: 0, guide: near });
    expect(equivalent(hidden, guided.machine)).to.equal(undefined);
    // A guide over other inputs is no guide (its words could not be asked).
    expect(guideWords(blind.machine, { ...near, inputs: ['a', 'b', 'c', 'z'] })).to.deep.equal([]);
  });

  it('the complete test suite (no extra state) catches every one-transition mutant', () => {
    const h = minimize(randomMealy({ states: 6, inputs: ['a', 'b', 'c'], outputs: 2, seed: 11 }));
    const suite = completeTestSuite(h, 0);
    let mutants = 0;
    for (let s = 0; s < size(h); s++) {
      for (let i = 0; i < h.inputs.length; i++) {
        const variants: Mealy[] = [
          { ...h, out: h.out.map((row, k) => row.map((o, j) => (k === s && j === i ? (o === 'o0' ? 'o1' : 'o0') : o))) },
          ...Array.from({ length: size(h) }, (_, t) => ({ ...h, next: h.next.map((row, k) => row.map((u, j) => (k === s && j === i ? t : u))) })),
        ];
        for (const m of variants) {
          if (equivalent(h, m) === undefined) continue;
          mutants++;
          expect(suite.some((w) => run(h, w).join() !== run(m, w).join()), `mutant at ${s}/${i}`).to.equal(true);
        }
      }
    }
    expect(mutants).to.be.greaterThan(50);
  });

  it('refuses a nondeterministic system', async () => {
    let flip = false;
    const teacher: Teacher = {
      inputs: ['a', 'b'],
      query: async (w) => w.map(() => ((flip = !flip) ? 'x' : 'y')),
      equivalence: async () => ['a', 'a', 'b'],
    };
    let error: unknown;
    try {
      await learn(teacher, { maxEquivalenceQueries: 20 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.match(/not deterministic/);
  });
});
