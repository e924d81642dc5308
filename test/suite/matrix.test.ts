/** The matrix's pure parts: cells as text, the table, Markdown and JSON shapes, exit status, shards. */
import { expect } from 'chai';
import { parseShard, shardOf } from '../../src/suite/discover.js';
import { BEGIN, END, findingsMarkdown, replaceSection } from '../../src/suite/findings.js';
import { cellText, matrixFailed, matrixJson, matrixMarkdown, matrixTable, type MatrixCell, type MatrixOutcome } from '../../src/report/matrix.js';
import { UsageError } from '../../src/errors.js';

const cell = (scenario: string, target: 'linux' | 'lwip', verdict: MatrixCell['verdict'], summary = '', level: MatrixCell['level'] = 'MUST'): MatrixCell => ({ scenario, file: `${scenario}.ts`, target, verdict, level, summary, result: null });

function outcome(cells: MatrixCell[]): MatrixOutcome {
  return {
    targets: [
      { name: 'linux', stack: 'Linux', version: 'Linux 6.1.0', startupMs: 120, suiteMs: 4000 },
      { name: 'lwip', stack: 'lwIP', version: 'lwIP 2.1.3', startupMs: 80, suiteMs: 5000 },
    ],
    scenarios: [
      { name: 'rst-exact', file: 'rst-exact.ts', rfc: 'RFC 9293 §3.10.7.4' },
      { name: 'mss', file: 'mss.ts', rfc: null },
    ],
    cells,
    wallMs: 9500,
    startedAt: new Date(0),
    results: new Map(),
  };
}

describe('suite/matrix', () => {
  const m = outcome([cell('rst-exact', 'linux', 'pass'), cell('rst-exact', 'lwip', 'fail', 'flags | A ≠ R'), cell('mss', 'linux', 'xfail', 'x'), cell('mss', 'lwip', 'na')]);

  it('a cell says its verdict, and for a failure the first difference', () => {
    expect(m.cells.map(cellText)).to.deep.equal(['PASS', 'FAIL flags | A ≠ R', 'XFAIL', 'N/A']);
    expect(cellText(cell('a', 'linux', 'error', 'lab did not come up'))).to.equal('ERROR lab did not come up');
    expect(cellText(cell('a', 'linux', 'fail', 'ack 1 ≠ 2', 'SHOULD'))).to.equal('FAIL [SHOULD] ack 1 ≠ 2');
    expect(cellText(cell('a', 'linux', 'na', 'requires sack', 'MAY'))).to.equal('N/A');
  });

  it('the table has a row per scenario and a column per target', () => {
    expect(matrixTable(m).split('\n')).to.deep.equal([
      'scenario   linux  lwip',
      '---------  -----  ------------------',
      'rst-exact  PASS   FAIL flags | A ≠ R',
      'mss        XFAIL  N/A',
      '',
    ]);
  });

  it('Markdown escapes pipes and names each target with its version', () => {
    const md = matrixMarkdown(m).split('\n');
    expect(md[0]).to.equal('| scenario | rfc | linux (Linux 6.1.0) | lwip (lwIP 2.1.3) |');
    expect(md[2]).to.equal('| rst-exact | RFC 9293 §3.10.7.4 | PASS | FAIL flags \\| A ≠ R |');
  });

  it('JSON: tool, targets, scenarios, one cell per scenario and target', () => {
    const j = matrixJson(m, { name: 'tcpcraft', version: '0.1.0' });
    expect(j.tool).to.deep.equal({ name: 'tcpcraft', version: '0.1.0' });
    expect(j.targets.map((t) => t.name)).to.deep.equal(['linux', 'lwip']);
    expect(j.scenarios).to.have.length(2);
    expect(j.cells.map((c) => c.verdict)).to.deep.equal(['pass', 'fail', 'xfail', 'na']);
  });

  it('fails when a cell fails, passes an unexpected pass, or errs; N/A and XFAIL do not fail it', () => {
    expect(matrixFailed(m)).to.equal(true);
    expect(matrixFailed(outcome([cell('a', 'linux', 'pass'), cell('a', 'lwip', 'na'), cell('b', 'linux', 'xfail')]))).to.equal(false);
    expect(matrixFailed(outcome([cell('a', 'linux', 'xpass')]))).to.equal(true);
  });

  it('shards are disjoint, cover every file and differ in size by at most one', () => {
    const files = Array.from({ length: 11 }, (_, i) => `f${i}`);
    const shards = [1, 2, 3, 4].map((i) => shardOf(files, { index: i, count: 4 }));
    expect(shards.flat().sort()).to.deep.equal([...files].sort());
    expect(shards.map((s) => s.length)).to.deep.equal([3, 3, 3, 2]);
    expect(shardOf(files, undefined)).to.deep.equal(files);
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1']) expect(() => parseShard(bad), bad).to.throw(UsageError, /i\/n/);
  });
});

describe('suite/findings', () => {
  const m = {
    targets: [{ name: 'linux', version: 'Linux 6.1' }, { name: 'lwip', version: 'lwIP 2.1.3' }],
    scenarios: [{ name: 'rst-exact', file: 'rst-exact.ts', rfc: 'RFC 9293 §3.10.7.4' }, { name: 'paws', file: 'paws.ts', rfc: 'RFC 7323 §5.3' }],
    cells: [
      { scenario: 'rst-exact', target: 'linux', verdict: 'pass', summary: '', result: null },
      { scenario: 'rst-exact', target: 'lwip', verdict: 'xfail', summary: "flags 'R' ≠ 'RA'", result: { expectedFailure: 'lwIP sets ACK on every RST (tcp_rst())' } },
      { scenario: 'paws', target: 'lwip', verdict: 'na', level: 'MUST', summary: 'requires timestamps', result: null },
      { scenario: 'paws', target: 'linux', verdict: 'fail', level: 'SHOULD', summary: 'ack 7 | 13', result: null },
    ],
  };

  it('a row per scenario and target that did not simply pass, with the recorded reason for a known difference', () => {
    const lines = findingsMarkdown(m).split('\n');
    expect(lines[0]).to.equal('Made from a matrix run over linux (Linux 6.1), lwip (lwIP 2.1.3): every scenario and target that did not simply pass.');
    expect(lines.slice(4, 7)).to.deep.equal([
      '| paws | RFC 7323 §5.3 (SHOULD) | linux | differs | ack 7 \\| 13 |',
      '| paws | RFC 7323 §5.3 | lwip | N/A | requires timestamps |',
      '| rst-exact | RFC 9293 §3.10.7.4 | lwip | differs (known) | lwIP sets ACK on every RST (tcp_rst()) |',
    ]);
  });

  it('rewrites only the marked section of the README, and adds it when it is missing', () => {
    const readme = `# title\n\ntext\n\n## Where the stacks differ\n\n${BEGIN}\nold table\n${END}\n\nafter\n`;
    const out = replaceSection(readme, 'new table\n');
    expect(out).to.equal(`# title\n\ntext\n\n## Where the stacks differ\n\n${BEGIN}\nnew table\n${END}\n\nafter\n`);
    expect(replaceSection('# t\n', 'x\n')).to.equal(`# t\n\n## Where the stacks differ\n\n${BEGIN}\nx\n${END}\n`);
  });
});
