/** The JSON report: every step's segments with relative and raw numbers, and the failure. */
import { expect } from 'chai';
import { reportJson } from '../../src/report/json.js';
import { mismatchRun, seedPlan, timeoutRun } from './fixtures.js';

type Json = Record<string, unknown> & { events: Array<Record<string, unknown>>; failure: Record<string, unknown> | null };

describe('report/json', () => {
  it('a passing plan: header fields and one entry per segment', async () => {
    const j = JSON.parse(JSON.stringify(reportJson(await seedPlan()))) as Json;
    expect(Object.keys(j)).to.deep.equal(['scenario', 'file', 'passed', 'flow', 'isn', 'peerIsn', 'durationMs', 'role', 'events', 'leftovers', 'failure']);
    expect(j).to.deep.include({
      scenario: 'netcat-5000',
      file: 'scenarios/netcat-5000.ts',
      passed: true,
      flow: { localIp: '10.77.0.1', localPort: 24491, peerIp: '10.77.0.2', peerPort: 5000 },
      isn: 4126488336,
      peerIsn: 547479085,
      durationMs: 9,
      leftovers: [],
      failure: null,
    });
    expect(j.events).to.have.length(9);
    expect(j.events[0]).to.deep.equal({
      kind: 'sent',
      step: 1,
      dir: 'out',
      timeUs: '0',
      flags: 'S',
      seq: 0,
      ack: null,
      len: 0,
      rawSeq: 4126488336,
      rawAck: 0,
      window: 65535,
      options: 'mss 1460,nop,wscale 8,nop,nop,sackOK',
      checksums: { ip: 'good', tcp: 'good' },
      payloadHex: '',
      packetHex: (j.events[0] as { packetHex: string }).packetHex,
    });
    // The whole packet: a 20-byte IPv4 header (no options, DF) and a 32-byte TCP header (12 bytes
    // of options), our port 24491 (0x5fab) to 5000 (0x1388), seq 4126488336 (0xf5f53710).
    const hex = (j.events[0] as { packetHex: string }).packetHex;
    expect(hex).to.match(/^4500003400004000/);
    expect(hex.slice(40, 56)).to.equal('5fab1388f5f53710');
    expect(hex).to.have.length((20 + 32) * 2);
    expect(j.events.map((e) => [e.step, e.flags, e.seq, e.ack, e.len, e.rawSeq, e.rawAck])).to.deep.equal([
      [1, 'S', 0, null, 0, 4126488336, 0],
      [2, 'SA', 0, 1, 0, 547479085, 4126488337],
      [3, 'A', 1, 1, 0, 4126488337, 547479086],
      [4, 'PA', 1, 1, 34, 4126488337, 547479086],
      [5, 'A', 1, 35, 0, 547479086, 4126488371],
      [6, 'FA', 35, 1, 0, 4126488371, 547479086],
      [7, 'A', 1, 36, 0, 547479086, 4126488372],
      [8, 'FA', 1, 36, 0, 547479086, 4126488372],
      [9, 'A', 36, 2, 0, 4126488372, 547479087],
    ]);
    expect(Buffer.from(j.events[3]!.payloadHex as string, 'hex').toString()).to.equal('Hello from tcpcraft, over netcat!\n');
  });

  it('a mismatch: step, line, every diff with its text, the actual segment', async () => {
    const j = JSON.parse(JSON.stringify(reportJson(await mismatchRun()))) as Json;
    expect(j.passed).to.equal(false);
    const f = j.failure!;
    expect(f).to.deep.include({ kind: 'mismatch', step: 5, line: 29 });
    expect(f.diffs).to.deep.equal([
      { field: 'flags', expected: "'A'", actual: "'PA'", text: "flags: expected 'A' vs actual 'PA'" },
      { field: 'seq', expected: '1', actual: '2', expectedRaw: 547479086, actualRaw: 547479087, text: 'seq: expected 1 (raw 547479086) vs actual 2 (raw 547479087)' },
      { field: 'ack', expected: '35', actual: '34', expectedRaw: 4126488371, actualRaw: 4126488370, text: 'ack: expected 35 (raw 4126488371) vs actual 34 (raw 4126488370)' },
    ]);
    expect(f.actual).to.deep.include({ dir: 'in', flags: 'PA', seq: 2, ack: 34, len: 2, rawSeq: 547479087, rawAck: 4126488370, payloadHex: '6e6f' });
    expect(j.events.map((e) => [e.kind, e.step])).to.deep.equal([
      ['sent', 1],
      ['received', 2],
      ['sent', 3],
      ['sent', 4],
      ['unmatched', null],
      ['unmatched', null],
      ['cleanup', null],
    ]);
  });

  it('a timeout: step, line and the wait', async () => {
    const j = reportJson(await timeoutRun()) as unknown as Json;
    expect(j.failure).to.deep.equal({ kind: 'timeout', step: 5, line: 29, waitedMs: 3000 });
  });

  it('an error: step and message', async () => {
    const r = { ...(await seedPlan()), passed: false, failure: { kind: 'error' as const, message: 'interrupted' } };
    expect((reportJson(r) as unknown as Json).failure).to.deep.equal({ kind: 'error', step: null, message: 'interrupted' });
  });
});
