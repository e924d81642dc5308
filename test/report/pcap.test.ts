/** The pcap of a report, checked by an independent reader: tshark. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportPcap } from '../../src/report/pcap.js';
import { parsePcap } from '../../src/wire/pcap.js';
import { LinkType } from '../../src/wire/link.js';
import { mismatchRun, seedPlan } from './fixtures.js';

const FIELDS = ['tcp.srcport', 'tcp.seq', 'tcp.ack', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.len', 'tcp.flags', 'tcp.checksum.status', 'ip.checksum.status', 'frame.time_relative'];

/** tshark's view of a pcap, one array of FIELDS per frame; checksums verified (status 1 = good). */
function tshark(file: string): string[][] {
  const out = execFileSync('tshark', ['-r', file, '-n', '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=,', ...FIELDS.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.trim().split('\n').map((l) => l.split(','));
}

describe('report/pcap', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-pcap-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the seed plan opens in tshark with its numbers and good checksums', async () => {
    const file = join(dir, 'seed.pcap');
    writeFileSync(file, reportPcap(await seedPlan()));
    expect(tshark(file)).to.deep.equal([
      ['24491', '0', '0', '4126488336', '0', '0', '0x0002', '1', '1', '0.000000000'],
      ['5000', '0', '1', '547479085', '4126488337', '0', '0x0012', '1', '1', '0.001000000'],
      ['24491', '1', '1', '4126488337', '547479086', '0', '0x0010', '1', '1', '0.002000000'],
      ['24491', '1', '1', '4126488337', '547479086', '34', '0x0018', '1', '1', '0.003000000'],
      ['5000', '1', '35', '547479086', '4126488371', '0', '0x0010', '1', '1', '0.004000000'],
      ['24491', '35', '1', '4126488371', '547479086', '0', '0x0011', '1', '1', '0.005000000'],
      ['5000', '1', '36', '547479086', '4126488372', '0', '0x0010', '1', '1', '0.006000000'],
      ['5000', '1', '36', '547479086', '4126488372', '0', '0x0011', '1', '1', '0.007000000'],
      ['24491', '36', '2', '4126488372', '547479087', '0', '0x0010', '1', '1', '0.008000000'],
    ]);
  });

  it('is a raw-IP pcap whose records are the report packets, in time order', async () => {
    const r = await mismatchRun();
    const p = parsePcap(reportPcap(r));
    expect(p.ok).to.equal(true);
    if (!p.ok) return;
    expect(p.value.linkType).to.equal(LinkType.RAW);
    const views = r.events.map((e) => e.view);
    expect(p.value.records.map((x) => Buffer.from(x.data).toString('hex'))).to.deep.equal(views.map((v) => Buffer.from(v.packet.bytes).toString('hex')));
    expect(p.value.records.map((x) => x.timestampUs)).to.deep.equal([0n, 0n, 0n, 0n, 0n, 30000n, 100000n]);
  });

  it('a run with a cleanup RST opens in tshark with good checksums throughout', async () => {
    const file = join(dir, 'mismatch.pcap');
    writeFileSync(file, reportPcap(await mismatchRun()));
    const rows = tshark(file);
    expect(rows).to.have.length(7);
    expect(rows.map((r) => [r[7], r[8]])).to.deep.equal(new Array(7).fill(['1', '1']));
    expect(rows.at(-1)!.slice(3, 7)).to.deep.equal(['4126488371', '0', '0', '0x0004']);
  });
});
