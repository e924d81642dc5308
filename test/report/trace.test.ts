/** The trace table (relative and raw side by side) and the ladder diagram. */
import { expect } from 'chai';
import { formatLadder } from '../../src/report/ladder.js';
import { formatTrace, table, traceRow } from '../../src/report/trace.js';
import { Flag } from '../../src/wire/tcp.js';
import { SEED_ISN, SEED_PEER_ISN, viewFor } from '../engine/helpers.js';
import { mismatchRun, seedPlan, timeoutRun } from './fixtures.js';

const ISNS = { local: SEED_ISN, peer: SEED_PEER_ISN };

describe('report/trace', () => {
  it("prints the seed's rows with relative and raw numbers side by side", async () => {
    expect(formatTrace(await seedPlan())).to.equal(
      [
        'netcat-5000  10.77.0.1:24491 > 10.77.0.2:5000  (ISN 4126488336, peer ISN 547479085; seq/ack relative, raw beside them)',
        '#  step  time      dir     flags       seq  ack  len     raw seq     raw ack    win  options / notes',
        '1     1  0.000000  C -> S  [SYN]         0    0    0  4126488336           0  65535  mss 1460,nop,wscale 8,nop,nop,sackOK',
        '2     2  0.001000  C <- S  [SYN, ACK]    0    1    0   547479085  4126488337  65535',
        '3     3  0.002000  C -> S  [ACK]         1    1    0  4126488337   547479086  10233',
        '4     4  0.003000  C -> S  [PSH, ACK]    1    1   34  4126488337   547479086  10233',
        '5     5  0.004000  C <- S  [ACK]         1   35    0   547479086  4126488371  65535',
        '6     6  0.005000  C -> S  [FIN, ACK]   35    1    0  4126488371   547479086  10233',
        '7     7  0.006000  C <- S  [ACK]         1   36    0   547479086  4126488372  65535',
        '8     8  0.007000  C <- S  [FIN, ACK]    1   36    0   547479086  4126488372  65535',
        '9     9  0.008000  C -> S  [ACK]        36    2    0  4126488372   547479087  10233',
      ].join('\n'),
    );
  });

  it('row cells: unmatched and cleanup rows are marked, times relative to the start', async () => {
    const r = await mismatchRun();
    const rows = r.events.map((e, i) => traceRow(i, e, r.startedUs));
    expect(rows.at(-3)).to.deep.equal(['5', '-', '0.000000', 'C <- S', '[PSH, ACK]', '2', '34', '2', '547479087', '4126488370', '10233', '<- did not match']);
    expect(rows.at(-2)).to.deep.equal(['6', '-', '0.030000', 'C <- S', '[ACK]', '1', '35', '0', '547479086', '4126488371', '10233', '<- did not match']);
    expect(rows.at(-1)).to.deep.equal(['7', '-', '0.100000', 'C -> S', '[RST]', '35', '0', '0', '4126488371', '0', '0', 'cleanup RST (leaves the peer clean)']);
  });

  it('an unknown peer ISN shows ? for seq; an ack without ACK shows the raw field', () => {
    const v = viewFor({ dir: 'in', seq: 5, ack: 4126488337, flags: Flag.RST }, { local: SEED_ISN });
    expect(traceRow(0, { kind: 'unmatched', view: v }, 0n).slice(5, 10)).to.deep.equal(['?', '4126488337', '0', '5', '4126488337']);
  });

  it('notes bad checksums', () => {
    const v = viewFor({ dir: 'in', seq: 547479086, ack: 4126488371, flags: Flag.ACK }, ISNS);
    const bad = { ...v, checksums: { ip: 'bad', tcp: 'bad' } as const };
    expect(traceRow(0, { kind: 'received', stepIndex: 4, view: bad }, 0n).at(-1)).to.equal('TCP checksum BAD  IP checksum BAD');
    const off = { ...v, checksums: { ip: 'good', tcp: 'offloaded' } as const };
    expect(traceRow(0, { kind: 'received', stepIndex: 4, view: off }, 0n).at(-1)).to.equal('TCP checksum not verifiable (offloaded)');
    const ours = { ...v, dir: 'out' as const, checksums: { ip: 'good', tcp: 'bad' } as const };
    expect(traceRow(0, { kind: 'sent', stepIndex: 4, view: ours }, 0n).at(-1)).to.equal('sent with a wrong checksum');
  });

  it('table() right-aligns numeric columns and leaves the last ragged', () => {
    expect(table([['#', 'step', 'time', 'dir', 'flags', 'seq', 'x'], ['10', '2', 't', 'd', 'f', '5', 'note  ']])).to.equal(' #  step  time  dir  flags  seq  x\n10     2  t     d    f        5  note');
  });
});

describe('report/ladder', () => {
  it('draws the seed: our segments left to right, the server right to left', async () => {
    expect(formatLadder(await seedPlan())).to.equal(
      [
        '          client 10.77.0.1:24491                       server 10.77.0.2:5000',
        '          |                                           |',
        'step 1    |--- SYN seq=0 ---------------------------->|',
        'step 2    |<--- SYN, ACK seq=0 ack=1 -----------------|',
        'step 3    |--- ACK seq=1 ack=1 ---------------------->|',
        'step 4    |--- PSH, ACK seq=1 ack=1 len=34 ---------->|',
        'step 5    |<--- ACK seq=1 ack=35 ---------------------|',
        'step 6    |--- FIN, ACK seq=35 ack=1 ---------------->|',
        'step 7    |<--- ACK seq=1 ack=36 ---------------------|',
        'step 8    |<--- FIN, ACK seq=1 ack=36 ----------------|',
        'step 9    |--- ACK seq=36 ack=2 --------------------->|',
        '          |                                           |',
      ].join('\n'),
    );
  });

  it("marks segments that did not match with x and our closing RST with 'cleanup'", async () => {
    const lines = formatLadder(await mismatchRun()).split('\n');
    expect(lines.slice(-4, -1)).to.deep.equal([
      'x         |<--- PSH, ACK seq=2 ack=34 len=2 ----------|',
      'x         |<--- ACK seq=1 ack=35 ---------------------|',
      'cleanup   |--- RST seq=35 --------------------------->|',
    ]);
  });

  it('every arrow line has the same width; a label too long is cut with …', async () => {
    const r = await timeoutRun();
    const lines = formatLadder(r).split('\n');
    expect(new Set(lines.slice(1).map((l) => l.length))).to.deep.equal(new Set([10 + 45]));
    const long = viewFor({ dir: 'in', seq: 4294967295, ack: 4126488371, flags: Flag.PSH | Flag.ACK, payload: 'x'.repeat(1000) }, { local: SEED_ISN });
    const line = formatLadder({ ...r, events: [{ kind: 'unmatched', view: long }] }).split('\n')[2]!;
    expect(line).to.equal('x         |<--- PSH, ACK seq=raw 4294967295 ack=35 l… |');
    expect(line.length).to.equal(55);
  });
});
