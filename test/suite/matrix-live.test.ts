/**
 * `tcpcraft matrix` against the lab targets: each in a lab of its own, brought up and always taken
 * down; one cell per scenario and target; FAIL cells name the field that differs; the reports
 * (table, JSON, Markdown, JUnit with one testsuite per target) agree. Needs root and the targets'
 * packages (make setup).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputOf, ROOT, runBounded } from '../support/live.js';
import { checkJunit } from './junit.js';
import { assertValid, validatorFor } from '../support/schema.js';

const DIR = `${ROOT}scenarios/conformance`;
const FILES = ['closed-port-syn.ts', 'rst-exact.ts', 'closed-port-ack.ts'].map((f) => `${DIR}/${f}`);
const TARGETS = ['linux', 'lwip', 'slirp'];
const FIELD = /^(flags|seq|ack|window|urgent|len|payload|options|time) /;

interface Json {
  tool: { name: string; version: string };
  targets: Array<{ name: string; stack: string; version: string; startupMs: number }>;
  scenarios: Array<{ name: string; file: string; rfc: string | null }>;
  cells: Array<{ scenario: string; target: string; verdict: string; summary: string; report: unknown }>;
}

describe('tcpcraft matrix @live', function () {
  this.timeout(240_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-matrix-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario on every target and reports the differences it finds, leaving no lab behind', async () => {
    const json = join(dir, 'm.json');
    const md = join(dir, 'm.md');
    const junit = join(dir, 'm.xml');
    const t0 = Date.now();
    const r = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'matrix', ...FILES, '--targets', TARGETS.join(','), '--json', json, '--markdown', md, '--junit', junit], 200_000);
    process.stdout.write(`      matrix of ${FILES.length} scenarios x ${TARGETS.length} targets: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    // The stacks differ (lwIP answers with RST and ACK where RFC 9293 says a bare RST), but the
    // scenarios record that as an expected failure with its reason: nothing fails, exit 0.
    expect(r.code, outputOf(r)).to.equal(0);
    const m = JSON.parse(readFileSync(json, 'utf8')) as Json;
    assertValid(validatorFor('matrix'), m);
    expect(m.tool.name).to.equal('tcpcraft');
    expect(m.targets.map((t) => t.name)).to.deep.equal(TARGETS);
    for (const t of m.targets) expect(t.version, t.name).to.match(/^(Linux|lwIP|libslirp) \d/);
    expect(m.scenarios.map((s) => s.name)).to.deep.equal(['closed-port-syn', 'rst-exact', 'closed-port-ack']);
    expect(m.cells).to.have.length(FILES.length * TARGETS.length);
    expect(m.cells.filter((c) => c.verdict === 'error'), 'no ERROR cell').to.deep.equal([]);
    for (const c of m.cells.filter((x) => x.verdict === 'fail')) expect(c.summary, `${c.scenario} on ${c.target}`).to.match(FIELD);
    const verdict = (s: string, t: string) => m.cells.find((c) => c.scenario === s && c.target === t)?.verdict;
    for (const t of TARGETS) expect(verdict('closed-port-syn', t), t).to.equal('pass');
    expect(TARGETS.map((t) => verdict('rst-exact', t))).to.deep.equal(['pass', 'xfail', 'pass']);
    expect(TARGETS.map((t) => verdict('closed-port-ack', t))).to.deep.equal(['pass', 'xfail', 'pass']);
    // The text table and the Markdown show the same cells.
    const table = r.stdout.toString();
    expect(table).to.match(/^scenario\s+linux\s+lwip\s+slirp$/m);
    expect(table).to.match(/^rst-exact\s+PASS\s+XFAIL\s+PASS$/m);
    expect(readFileSync(md, 'utf8')).to.match(/^\| rst-exact \| RFC 5961 §3\.2[^|]* \| PASS \| XFAIL \| PASS \|$/m);
    const j = checkJunit(junit);
    expect(j.tests).to.equal(FILES.length * TARGETS.length);
    expect(j.failures).to.equal(m.cells.filter((c) => c.verdict === 'fail' || c.verdict === 'xpass').length);
    expect(j.skipped).to.equal(m.cells.filter((c) => c.verdict === 'xfail' || c.verdict === 'na').length);
    expect((readFileSync(junit, 'utf8').match(/<testsuite /g) ?? []).length).to.equal(TARGETS.length);
    // Every lab the matrix made is gone, and no guard table is left.
    const ns = await runBounded(['ip', 'netns', 'list'], 5000);
    expect(ns.stdout.toString().split('\n').filter((l) => /^mx[0-9a-f]{6}\d-/.test(l))).to.deep.equal([]);
    const nft = await runBounded(['nft', 'list', 'tables'], 5000);
    expect(nft.stdout.toString()).to.not.contain('tcpcraft_');
  });

  it('refuses an unknown target and a bad shard with one sentence, exit 2', async () => {
    const bad = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'matrix', FILES[0]!, '--targets', 'linux,bsd'], 20_000);
    expect(bad.code, outputOf(bad)).to.equal(2);
    expect(bad.stderr).to.match(/unknown lab target 'bsd': use one of linux, linux-uml, gvisor, lwip, slirp/);
    const shard = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'matrix', FILES[0]!, '--shard', '3/2'], 20_000);
    expect(shard.code, outputOf(shard)).to.equal(2);
    expect(shard.stderr).to.match(/--shard takes i\/n/);
  });
});
