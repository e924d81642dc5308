/**
 * The whole conformance suite (every scenario in scenarios/conformance when the test runs) against
 * the Linux stack of a lab this file creates and removes, with `--jobs 1` and with the default
 * jobs: nothing fails (expected failures allowed), the JUnit report is valid, both wall times are
 * printed and the default is faster. The `--jobs 1` run, minutes long, is tagged @flake: `make
 * flake` runs it, `make test` only the default. Needs root.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../../src/suite/discover.js';
import { DEFAULT_JOBS } from '../../src/suite/runner.js';
import { labExecArgv } from '../../src/io/lab.js';
import { outputOf, ROOT, runBounded, tcpcraftIn, testLab } from '../support/live.js';
import { checkJunit } from './junit.js';

const DIR = `${ROOT}scenarios/conformance`;

describe('the conformance suite against Linux @live', function () {
  this.timeout(900_000);
  const files = existsSync(DIR) ? discover([DIR]) : [];
  const lab = testLab();
  let tmp: string;
  const wall: Record<string, number> = {};

  before(async function () {
    if (files.length === 0) {
      // eslint-disable-next-line no-console
      console.log(`      (skipped: ${DIR} has no scenario files yet)`);
      this.skip();
    }
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-whole-'));
    await lab.up();
  });
  after(async () => {
    if (files.length === 0) return;
    await lab.down();
    rmSync(tmp, { recursive: true, force: true });
    if (wall['1'] !== undefined && wall['default'] !== undefined) {
      // eslint-disable-next-line no-console
      console.log(`      conformance suite (${files.length} scenarios) wall time: --jobs 1 ${(wall['1'] / 1000).toFixed(2)} s, default (--jobs ${DEFAULT_JOBS}) ${(wall['default'] / 1000).toFixed(2)} s`);
    }
  });

  for (const jobs of ['1', 'default'] as const) {
    // One at a time the suite takes minutes: that run is `make flake`'s (@flake), not `make test`'s.
    it(`passes with --jobs ${jobs === 'default' ? `${DEFAULT_JOBS} (the default)` : `${jobs} @flake`}, with a valid JUnit report`, async () => {
      const junit = join(tmp, `jobs-${jobs}.xml`);
      const json = join(tmp, `jobs-${jobs}.json`);
      const args = ['suite', DIR, '--lab', lab.cfg.name, '--junit', junit, '--json', json, ...(jobs === 'default' ? [] : ['--jobs', jobs])];
      const t0 = performance.now();
      const r = await tcpcraftIn(lab.cfg, 'client', args, 600_000);
      wall[jobs] = performance.now() - t0;
      const out = r.stdout.toString();
      // eslint-disable-next-line no-console
      console.log(`      ${out.split('\n').filter((l) => /^(\d+ passed|wall time)/.test(l)).join('; ')}`);
      expect(r.code, outputOf(r)).to.equal(0);
      const m = /^(\d+) passed, (\d+) failed, (\d+) expected failures$/m.exec(out);
      expect(m, out).to.not.equal(null);
      expect(Number(m![2]), out).to.equal(0);
      expect(Number(m![1]) + Number(m![3])).to.equal(files.length);
      const j = checkJunit(junit);
      expect(j.tests).to.equal(files.length);
      expect(j.failures + j.errors, readFileSync(junit, 'utf8')).to.equal(0);
      const results = (JSON.parse(readFileSync(json, 'utf8')) as { results: Array<{ verdict: string }> }).results;
      expect(results.filter((x) => x.verdict !== 'pass' && x.verdict !== 'xfail')).to.deep.equal([]);
      // Every test left the target clean: only listeners and cleanly closed (TIME-WAIT) sockets, no guard table.
      let open: string[] = [];
      for (let i = 0; i < 10; i++) {
        const ss = await runBounded(labExecArgv(lab.cfg, 'server', ['ss', '-Htan']), 5000);
        open = ss.stdout.toString().split('\n').filter((l) => l.trim() !== '' && !/^(LISTEN|TIME-WAIT)\s/.test(l));
        if (open.length === 0) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(open, 'connections left open on the target').to.deep.equal([]);
      const nft = await runBounded(labExecArgv(lab.cfg, 'client', ['nft', 'list', 'tables']), 5000);
      expect(nft.stdout.toString()).to.not.contain('tcpcraft_');
    });
  }

  it('the default jobs are faster than --jobs 1 @flake', function () {
    if (wall['1'] === undefined || wall['default'] === undefined) this.skip();
    expect(wall['default']).to.be.lessThan(wall['1']!);
  });
});
