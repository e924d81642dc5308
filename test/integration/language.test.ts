/**
 * The expectation language and send-side faults against the real Linux stack, in a lab this file
 * creates and removes: anyOrder() with daytime's data and FIN, silence() with chargen (fails) and
 * discard (passes), a bad TCP checksum dropped by nc's stack while the good one is ACKed, and an
 * IPv4 header fault that reaches the server unchanged through the link-layer path (tshark in the
 * server namespace as the oracle). Needs root.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labIfaces, labNamespaces, labNcOutput } from '../../src/io/lab.js';
import { startTcpdump } from '../io/helpers/proc.js';
import { outputOf, ROOT, runBounded, tcpcraftIn, useLab } from '../support/live.js';
import { guardTables, type JsonReport } from '../support/serve.js';

const LOCAL = `${ROOT}test/integration/scenarios`;

describe('the expectation language against the Linux stack @live', function () {
  this.timeout(180_000);
  const lab = useLab('lang');

  async function runJson(file: string, extra: string[] = []) {
    const json = join(lab.tmp, `${file.replace(/\W/g, '_')}.json`);
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', `${LOCAL}/${file}`, '--json', json, '--no-ladder', ...extra]);
    const report = r.code === 0 || r.code === 1 ? (JSON.parse(readFileSync(json, 'utf8')) as JsonReport & { failure: Record<string, unknown> | null }) : undefined;
    return { r, report };
  }

  /** A capture in the server namespace while `fn` runs, read back with tshark `-T fields -e ...`. */
  async function captured(filter: string, fields: string[], fn: () => Promise<void>): Promise<string[][]> {
    const cap = join(lab.tmp, `cap-${Date.now()}.pcap`);
    const capture = await startTcpdump(['ip', 'netns', 'exec', labNamespaces(lab.cfg).server], labIfaces(lab.cfg).server, filter, cap);
    try {
      await fn();
      await new Promise((res) => setTimeout(res, 200));
    } finally {
      await capture.stop();
    }
    const t = await runBounded(['tshark', '-r', cap, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=,', ...fields.flatMap((f) => ['-e', f])], 20_000);
    return t.stdout.toString().trim().split('\n').filter(Boolean).map((l) => l.split(','));
  }

  it("anyOrder(): daytime's data and FIN pass whichever order the group is written in (five runs each)", async () => {
    for (const file of ['daytime-any-order.ts', 'daytime-in-order.ts']) {
      for (let i = 0; i < 5; i++) {
        const { r, report } = await runJson(file);
        expect(r.code, outputOf(r)).to.equal(0);
        // Both items were matched by the one anyOrder step (step 4), in wire order.
        const step4 = report!.events.filter((e) => e.step === 4).map((e) => `${e.flags} ${e.seq}/${e.len}`);
        expect([...step4].sort()).to.deep.equal(['FA 23/0', 'PA 1/22']);
      }
    }
  });

  it('anyOrder(): a segment matching no item fails and names the step', async () => {
    // Reuse the group with a wrong item: the scenario file below expects a FIN at seq 22.
    const { r, report } = await runJson('daytime-wrong-item.ts');
    expect(r.code, outputOf(r)).to.equal(1);
    expect(report!.failure).to.deep.include({ kind: 'mismatch', step: 4 });
    expect(r.stdout.toString()).to.match(/step 4 \(expect 'FA'\)|step 4 \(anyOrder\)/);
  });

  it('silence(): fails (exit 1, kind unexpected) when chargen sends data', async () => {
    const { r, report } = await runJson('chargen-silence.ts');
    expect(r.code, outputOf(r)).to.equal(1);
    expect(report!.failure).to.deep.include({ kind: 'unexpected', step: 4 });
    expect((report!.failure!.actual as { len: number }).len).to.be.above(0);
    expect(r.stdout.toString()).to.match(/ms of expected silence/);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });

  it('silence(): passes on an idle connection (discard), which then closes cleanly', async () => {
    const { r } = await runJson('discard-silence.ts');
    expect(r.code, outputOf(r)).to.equal(0);
  });

  it('a bad TCP checksum sent on purpose is dropped by the peer (no ACK, nothing delivered); the same segment with a good checksum is ACKed', async () => {
    const LINE = 'checksummed line\n';
    const before = labNcOutput(lab.cfg).length;
    let result: Awaited<ReturnType<typeof runJson>> | undefined;
    const rows = await captured('tcp port 5000 and tcp[tcpflags] & tcp-push != 0', ['tcp.seq_raw', 'tcp.checksum', 'tcp.checksum.status', 'tcp.len'], async () => {
      result = await runJson('bad-tcp-checksum.ts', ['--sport', '41001']);
    });
    const { r, report } = result!;
    expect(r.code, outputOf(r)).to.equal(0);
    // Both data segments reached the server's interface: same seq, the first with 0x1234 (bad).
    expect(rows.map((x) => [x[1], x[2], x[3]])).to.deep.equal([
      ['0x1234', '0', String(LINE.length)],
      [rows[1]![1], '1', String(LINE.length)],
    ]);
    expect(rows[0]![0]).to.equal(rows[1]![0]);
    // No ACK came during the silence (the run passed it); the good one was ACKed (step 7).
    expect(report!.events.filter((e) => e.step === 7).map((e) => `${e.flags} ${e.ack}`)).to.deep.equal([`A ${1 + LINE.length}`]);
    // nc received the line exactly once: the bad segment was not delivered.
    expect(labNcOutput(lab.cfg).subarray(before).toString()).to.equal(LINE);
  });

  it('an IPv4 header checksum override goes out unchanged through the link-layer path, taken automatically for that step', async () => {
    let result: Awaited<ReturnType<typeof runJson>> | undefined;
    const rows = await captured('tcp port 9', ['tcp.srcport', 'tcp.flags.str', 'tcp.len', 'ip.id', 'ip.checksum', 'ip.checksum.status'], async () => {
      result = await runJson('bad-ip-checksum.ts', ['--sport', '41002']);
    });
    const { r } = result!;
    expect(r.code, outputOf(r)).to.equal(0);
    const ours = rows.filter((x) => x[0] === '41002' && x[2] === '8');
    expect(ours, rows.join('\n')).to.have.length(1);
    expect(ours[0]!.slice(3)).to.deep.equal(['0x4242', '0xbeef', '0']);
    // Every other segment of ours went out on the raw socket with a good header checksum.
    for (const row of rows.filter((x) => x[0] === '41002' && x !== ours[0])) expect(row[5], row.join(',')).to.equal('1');
  });
});
