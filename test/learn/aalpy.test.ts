/**
 * Our L# (src/learn/lsharp.ts) against AALpy (PyPI, MIT; an optional test dependency in
 * .venv/learn, made by `make learn-deps`) on the same generated machines: both must find the
 * minimal number of states (issue 27). AALpy runs in test/learn/aalpy_learn.py, one process per
 * machine, the machine handed over as a JSON file. Without the venv the tests are skipped, and
 * say so.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { learn, type Teacher } from '../../src/learn/lsharp.js';
import { equivalent, minimize, randomMealy, run, size, type Mealy } from '../../src/learn/mealy.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = join(ROOT, '.venv/learn/bin/python');
const SCRIPT = join(ROOT, 'test/learn/aalpy_learn.py');
const ALPHABET = ['a', 'b', 'c', 'd', 'e'];

/** What aalpy_learn.py prints (the fields the tests read). */
interface AalpyResult {
  states: number;
  queries: number;
  steps: number;
  rounds: number;
  oracleQueries: number;
  exact: boolean;
  seconds: number;
  aalpy: string;
}

/** A teacher that knows the hidden machine: exact equivalence (as in lsharp.test.ts). */
function exactTeacher(hidden: Mealy): Teacher {
  return { inputs: hidden.inputs, query: async (w) => run(hidden, w), equivalence: async (h) => equivalent(hidden, h) };
}

describe('learn: L# against AALpy @aalpy', function () {
  this.timeout(60_000);
  const figures: string[] = [];
  let dir: string | undefined;
  let files = 0;

  /** Runs aalpy_learn.py on `m` with `args`; its exit status, stdout and stderr. */
  function script(m: Mealy | string, args: readonly string[] = []): { status: number | null; stdout: string; stderr: string } {
    const file = join(dir!, `machine-${files++}.json`);
    writeFileSync(file, typeof m === 'string' ? m : JSON.stringify(m));
    const r = spawnSync(PYTHON, [SCRIPT, file, ...args], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Learns `m` with AALpy; throws with the script's own message when it fails. */
  function aalpy(m: Mealy, args: readonly string[] = []): AalpyResult & { wall: number } {
    const t0 = performance.now();
    const r = script(m, args);
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`aalpy_learn.py ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
    const lines = r.stdout.trim().split('\n');
    expect(lines, 'one JSON line on stdout').to.have.length(1);
    return { ...(JSON.parse(lines[0]!) as AalpyResult), wall };
  }

  /** Learns `hidden` with L# and with AALpy (L* with a perfect oracle, KV with seeded random W-method tests). */
  async function both(hidden: Mealy, label: string, seed: number): Promise<void> {
    const minimal = size(minimize(hidden));
    const ms = (seconds: number): string => (seconds * 1000).toFixed(0);
    const t0 = performance.now();
    const ours = await learn(exactTeacher(hidden));
    const oursMs = performance.now() - t0;
    expect(equivalent(hidden, ours.machine), `${label}: L#`).to.equal(undefined);
    expect(size(ours.machine), `${label}: L#`).to.equal(minimal);

    const lstar = aalpy(hidden, ['--algorithm', 'lstar', '--oracle', 'perfect']);
    const kv = aalpy(hidden, ['--algorithm', 'kv', '--oracle', 'random-wmethod', '--seed', String(seed)]);
    for (const [name, r] of [['AALpy L*', lstar], ['AALpy KV', kv]] as const) {
      expect(r.exact, `${label}: ${name} learnt a machine bisimilar to the hidden one`).to.equal(true);
      expect(r.states, `${label}: ${name}`).to.equal(minimal);
    }
    figures.push(
      `${label}, ${hidden.inputs.length} inputs: minimal ${minimal}; ` +
        `L# ${size(ours.machine)} (${ours.queries} queries, ${oursMs.toFixed(0)} ms); ` +
        `AALpy L* ${lstar.states} (${lstar.queries} queries, ${ms(lstar.seconds)} ms, ${lstar.wall.toFixed(0)} ms with Python); ` +
        `AALpy KV ${kv.states} (${kv.queries} queries + ${kv.oracleQueries} tests, ${ms(kv.seconds)} ms, ${kv.wall.toFixed(0)} ms with Python)`,
    );
  }

  before(function () {
    if (!existsSync(PYTHON)) {
      // eslint-disable-next-line no-console
      console.log(`      (skipped: no ${PYTHON}; run make learn-deps to create it with AALpy)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-aalpy-'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    if (figures.length) console.log(`      ${figures.join('\n      ')}`);
  });

  for (const states of [2, 5, 10, 20, 30]) {
    it(`both learn generated machines of ${states} states to the minimal size`, async () => {
      for (let seed = 1; seed <= 3; seed++) {
        const inputs = ALPHABET.slice(0, 3 + ((seed + states) % 3));
        const outputs = 2 + ((seed * 7 + states) % 3);
        const hidden = randomMealy({ states, inputs, outputs, seed: 2700 + seed * 100 + states });
        await both(hidden, `${states} states, seed ${seed}, ${outputs} outputs`, seed);
      }
    });
  }

  it('both learn the minimal machine of one with duplicated states', async () => {
    for (let seed = 1; seed <= 2; seed++) {
      const base = minimize(randomMealy({ states: 12, inputs: ['a', 'b', 'c'], outputs: 2, seed: 2750 + seed }));
      const n = size(base);
      // each state twice, transitions going to either copy: 2n states, n of them distinguishable
      const hidden: Mealy = {
        inputs: base.inputs,
        next: [...base.next, ...base.next].map((row, s) => row.map((t, i) => t + ((s * 5 + i) % 2) * n)),
        out: [...base.out, ...base.out],
      };
      expect(size(minimize(hidden))).to.equal(n);
      await both(hidden, `duplicated ${2 * n} states, seed ${seed}`, seed);
    }
  });

  it('aalpy_learn.py refuses a malformed machine with a message and a non-zero status', () => {
    const bad = script(JSON.stringify({ inputs: ['a'], next: [[1]], out: [['x']] }));
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/next\[0\] has a target that is not a state/);
    expect(bad.stdout).to.equal('');
    const notJson = script('{"inputs": [');
    expect(notJson.status).to.equal(2);
    expect(notJson.stderr).to.match(/cannot read a machine/);
  });
});
