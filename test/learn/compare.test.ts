/** Comparing learned machines (src/learn/compare.ts): where two machines part, and RFC names carried over. */
import { expect } from 'chai';
import { differences, rfcLabels, type Difference } from '../../src/learn/compare.js';
import { equivalent, minimize, randomMealy, run, type Mealy } from '../../src/learn/mealy.js';
import { UsageError } from '../../src/errors.js';

/** A small server: 0 LISTEN, 1 SYN-RECEIVED, 2 ESTABLISHED, 3 CLOSED. */
const SERVER: Mealy = {
  inputs: ['SYN', 'ACK', 'RST'],
  next: [
    [1, 0, 0],
    [1, 2, 0],
    [2, 2, 3],
    [3, 3, 3],
  ],
  out: [
    ['SA(isn,next)', 'R(next,0)', '-'],
    ['A(next,next)', '-', '-'],
    ['A(next,next)', '-', '-'],
    ['RA(0,next)', 'R(next,0)', '-'],
  ],
};
const RFC = ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSED'];

/** A copy of `m` with `edit` applied to its (mutable) tables. */
function mutated(m: Mealy, edit: (next: number[][], out: string[][]) => void): Mealy {
  const next = m.next.map((row) => [...row]);
  const out = m.out.map((row) => [...row]);
  edit(next, out);
  return { inputs: [...m.inputs], next, out };
}

/** Checks that `d` is shown by its word: all outputs alike but the last, which are d's. */
function shows(a: Mealy, b: Mealy, d: Difference): void {
  const oa = run(a, d.word);
  const ob = run(b, d.word);
  expect(oa.slice(0, -1), `${d.word.join(' ')}: the prefix`).to.deep.equal(ob.slice(0, -1));
  expect([oa.at(-1), ob.at(-1)]).to.deep.equal([d.outputA, d.outputB]);
  expect(d.word.at(-1)).to.equal(d.input);
}

describe('learn/compare: differences', () => {
  it('finds none between identical or equivalent machines', () => {
    expect(differences(SERVER, SERVER)).to.deep.equal([]);
    const m = randomMealy({ states: 12, inputs: ['a', 'b', 'c'], outputs: 3, seed: 7 });
    expect(differences(m, minimize(m))).to.deep.equal([]);
  });

  it('finds a changed output, with a shortest word to it', () => {
    const b = mutated(SERVER, (_, out) => (out[2]![0] = 'RA(0,next)'));
    const ds = differences(SERVER, b);
    expect(ds).to.deep.equal([{ word: ['SYN', 'ACK', 'SYN'], input: 'SYN', stateA: 2, stateB: 2, outputA: 'A(next,next)', outputB: 'RA(0,next)' }]);
    shows(SERVER, b, ds[0]!);
  });

  it('finds a changed transition by the outputs that follow it, shortest first', () => {
    // SYN-RECEIVED goes back to LISTEN on the ACK: ESTABLISHED is never reached.
    const b = mutated(SERVER, (next) => (next[1]![1] = 0));
    const ds = differences(SERVER, b);
    expect(ds.map((d) => [d.word.join(' '), d.stateA, d.stateB, d.outputA, d.outputB])).to.deep.equal([
      ['SYN ACK SYN', 2, 0, 'A(next,next)', 'SA(isn,next)'],
      ['SYN ACK ACK', 2, 0, '-', 'R(next,0)'],
      ['SYN ACK RST SYN', 3, 0, 'RA(0,next)', 'SA(isn,next)'],
    ]);
    for (const d of ds) shows(SERVER, b, d);
  });

  it('on random machines: every difference shows, the first is as short as the equivalence check finds, one per (state, input)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const inputs = ['a', 'b', 'c'];
      const a = randomMealy({ states: 8, inputs, outputs: 2, seed });
      const b = randomMealy({ states: 8, inputs, outputs: 2, seed: seed + 1000 });
      const ds = differences(a, b);
      const shortest = equivalent(a, b);
      if (!shortest) {
        expect(ds).to.deep.equal([]);
        continue;
      }
      expect(ds[0]!.word.length).to.equal(shortest.length);
      for (let n = 1; n < ds.length; n++) expect(ds[n]!.word.length).to.be.at.least(ds[n - 1]!.word.length);
      const keys = ds.map((d) => `${d.stateA}/${d.input}`);
      expect(new Set(keys).size).to.equal(keys.length);
      for (const d of ds) shows(a, b, d);
    }
  });

  it('takes the inputs in any order, and names the inputs only one machine has', () => {
    const reordered: Mealy = {
      inputs: ['RST', 'SYN', 'ACK'],
      next: SERVER.next.map((r) => [r[2]!, r[0]!, r[1]!]),
      out: SERVER.out.map((r) => [r[2]!, r[0]!, r[1]!]),
    };
    expect(differences(SERVER, reordered)).to.deep.equal([]);
    const other: Mealy = { inputs: ['SYN', 'ACK', 'FIN'], next: SERVER.next, out: SERVER.out };
    expect(() => differences(SERVER, other))
      .to.throw(UsageError)
      .with.property('message')
      .that.contains('only the first has "RST"')
      .and.contains('only the second has "FIN"');
  });
});

describe('learn/compare: rfcLabels', () => {
  it('names every state of an identical machine, also renumbered', () => {
    expect(rfcLabels(SERVER, SERVER, RFC)).to.deep.equal(RFC);
    // States 1 and 2 swapped.
    const perm = [0, 2, 1, 3];
    const swapped: Mealy = {
      inputs: SERVER.inputs,
      next: perm.map((s) => SERVER.next[s]!.map((t) => perm[t]!)),
      out: perm.map((s) => [...SERVER.out[s]!]),
    };
    expect(rfcLabels(swapped, SERVER, RFC)).to.deep.equal(['LISTEN', 'ESTABLISHED', 'SYN-RECEIVED', 'CLOSED']);
  });

  it('marks a state that answers some input otherwise with a question mark, and leaves one reached otherwise unnamed', () => {
    // ESTABLISHED answers a SYN with a reset: reached alike, answering otherwise: "ESTABLISHED?".
    const target = mutated(SERVER, (_, out) => (out[2]![0] = 'RA(0,next)'));
    expect(rfcLabels(target, SERVER, RFC)).to.deep.equal(['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED?', 'CLOSED']);
    // ESTABLISHED answers a RST: CLOSED's access word (SYN ACK RST) is answered differently, so
    // CLOSED is not named though it agrees with the reference's.
    const loud = mutated(SERVER, (_, out) => (out[2]![2] = 'A(next,next)'));
    expect(rfcLabels(loud, SERVER, RFC)).to.deep.equal(['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED?', undefined]);
    // The reference's own unnamed states stay unnamed; unreachable states are unnamed.
    expect(rfcLabels(SERVER, SERVER, ['LISTEN'])).to.deep.equal(['LISTEN', undefined, undefined, undefined]);
    const island = mutated(SERVER, (next, out) => {
      next.push([4, 4, 4]);
      out.push(['-', '-', '-']);
    });
    expect(rfcLabels(island, SERVER, RFC)).to.deep.equal([...RFC, undefined]);
  });

  it('needs the same inputs', () => {
    expect(() => rfcLabels({ ...SERVER, inputs: ['SYN', 'ACK', 'FIN'] }, SERVER, RFC)).to.throw(UsageError, /different input alphabets/);
  });
});
