/** Failure explanations: file:line, step, every field (relative and raw), both segments in notation. */
import { expect } from 'chai';
import { formatDiff, formatFailure } from '../../src/engine/diagnose.js';
import { mismatchRun, runNetcat, seedPlan, timeoutRun } from './fixtures.js';
import { seedPeer } from '../support/memlink.js';
import { Flag } from '../../src/wire/tcp.js';

describe('report/diagnose', () => {
  it('formatDiff puts raw values beside relative ones', () => {
    expect(formatDiff({ field: 'ack', expected: '36', actual: '35', expectedRaw: 4126488372, actualRaw: 4126488371 })).to.equal(
      'ack: expected 36 (raw 4126488372) vs actual 35 (raw 4126488371)',
    );
    expect(formatDiff({ field: 'window', expected: '1000', actual: '2000' })).to.equal('window: expected 1000 vs actual 2000');
  });

  it('a passing report has no failure text', async () => {
    expect(formatFailure(await seedPlan())).to.equal(undefined);
  });

  it('mismatch: names file:line and step, lists every field, both segments, and what else arrived', async () => {
    expect(formatFailure(await mismatchRun())).to.equal(
      [
        "scenarios/netcat-5000.ts:29: step 5 (expect 'A'): the live segment differs in 3 fields:",
        "  flags: expected 'A' vs actual 'PA'",
        '  seq: expected 1 (raw 547479086) vs actual 2 (raw 547479087)',
        '  ack: expected 35 (raw 4126488371) vs actual 34 (raw 4126488370)',
        "  expected: expect('A', { seq: 1, ack: 35 })",
        '  actual:   expect(\'PA\', { seq: 2, ack: 34, window: 10233, payload: "no" })',
        '  other segments from the peer on this flow:',
        "    expect('A', { seq: 1, ack: 35, window: 10233 })",
      ].join('\n'),
    );
  });

  it('a single differing field says "1 field"', async () => {
    const r = await runNetcat(seedPeer({ onData: (p, l) => [l.reply({ flags: Flag.ACK, seq: 547479086, ack: p.tcp.seq + 30 })] }));
    const text = formatFailure(r)!;
    expect(text.split('\n').slice(0, 2)).to.deep.equal([
      "scenarios/netcat-5000.ts:29: step 5 (expect 'A'): the live segment differs in 1 field:",
      '  ack: expected 35 (raw 4126488371) vs actual 31 (raw 4126488367)',
    ]);
    expect(text).to.contain('  no other segment from the peer arrived on this flow');
  });

  it('timeout: names file:line, the step, the wait and the expectation', async () => {
    expect(formatFailure(await timeoutRun())).to.equal(
      [
        "scenarios/netcat-5000.ts:29: step 5 (expect 'A'): nothing arrived from the peer within 3000 ms",
        "  expected: expect('A', { seq: 1, ack: 35 })",
        '  no other segment from the peer arrived on this flow',
      ].join('\n'),
    );
  });

  it('error: names the file and step', async () => {
    const r = { ...(await seedPlan()), passed: false, failure: { kind: 'error' as const, stepIndex: 3, message: 'sendto: EPERM' } };
    expect(formatFailure(r)).to.equal('scenarios/netcat-5000.ts: step 4: sendto: EPERM');
    expect(formatFailure({ ...r, failure: { kind: 'error', message: 'interrupted' } })).to.equal('scenarios/netcat-5000.ts: interrupted');
  });
});
