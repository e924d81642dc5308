/**
 * The JSON Schemas in schemas/: current with src/report/schemas.ts, valid draft-07 in ajv's strict
 * mode, met by real documents of every kind (run: pass, mismatch, timeout, error, interrupted;
 * suite; matrix) and failed by documents with a field added, removed or of the wrong type.
 */
import { expect as chaiExpect } from 'chai';
import { readFileSync } from 'node:fs';
import { runScenario } from '../../src/engine/run.js';
import type { RunReport } from '../../src/engine/report.js';
import { loadScenario } from '../../src/io/load.js';
import { runJson } from '../../src/report/json.js';
import { SCHEMA_FILES, schemaText } from '../../src/report/schemas.js';
import { suiteJson } from '../../src/report/suite.js';
import { matrixJson, type MatrixOutcome } from '../../src/report/matrix.js';
import type { SuiteResult } from '../../src/suite/result.js';
import { suiteResultJson } from '../../src/report/suite.js';
import { Flag } from '../../src/wire/tcp.js';
import { MemLink, seedPeer, VirtualClock, type PeerScript } from '../support/memlink.js';
import { SEED_FLOW, SEED_ISN } from '../engine/helpers.js';
import { VERSION } from '../../src/version.js';
import { assertValid, validatorFor } from '../support/schema.js';

const FILE = 'scenarios/netcat-5000.ts';

async function report(script: PeerScript, signal?: AbortSignal): Promise<RunReport> {
  const clock = new VirtualClock();
  const link = new MemLink(SEED_FLOW, clock, script, true);
  const sc = await loadScenario(FILE);
  return runScenario(sc, { file: FILE, flow: SEED_FLOW, localIsn: SEED_ISN }, { link, frames: link.frames, clock, ...(signal ? { signal } : {}) });
}

describe('JSON reports and their schemas', () => {
  const reports = new Map<string, RunReport>();
  before(async () => {
    reports.set('pass', await report(seedPeer()));
    reports.set('mismatch', await report(seedPeer({ onData: (p, l) => [l.reply({ flags: Flag.PSH | Flag.ACK, seq: 547479087, ack: p.tcp.seq + 33, window: 10233, payload: 'no' })] })));
    reports.set('timeout', await report(seedPeer({ answerFirst: 1 })));
    const ac = new AbortController();
    ac.abort('SIGINT');
    reports.set('interrupted', await report(seedPeer(), ac.signal));
    const pass = reports.get('pass')!;
    reports.set('error', { ...pass, passed: false, failure: { kind: 'error', stepIndex: 2, message: 'send failed: ENETDOWN' } });
  });

  it('schemas/*.json are what src/report/schemas.ts says (make schemas rewrites them)', () => {
    for (const [name, schema] of Object.entries(SCHEMA_FILES)) {
      chaiExpect(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8'), name).to.equal(schemaText(schema));
    }
  });

  it('run documents of every outcome meet run.schema.json, with format, version and tool', () => {
    const v = validatorFor('run');
    for (const [kind, r] of reports) {
      const doc = runJson(r, kind === 'mismatch' ? { target: 'linux', expectedFailure: 'known' } : {});
      assertValid(v, doc);
      chaiExpect(doc).to.deep.include({ format: 'tcpcraft-run', formatVersion: 1, tool: { name: 'tcpcraft', version: VERSION } });
      chaiExpect(doc.failure?.kind ?? 'pass', kind).to.equal(kind);
    }
    chaiExpect(runJson(reports.get('mismatch')!, { target: 'linux', expectedFailure: 'known' }).verdict).to.equal('xfail');
    chaiExpect(runJson(reports.get('interrupted')!)).to.deep.include({ verdict: 'interrupted', interrupted: 'SIGINT' });
  });

  it('the schema is not a formality: an added field, a missing one, a wrong type or a bad enum fail', () => {
    const v = validatorFor('run');
    const good = JSON.parse(JSON.stringify(runJson(reports.get('mismatch')!))) as Record<string, unknown>;
    const mutants: Array<[string, (d: Record<string, unknown>) => void]> = [
      ['extra top-level field', (d) => (d.extra = 1)],
      ['missing tool', (d) => delete d.tool],
      ['isn as a string', (d) => (d.isn = '4126488336')],
      ['unknown verdict', (d) => (d.verdict = 'maybe')],
      ['flags with a bad letter', (d) => ((d.events as Array<Record<string, unknown>>)[0]!.flags = 'SX')],
      ['timeUs as a number', (d) => ((d.events as Array<Record<string, unknown>>)[0]!.timeUs = 1)],
      ['diff field unknown', (d) => (((d.failure as Record<string, unknown>).diffs as Array<Record<string, unknown>>)[0]!.field = 'colour')],
      ['wrong formatVersion', (d) => (d.formatVersion = 2)],
    ];
    for (const [what, mutate] of mutants) {
      const d = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
      mutate(d);
      chaiExpect(v(d), what).to.equal(false);
    }
  });

  const results = (): SuiteResult[] => [
    { index: 0, file: FILE, name: 'netcat-5000', verdict: 'pass', durationMs: 12.3, startMs: 0, endMs: 12.3, report: reports.get('pass')! },
    { index: 1, file: 'b.ts', name: 'b', rfc: 'RFC 9293 3.10.7.4', level: 'SHOULD', verdict: 'fail', message: 'diff', durationMs: 5, startMs: 1, endMs: 6, report: reports.get('mismatch')! },
    { index: 2, file: 'c.ts', name: 'c', verdict: 'xfail', expectedFailure: 'lwIP', message: 'timeout', durationMs: 3000, startMs: 2, endMs: 3002, report: reports.get('timeout')! },
    { index: 3, file: 'd.ts', name: 'd', verdict: 'error', message: 'd.ts: does not load', durationMs: 0, startMs: 3, endMs: 3 },
    { index: 4, file: 'e.ts', name: 'e', verdict: 'na', message: 'requires sack', durationMs: 0, startMs: 3, endMs: 3 },
    { index: 5, file: 'f.ts', name: 'f', verdict: 'interrupted', message: 'interrupted at step 1 (SIGINT)', durationMs: 4, startMs: 3, endMs: 7, report: reports.get('interrupted')! },
    { index: 6, file: 'g.ts', name: 'g', verdict: 'interrupted', message: 'not started (SIGINT)', durationMs: 0, startMs: 7, endMs: 7 },
  ];

  it('a suite document meets suite.schema.json: an object with totals, tool, target and each result', () => {
    const doc = suiteJson(results(), { target: 'linux', startedAt: new Date('2026-11-30T12:00:00Z'), wallMs: 3010.4, interrupted: 'SIGINT' });
    assertValid(validatorFor('suite'), doc);
    chaiExpect(doc.totals).to.deep.equal({ total: 7, passed: 1, failed: 2, expectedFailures: 1, notApplicable: 1, interrupted: 2 });
    chaiExpect(doc).to.deep.include({ format: 'tcpcraft-suite', target: 'linux', interrupted: 'SIGINT', wallMs: 3010 });
    chaiExpect(doc.results.map((r) => r.summary)).to.deep.equal(['', "flags 'A' ≠ 'PA' (+2)", 'no A within 3000 ms', 'd.ts: does not load', 'requires sack', 'interrupted at step 1 (SIGINT)', 'not started (SIGINT)']);
  });

  it('a matrix document meets matrix.schema.json, with totals per target and overall', () => {
    const rs = results();
    const m: MatrixOutcome = {
      targets: [
        { name: 'linux', stack: 'Linux', version: '6.8', startupMs: 100, suiteMs: 2000 },
        { name: 'lwip', stack: 'lwIP', version: '2.1.3', startupMs: 90, suiteMs: 0, error: 'not run (SIGINT)' },
      ],
      scenarios: rs.map((r) => ({ name: r.name, file: r.file, rfc: r.rfc ?? null })),
      cells: rs.flatMap((r) => [
        { scenario: r.name, file: r.file, target: 'linux' as const, verdict: r.verdict, level: r.level ?? 'MUST', summary: '', result: suiteResultJson(r, 'linux') },
        { scenario: r.name, file: r.file, target: 'lwip' as const, verdict: 'interrupted' as const, level: 'MUST' as const, summary: 'not run (SIGINT)', result: null },
      ]),
      wallMs: 2190,
      startedAt: new Date('2026-11-30T12:00:00Z'),
      results: new Map(),
      interrupted: 'SIGINT',
    };
    const doc = matrixJson(m);
    assertValid(validatorFor('matrix'), doc);
    chaiExpect(doc.totals).to.deep.equal({ total: 14, passed: 1, failed: 2, expectedFailures: 1, notApplicable: 1, interrupted: 9 });
    chaiExpect(doc.targets[1]!.totals.interrupted).to.equal(7);
  });
});
