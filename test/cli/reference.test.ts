/**
 * The reference stack as a target from the command line (node bin/tcpcraft.js in a child
 * process): `run`, `suite`, `matrix` with `--target(s) reference` and `build --peer reference`
 * need no lab and no time (and no root: they open no socket; test/cli/package.test.ts runs the
 * memory device as 'nobody', which cannot read a checkout only root can); `--set`
 * changes a setting and the verdict with it; bad settings are usage errors (exit 2).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/tcpcraft.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('cli: --target reference', function () {
  this.timeout(180_000);
  let dir = '';
  before(() => {
    spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js was not built');
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-ref-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('run: both seeds, in both roles, pass with exit 0, saying the target is in memory', () => {
    for (const f of ['netcat-5000', 'daytime-13', 'netcat-5000-server', 'daytime-13-server']) {
      const r = cli('run', `scenarios/${f}.ts`, '--target', 'reference', '--no-ladder');
      expect(r.code, `${f}: ${r.out}${r.err}`).to.equal(0);
      expect(r.out).to.contain("target reference: tcpcraft's RFC reference stack, in memory");
      expect(r.out).to.match(new RegExp(`^PASS ${f}: `, 'm'));
    }
  });

  it("run --set: a 200 ms RTO floor makes rto-minimum fail (exit 1); the default passes", () => {
    expect(cli('run', 'scenarios/conformance/rto-minimum.ts', '--target', 'reference', '--no-ladder', '--no-trace').code).to.equal(0);
    const r = cli('run', 'scenarios/conformance/rto-minimum.ts', '--target', 'reference', '--set', 'minRtoMs=200', '--no-ladder', '--no-trace');
    expect(r.code, r.out + r.err).to.equal(1);
    expect(r.out).to.contain('(changed: minRtoMs=200)');
  });

  it('bad --set: an unknown name, a value of the wrong type, or --set without the reference: exit 2, one line naming it', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--target', 'reference', '--set', 'minRto=200'], /--set minRto: no such reference setting \(settings: .*minRtoMs/],
      [['--target', 'reference', '--set', 'rfc5961=maybe'], /--set rfc5961=maybe: true or false is expected/],
      [['--target', 'reference', '--set', 'minRtoMs=soon'], /--set minRtoMs=soon: a number is expected/],
      [['--target', 'reference', '--set', 'nothing'], /--set takes NAME=VALUE/],
      [['--set', 'rfc5961=false'], /--set changes the reference stack: use it with --target reference/],
    ];
    for (const [args, message] of cases) {
      const r = cli('run', 'scenarios/netcat-5000.ts', ...args);
      expect(r.code, r.err).to.equal(2);
      expect(r.err).to.match(message);
      expect(r.err.trim().split('\n')).to.have.length(1);
    }
  });

  it('build --peer reference shows what an RFC-correct peer answers, and checks it', () => {
    const r = cli('build', 'scenarios/conformance/nagle.ts', '--peer', 'reference', '--no-ladder');
    expect(r.code, r.out + r.err).to.equal(0);
    expect(r.out).to.match(/^PASS nagle: /m);
    expect(cli('build', 'scenarios/netcat-5000.ts', '--peer', 'someone').code).to.equal(2);
  });

  it('suite: the whole conformance suite, the slow set too, passes with no failure, and writes its JSON', () => {
    const json = join(dir, 'suite.json');
    const r = cli('suite', 'scenarios/conformance', 'scenarios/conformance/slow', '--target', 'reference', '--json', json);
    expect(r.code, r.out.split('\n').filter((l) => /FAIL|ERROR|XPASS/.test(l)).join('\n') || r.err).to.equal(0);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { target: string; totals: Record<string, number> };
    expect(doc.target).to.equal('reference');
    expect(doc.totals['failed']).to.equal(0);
    expect(doc.totals['notApplicable']).to.equal(0);
    expect(doc.totals['passed']).to.be.greaterThan(100);
  });

  it('matrix --targets reference runs without root and without a lab', () => {
    const md = join(dir, 'matrix.md');
    const r = cli('matrix', 'scenarios/conformance/nagle.ts', 'scenarios/conformance/rst-exact.ts', '--targets', 'reference', '--markdown', md);
    expect(r.code, r.out + r.err).to.equal(0);
    expect(r.err).to.contain('target reference: in memory, no lab');
    expect(readFileSync(md, 'utf8')).to.match(/nagle.*PASS/);
  });
});
