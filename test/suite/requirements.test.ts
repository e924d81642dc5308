/**
 * The RFC 9293 requirements table: every Appendix B ID exactly once, each checked by a scenario
 * or given a reason, and scenarios/conformance/REQUIREMENTS.md exactly what the generator makes
 * from the scenarios now (loading scenarios needs no root).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadScenario } from '../../src/io/load.js';
import { discover } from '../../src/suite/discover.js';
import { APPENDIX_B, coverageProblems, NO_SCENARIO, requirementIds, requirementsMarkdown } from '../../src/suite/requirements.js';
import { ROOT } from '../support/live.js';

const DIR = join(ROOT, 'scenarios/conformance');

describe('RFC 9293 requirements table', function () {
  this.timeout(120_000);
  let scenarios: Array<{ path: string; rfc?: string }> = [];
  before(async () => {
    for (const file of discover([DIR, join(DIR, 'slow')])) {
      const sc = await loadScenario(file);
      scenarios.push({ path: relative(DIR, file), ...(sc.rfc ? { rfc: sc.rfc } : {}) });
    }
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

  it('REQUIREMENTS.md is what the generator makes from the scenarios (run make requirements after changing one)', () => {
    const text = readFileSync(join(DIR, 'REQUIREMENTS.md'), 'utf8');
    expect(text).to.equal(requirementsMarkdown(scenarios));
    for (const r of APPENDIX_B) expect(text.split('\n').filter((l) => l.startsWith(`| ${r.id} |`)), r.id).to.have.length(1);
  });
});
