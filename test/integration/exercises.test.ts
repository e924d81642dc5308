/**
 * The lab exercises (scenarios/exercises): every skeleton fails as given (its TODO blanks named),
 * every model answer passes against the lab, and a typical wrong answer is told a hint about the
 * usual mistake. `exercise start` copies a skeleton and never overwrites. Lab runs only.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXERCISES, fileNameOf } from '../../src/exercise/catalog.js';
import { ROOT, outputOf, runBounded, tcpcraftIn, useLab } from '../support/live.js';

const DIR = join(ROOT, 'scenarios/exercises');

/** A typical wrong answer per exercise: the model answer with one prediction changed, and the hint it must get. */
const MISTAKES: ReadonlyArray<{ n: number; from: string; to: string; hint: RegExp }> = [
  { n: 1, from: "expect('SA', { seq: 0, ack: 1 })", to: "expect('SA', { seq: 0, ack: 0 })", hint: /Off by one: the SYN and the FIN each take one sequence number/ },
  { n: 2, from: "expect('A', { seq: 1, ack: 10 })", to: "expect('A', { seq: 1, ack: 1 })", hint: /the sequence number of the data plus its length/ },
  { n: 3, from: "expect('FA', { seq: 1, ack: 36 })", to: "expect('FA', { seq: 1, ack: 35 })", hint: /Off by one: the SYN and the FIN each take one sequence number/ },
  { n: 4, from: "expect('FA', { seq: 23, ack: 1 })", to: "expect('FA', { seq: 22, ack: 1 })", hint: /Off by one/ },
  { n: 5, from: "expect('RA', { ack: 1 })", to: "expect('R', { ack: 1 })", hint: /A RST that answers a segment without an ACK number carries ACK itself/ },
  { n: 6, from: "expect('A', { seq: 1, ack: 1, within: 300 })", to: "expect('R', { seq: 1, ack: 1, within: 300 })", hint: /challenge ACK/ },
  { n: 8, from: "expect('A', { seq: 0, ack: 1, len: 0, timeout: 8000 })", to: "expect('A', { seq: 1, ack: 1, len: 0, timeout: 8000 })", hint: /Off by one/ },
  { n: 9, from: "expect('A', { seq: 1, ack: 11 })", to: "expect('A', { seq: 1, ack: 10 })", hint: /Off by one/ },
];

describe('lab exercises @live', function () {
  this.timeout(180_000);
  const lab = useLab('exercises');

  it('there are at least 8, each with a skeleton and a model answer kept apart', () => {
    expect(EXERCISES.length).to.be.at.least(8);
    const skeletons = readdirSync(DIR).filter((f) => f.endsWith('.ts')).sort();
    expect(skeletons).to.deep.equal(EXERCISES.map(fileNameOf).sort());
    expect(readdirSync(join(DIR, 'answers')).sort()).to.deep.equal(skeletons);
    for (const f of skeletons) expect(readFileSync(join(DIR, f), 'utf8'), f).to.match(/\bTODO\b/);
  });

  it('every skeleton fails as given, naming its first blank', async () => {
    for (const e of EXERCISES) {
      const r = await tcpcraftIn(lab.cfg, 'client', ['exercise', 'check', join(DIR, fileNameOf(e))]);
      expect(r.code, outputOf(r)).to.equal(1);
      expect(r.stdout.toString()).to.match(/^FAIL not finished yet: .*step \d+ \(.*\): .*: TODO: fill in this blank \(\d+ blanks? left in the scenario\)/);
    }
  });

  it('every model answer passes against the lab', async () => {
    for (const e of EXERCISES) {
      const r = await tcpcraftIn(lab.cfg, 'client', ['exercise', 'check', join(DIR, 'answers', fileNameOf(e)), '--no-ladder'], 60_000);
      expect(r.code, `${fileNameOf(e)}: ${outputOf(r)}`).to.equal(0);
      expect(r.stdout.toString()).to.contain(`PASS exercise ${e.n} (${e.title})`);
    }
  });

  it('a typical wrong answer fails with a hint about the usual mistake', async () => {
    for (const m of MISTAKES) {
      const e = EXERCISES.find((x) => x.n === m.n)!;
      const answer = readFileSync(join(DIR, 'answers', fileNameOf(e)), 'utf8');
      expect(answer, `exercise ${m.n}`).to.contain(m.from);
      const file = join(lab.tmp, fileNameOf(e));
      writeFileSync(file, answer.replace(m.from, m.to));
      const r = await tcpcraftIn(lab.cfg, 'client', ['exercise', 'check', file, '--no-ladder'], 60_000);
      expect(r.code, outputOf(r)).to.equal(1);
      const hint = /^hint: (.*)$/m.exec(r.stdout.toString())?.[1] ?? '';
      expect(hint, `exercise ${m.n}: ${outputOf(r)}`).to.match(m.hint);
    }
  });

  it('exercise start copies a skeleton and never overwrites; list names them all', async () => {
    const mine = join(lab.tmp, 'student');
    const s = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'exercise', 'start', '3', mine], 15_000);
    expect(s.code, s.stderr).to.equal(0);
    expect(readFileSync(join(mine, '03-client-closes.ts'), 'utf8')).to.equal(readFileSync(join(DIR, '03-client-closes.ts'), 'utf8'));
    const again = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'exercise', 'start', '3', mine], 15_000);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.match(/already exists: exercise start never overwrites/);
    const l = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'exercise', 'list'], 15_000);
    for (const e of EXERCISES) expect(l.stdout.toString()).to.contain(`${e.n}. ${e.title}`);
  });
});
