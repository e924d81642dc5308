/**
 * The bench harness, once, with tiny counts, so that `make bench` cannot rot. Timings here mean
 * nothing (targets are read from `make bench`'s table, never checked by a timed test). Peers whose
 * Debian package is absent are skipped with a note; tcpcraft's own parts always run.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULL, runBench, type Row } from '../../bench/harness.js';

describe('bench smoke @live @flake', function () {
  this.timeout(180_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-bench-smoke-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs every benchmark once and writes one row per tool per metric', async () => {
    const out = join(tmp, 'results.json');
    const lines: string[] = [];
    const r = await runBench({ ...FULL, runs: 1, codecIterations: 2000, scapyIterations: 3, floodCount: 20000, floodSeconds: 0.3, out, log: (l) => lines.push(l), profile: false, matrixRuns: 0, capturePackets: 2000, interopBytes: 200_000, suitePaths: ['scenarios/conformance/closed-port-syn.ts', 'scenarios/conformance/fin-wait.ts', 'scenarios/conformance/echo-push.ts'] });
    for (const n of r.notes.filter((x) => /not installed/.test(x))) process.stdout.write(`      (skipped) ${n}\n`);
    const rows = JSON.parse(readFileSync(out, 'utf8')) as Row[];
    expect(rows).to.deep.equal(r.rows);
    for (const row of rows) expect(row).to.have.all.keys('metric', 'tool', 'median', 'min', 'max', 'unit', 'runs');
    const ours = (metric: RegExp) => rows.find((x) => x.tool === 'tcpcraft' && metric.test(x.metric));
    for (const m of [/^build SYN/, /^build PSH/, /^parse SYN/, /^parse PSH/, /^injection/, /^reaction/, /^netcat seed/, /^process start/]) {
      const row = ours(m);
      expect(row, `tcpcraft row for ${m}\n${r.table}\n${lines.join('\n')}`).to.exist;
      expect(row!.median, `tcpcraft ${m}\n${r.table}\n${lines.join('\n')}`).to.be.a('number').and.greaterThan(0);
    }
    // The conformance suite rows exist (and a failing suite run must not fail the harness).
    expect(ours(/^conformance suite wall time, 1 job/)).to.exist;
    // The reference stack's rows: the suite in memory, and every byte back through its echo.
    const ref = (metric: RegExp, tool: string) => rows.find((x) => x.tool === tool && metric.test(x.metric));
    expect(ref(/^conformance suite \(slow set too\)/, 'reference, in memory')?.median, r.notes.join('\n')).to.be.a('number').and.greaterThan(0);
    for (const tool of ['linux (veth)', 'reference (tap)', 'reference (tap, 1% loss + reorder)']) {
      expect(ref(/^10 MB through an echo/, tool)?.median, `${tool}\n${r.notes.join('\n')}`).to.be.a('number').and.greaterThan(0);
    }
    expect(r.table).to.match(/targets \(read from this table\):/);
  });
});
