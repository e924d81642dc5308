/**
 * The whole conformance suite on every lab target: the matrix has no ERROR cell and no stale
 * expected-failure mark, Linux passes all but its marked deviations, each FAIL cell says what
 * differs. Every mutated twin on every target (wherever an original passes, its twin fails at
 * the mutated step) takes as long again, so it is tagged @flake: `make flake` runs it, `make
 * test` checks the twins on Linux only (twins.test.ts). Needs root and the targets' packages
 * (make setup). Prints the matrices' wall times.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TARGET_NAMES } from '../../src/io/targets.js';
import { outputOf, ROOT, runBounded } from '../support/live.js';
import { DIR, TWINS, twinSource } from './twins-table.js';

interface Cell {
  scenario: string;
  target: string;
  verdict: string;
  summary: string;
  result: { file: string; report: { failure: { step: number | null } | null } | null } | null;
}

/** What a FAIL cell says: the field that differs, or that a segment did not come or came uninvited. */
const SAYS_WHAT = /^(flags|seq|ack|rawSeq|valid|window|urgent|len|payload|options|ip|time) .+ ≠ |^no \S+ within \d+ ms$|^unexpected \S+ during silence$/;

async function matrix(dir: string, json: string): Promise<Cell[]> {
  const t0 = Date.now();
  const r = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'matrix', dir, '--json', json], 400_000);
  process.stdout.write(`      matrix of ${dir === DIR ? 'the conformance suite' : 'the twins'} on ${TARGET_NAMES.length} targets: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  expect(r.code, outputOf(r)).to.be.oneOf([0, 1]);
  return (JSON.parse(readFileSync(json, 'utf8')) as { cells: Cell[] }).cells;
}

describe('the conformance matrix over every lab target @live', function () {
  this.timeout(900_000);
  let tmp = '';
  let originals: Cell[] = [];
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-matrix-'));
    originals = await matrix(DIR, join(tmp, 'originals.json'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('has a cell for every scenario on every target, none of them ERROR or XPASS', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    expect(originals).to.have.length(files.length * TARGET_NAMES.length);
    const bad = originals.filter((c) => c.verdict === 'error' || c.verdict === 'xpass').map((c) => `${c.scenario} on ${c.target}: ${c.verdict} ${c.summary}`);
    expect(bad, bad.join('\n')).to.deep.equal([]);
  });

  it('passes everything on the host kernel but its marked deviations, and each FAIL cell says what differs', () => {
    expect(originals.filter((c) => c.target === 'linux' && c.verdict !== 'pass' && c.verdict !== 'xfail').map((c) => `${c.scenario}: ${c.verdict} ${c.summary}`)).to.deep.equal([]);
    const vague = originals.filter((c) => c.verdict === 'fail' && !SAYS_WHAT.test(c.summary)).map((c) => `${c.scenario} on ${c.target}: ${c.summary}`);
    expect(vague, vague.join('\n')).to.deep.equal([]);
  });
});

describe('every mutated twin over every lab target @live @flake', function () {
  this.timeout(900_000);
  let tmp = '';
  let originals: Cell[] = [];
  let twins: Cell[] = [];
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-matrix-twins-'));
    const twinDir = join(tmp, 'twins');
    await runBounded(['mkdir', '-p', twinDir], 5000);
    for (const t of TWINS) writeFileSync(join(twinDir, t.file), twinSource(t));
    originals = await matrix(DIR, join(tmp, 'originals.json'));
    twins = await matrix(twinDir, join(tmp, 'twins.json'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('wherever an original passes, its twin fails at the mutated step', () => {
    const wrong: string[] = [];
    for (const t of TWINS) {
      for (const target of TARGET_NAMES) {
        const original = originals.find((c) => c.target === target && c.result?.file.endsWith(`/${t.file}`));
        if (original?.verdict !== 'pass') continue;
        const twin = twins.find((c) => c.target === target && c.result?.file.endsWith(`/${t.file}`));
        const step = twin?.result?.report?.failure?.step;
        if (twin?.verdict !== 'fail' || step !== t.step) wrong.push(`${t.file} on ${target}: twin ${twin?.verdict ?? 'missing'} at step ${step ?? '-'} (${twin?.summary ?? ''}), expected a failure at step ${t.step} (${t.why})`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
  });
});
