/**
 * The RFC 9293 requirements table: every Appendix B ID exactly once, each checked by a scenario
 * or given a reason; scenarios/conformance/REQUIREMENTS.md and REQUIREMENTS.json exactly what
 * the generator makes from the scenarios and the kill matrix now (every scenario against every
 * mutant of the reference stack, in memory: no root); and no row once shown has stopped being shown.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadScenario } from '../../src/io/load.js';
import { discover } from '../../src/suite/discover.js';
import { APPENDIX_B, coverageProblems, NO_SCENARIO, requirementIds } from '../../src/suite/requirements.js';
import { killMatrix } from '../../src/suite/mutation.js';
import { SLOWEST_TIMERS } from '../../src/reference/settings.js';
import { coverageJson, coverageMarkdown, type CoverageJson } from '../../src/report/coverage.js';
import { TOOL } from '../../src/version.js';
import { ROOT } from '../support/live.js';

const DIR = join(ROOT, 'scenarios/conformance');


describe('RFC 9293 requirements table', function () {
  this.timeout(120_000);
  let scenarios: Array<{ path: string; rfc?: string }> = [];
  let doc: CoverageJson;
  before(async () => {
    const entries = [];
    for (const file of discover([DIR, join(DIR, 'slow')])) {
      const sc = await loadScenario(file);
      scenarios.push({ path: relative(DIR, file), ...(sc.rfc ? { rfc: sc.rfc } : {}) });
      entries.push({ file, name: sc.name, scenario: sc });
    }
    const m = await killMatrix(entries);
    doc = coverageJson(m, new Map(entries.map((e) => [e.file, e.scenario.rfc])), TOOL, (f) => relative(DIR, f));
  });

  it('lists MUST-1..69, SHLD-1..31, MAY-1..18 and REC-1, each once', () => {
    const ids = APPENDIX_B.map((r) => r.id);
    const want = [...[['MUST', 69], ['SHLD', 31], ['MAY', 18], ['REC', 1]].flatMap(([p, n]) => Array.from({ length: n as number }, (_, i) => `${p}-${i + 1}`))];
    expect([...ids].sort()).to.deep.equal([...want].sort());
  });

  it('reads requirement IDs out of an rfc: field', () => {
    expect(requirementIds('RFC 9293 §3.7.1 MUST-14, SHLD-5, MAY-3; RFC 1122 §4.2.2.6')).to.deep.equal(['MUST-14', 'SHLD-5', 'MAY-3']);
    expect(requirementIds('RFC 7323 §2.3 REC-1 MUST-14 MUST-14')).to.deep.equal(['REC-1', 'MUST-14']);
    expect(requirementIds('RFC 5961 §3.2')).to.deep.equal([]);
    expect(requirementIds(undefined)).to.deep.equal([]);
  });

  it('has at least 80 conformance scenarios (not counting the slow set)', () => {
    expect(readdirSync(DIR).filter((f) => f.endsWith('.ts')).length).to.be.at.least(80);
  });

  it('gives every row a scenario or a reason, never both, and knows every ID a scenario names', () => {
    expect(coverageProblems(scenarios)).to.deep.equal([]);
  });

  it('reports a row with neither, an unknown ID, and a row with both', () => {
    const without = scenarios.filter((s) => !requirementIds(s.rfc).includes('MUST-3'));
    expect(coverageProblems(without)).to.deep.equal(['MUST-3 (the receiver checks the checksum): no scenario names it and no reason says why none can']);
    expect(coverageProblems([...scenarios, { path: 'x.ts', rfc: 'RFC 9293 MUST-70' }])).to.deep.equal(['x.ts: MUST-70 is not an RFC 9293 Appendix B requirement']);
    const apiRow = Object.keys(NO_SCENARIO)[0]!;
    expect(coverageProblems([...scenarios, { path: 'y.ts', rfc: `RFC 9293 ${apiRow}` }])).to.deep.equal([`${apiRow}: named by y.ts, but also listed as having no scenario`]);
  });

  it('no row shown in the committed REQUIREMENTS.json has stopped being shown (a scenario or a mutant changed)', () => {
    const before = JSON.parse(readFileSync(join(DIR, 'REQUIREMENTS.json'), 'utf8')) as CoverageJson;
    const now = new Map(doc.requirements.map((r) => [r.id, r.status]));
    const lost = before.requirements.filter((r) => r.status === 'shown' && now.get(r.id) !== 'shown').map((r) => `${r.id} is now ${now.get(r.id)}`);
    expect(lost, lost.join('; ')).to.deep.equal([]);
  });

  it('every row a scenario names is shown: each of its mutants is killed by one of those scenarios', () => {
    const claimed = doc.requirements.filter((r) => r.status === 'claimed').map((r) => r.id);
    expect(claimed, `rows claimed but not shown: ${claimed.join(', ')}`).to.deep.equal([]);
    const alive = doc.mutants.filter((m) => m.killedByOwn.length === 0).map((m) => `${m.name} [${m.requirement}]`);
    expect(alive, `mutants no scenario naming their requirement kills: ${alive.join(', ')}`).to.deep.equal([]);
  });

  it('with the slowest timers the RFCs allow (ACKs delayed 500 ms, a 100 ms clock), every scenario still passes and every mutant is still killed: checks of absence outlast them', async () => {
    const entries = [];
    for (const file of discover([DIR, join(DIR, 'slow')])) entries.push({ file, name: file, scenario: await loadScenario(file) });
    const slow = await killMatrix(entries, undefined, undefined, SLOWEST_TIMERS);
    const notPassing = [...slow.baseline].filter(([, v]) => v !== 'pass').map(([f, v]) => `${relative(DIR, f)} ${v}`);
    expect(notPassing, notPassing.join('; ')).to.deep.equal([]);
    const alive = slow.mutants.filter((r) => r.killedByOwn.length === 0).map((r) => r.mutant.name);
    expect(alive, `mutants alive with the slowest timers: ${alive.join(', ')}`).to.deep.equal([]);
  });

  it('every expected failure of the conformance suite is pinned to a step (and a field)', async () => {
    const loose: string[] = [];
    for (const file of discover([DIR, join(DIR, 'slow')])) {
      const sc = await loadScenario(file);
      for (const [target, mark] of Object.entries(sc.expectedFailures ?? {})) if (typeof mark === 'string' || mark.field === undefined) loose.push(`${relative(DIR, file)}: ${target}`);
    }
    expect(loose, `not pinned: ${loose.join(', ')}`).to.deep.equal([]);
  });

  it('REQUIREMENTS.md and REQUIREMENTS.json are what the generator makes now (run make requirements after changing a scenario or a mutant)', () => {
    const text = readFileSync(join(DIR, 'REQUIREMENTS.md'), 'utf8');
    expect(text).to.equal(coverageMarkdown(doc));
    expect(JSON.parse(readFileSync(join(DIR, 'REQUIREMENTS.json'), 'utf8'))).to.deep.equal(JSON.parse(JSON.stringify(doc)));
    for (const r of APPENDIX_B) expect(text.split('\n').filter((l) => l.startsWith(`| ${r.id} |`)), r.id).to.have.length(1);
  });
});
