/**
 * Live replays against real servers in a lab this file creates and removes: the two seed flows,
 * diagnostics, the kernel-RST guard's lifetime, and repeated runs. Needs root.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { labExecArgv, labIfaces, labNamespaces, labNcOutput, startServer } from '../../src/io/lab.js';
import { startTcpdump } from '../io/helpers/proc.js';
import { outputOf, ROOT, runBounded, tcpcraftIn, useLab, guardTables } from '../support/live.js';

const NETCAT = `${ROOT}scenarios/netcat-5000.ts`;
const DAYTIME = `${ROOT}scenarios/daytime-13.ts`;
const LOCAL = `${ROOT}test/integration/scenarios`;
const PAYLOAD = 'Hello from tcpcraft, over netcat!\n';

interface JsonEvent {
  kind: string;
  step: number | null;
  flags: string;
  seq: number | null;
  ack: number | null;
  len: number;
  checksums: { ip: string; tcp: string };
}

describe('live replay of the seed flows @live', function () {
  this.timeout(120_000);
  const lab = useLab('live');

  it('netcat-5000 passes against the real nc, which receives exactly the payload; a server-side capture shows the seed numbers with good checksums', async () => {
    const before = labNcOutput(lab.cfg).length;
    const cap = join(lab.tmp, 'server.pcap');
    const ns = labNamespaces(lab.cfg);
    const capture = await startTcpdump(['ip', 'netns', 'exec', ns.server], labIfaces(lab.cfg).server, 'tcp port 5000', cap);
    const json = join(lab.tmp, 'netcat.json');
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', NETCAT, '--json', json, '--sport', '24491']);
    await capture.stop();
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stdout.toString()).to.match(/^PASS netcat-5000/m);
    expect(labNcOutput(lab.cfg).subarray(before).toString()).to.equal(PAYLOAD);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { passed: boolean; events: JsonEvent[] };
    expect(report.passed).to.equal(true);

    // tshark, the independent oracle, on what the server saw: relative numbers and checksums.
    const t = await runBounded(
      ['tshark', '-r', cap, '-o', 'tcp.relative_sequence_numbers:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE',
        '-T', 'fields', '-E', 'separator=,', '-e', 'tcp.srcport', '-e', 'tcp.flags.str', '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.len', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status'],
      20_000,
    );
    const rows = t.stdout.toString().trim().split('\n').map((l) => l.split(','));
    const summary = rows.map(([sport, , seq, ack, len]) => `${sport === '5000' ? 'S' : 'C'} ${seq}/${ack}/${len}`);
    // Seed 001: SYN 0/0, SYN-ACK 0/1, ACK 1/1, PSH-ACK 1/1 len 34, ACK 1/35, FIN 35/1, [ACK 1/36], FIN-ACK 1/36, ACK 36/2.
    const merged = ['C 0/0/0', 'S 0/1/0', 'C 1/1/0', 'C 1/1/34', 'S 1/35/0', 'C 35/1/0', 'S 1/36/0', 'C 36/2/0'];
    const alone = [...merged.slice(0, 6), 'S 1/36/0', ...merged.slice(6)];
    expect([merged.join(' | '), alone.join(' | ')]).to.include(summary.join(' | '));
    for (const row of rows) {
      expect(row[5], `IP checksum of ${row.join(',')}`).to.equal('1');
      expect(row[6], `TCP checksum of ${row.join(',')}`).to.equal('1');
    }
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });

  it('netcat-5000 passes when the server ACKs our FIN on its own (slow close) and when it folds the ACK into its FIN (nc)', async () => {
    const slow = await startServer(lab.cfg, 'slowclose', [process.execPath, `${ROOT}lab/delayclose.mjs`, lab.cfg.serverAddr, '5001', '300', '120'], { waitPort: 5001 });
    try {
      const aloneJson = join(lab.tmp, 'alone.json');
      const a = await tcpcraftIn(lab.cfg, 'client', ['run', NETCAT, '--dport', '5001', '--json', aloneJson]);
      expect(a.code, outputOf(a)).to.equal(0);
      const alone = JSON.parse(readFileSync(aloneJson, 'utf8')) as { events: JsonEvent[] };
      // Step 7 is the optional lone ACK of our FIN: present here.
      expect(alone.events.filter((e) => e.step === 7).map((e) => `${e.flags} ${e.seq}/${e.ack}`)).to.deep.equal(['A 1/36']);
      expect(alone.events.filter((e) => e.step === 8).map((e) => `${e.flags} ${e.seq}/${e.ack}`)).to.deep.equal(['FA 1/36']);
    } finally {
      await slow.stop();
    }
    const mergedJson = join(lab.tmp, 'merged.json');
    const m = await tcpcraftIn(lab.cfg, 'client', ['run', NETCAT, '--json', mergedJson]);
    expect(m.code, outputOf(m)).to.equal(0);
    const merged = JSON.parse(readFileSync(mergedJson, 'utf8')) as { events: JsonEvent[] };
    expect(merged.events.filter((e) => e.step === 7)).to.deep.equal([]);
    expect(merged.events.filter((e) => e.step === 8).map((e) => `${e.flags} ${e.seq}/${e.ack}`)).to.deep.equal(['FA 1/36']);
  });

  it('daytime-13 passes against the real daytime service with the video numbers', async () => {
    const json = join(lab.tmp, 'daytime.json');
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', DAYTIME, '--json', json]);
    expect(r.code, outputOf(r)).to.equal(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { events: JsonEvent[] };
    expect(report.events.map((e) => `${e.flags} ${e.seq}/${e.ack}/${e.len}`)).to.deep.equal([
      'S 0/null/0', 'SA 0/1/0', 'A 1/1/0', 'PA 1/1/22', 'A 1/23/0', 'FA 23/1/0', 'A 1/24/0', 'FA 1/24/0', 'A 24/2/0',
    ]);
  });

  it('a wrong expected ack exits 1 naming file:line, the field, and both values relative and raw', async () => {
    const json = join(lab.tmp, 'wrong.json');
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', `${LOCAL}/wrong-ack.ts`, '--isn', '1000', '--json', json]);
    expect(r.code, outputOf(r)).to.equal(1);
    const out = r.stdout.toString();
    expect(out).to.include(`${LOCAL}/wrong-ack.ts:11: step 2 (expect 'SA')`);
    expect(out).to.include('ack: expected 2 (raw 1002) vs actual 1 (raw 1001)');
    expect(out).to.match(/actual: +expect\('SA', \{ seq: 0, ack: 1, window: \d+, options: \[mss\(1460\)/);
    expect(out).to.match(/cleanup RST/);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });

  it('SIGINT stops a run: exit 130, the guard is removed and the server connection is reset', async () => {
    const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', `${LOCAL}/hang.ts`, '--sport', '40123']);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // Wait for the connection to be established on the server, bounded.
    let established = false;
    for (let i = 0; i < 50 && !established; i++) {
      const ss = await runBounded(labExecArgv(lab.cfg, 'server', ['ss', '-Htn', 'state', 'established', 'dport', '= :40123']), 5000);
      established = ss.stdout.toString().trim() !== '';
      if (!established) await new Promise((r) => setTimeout(r, 100));
    }
    expect(established, 'connection established before SIGINT').to.equal(true);
    expect((await guardTables(lab.cfg)).length).to.equal(1);
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(killer);
    expect(code).to.equal(130);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
    const ss = await runBounded(labExecArgv(lab.cfg, 'server', ['ss', '-Htn', 'dport', '= :40123']), 5000);
    expect(ss.stdout.toString().trim(), 'the server connection was reset').to.equal('');
  });

  it('after SIGKILL the guard table is left, and the next run sweeps it', async () => {
    // A server of its own: the killed run leaves its connection half-open there, and nc serves one at a time.
    const victim = await startServer(lab.cfg, 'victim', [process.execPath, `${ROOT}lab/delayclose.mjs`, lab.cfg.serverAddr, '5002', '0', '120'], { waitPort: 5002 });
    after(() => victim.stop());
    const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', `${LOCAL}/hang.ts`, '--dport', '5002']);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.on('close', () => r()));
    let tables: string[] = [];
    for (let i = 0; i < 50 && tables.length === 0; i++) {
      tables = await guardTables(lab.cfg);
      if (tables.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(tables.length).to.equal(1);
    child.kill('SIGKILL');
    await exited;
    expect(await guardTables(lab.cfg)).to.deep.equal(tables);
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', DAYTIME]);
    expect(r.code, outputOf(r)).to.equal(0);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });

  it('a RST the scenario sends on purpose passes the guard and reaches the server', async () => {
    const cap = join(lab.tmp, 'rst.pcap');
    const ns = labNamespaces(lab.cfg);
    const capture = await startTcpdump(['ip', 'netns', 'exec', ns.server], labIfaces(lab.cfg).server, 'tcp port 5000 and tcp[tcpflags] & tcp-rst != 0', cap);
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', `${LOCAL}/own-rst.ts`, '--sport', '40999']);
    await new Promise((res) => setTimeout(res, 200));
    await capture.stop();
    expect(r.code, outputOf(r)).to.equal(0);
    const t = await runBounded(['tshark', '-r', cap, '-T', 'fields', '-e', 'tcp.srcport', '-e', 'tcp.flags.str'], 20_000);
    expect(t.stdout.toString().trim().split('\n')).to.deep.equal(['40999\t·········R··']);
    const ss = await runBounded(labExecArgv(lab.cfg, 'server', ['ss', '-Htn', 'dport', '= :40999']), 5000);
    expect(ss.stdout.toString().trim()).to.equal('');
  });

  it('twenty replays of netcat-5000 in a row all pass', async () => {
    const codes: Array<number | null> = [];
    for (let i = 0; i < 20; i++) codes.push((await tcpcraftIn(lab.cfg, 'client', ['run', NETCAT, '--no-ladder', '--no-trace'])).code);
    expect(codes).to.deep.equal(new Array(20).fill(0));
  });
});
