/**
 * The puppet application on the host's Linux (the default lab target): a scenario's app() steps
 * open, write, read, half-close and close on the target, and connect from it, with every segment
 * and call checked (test/io/targets.test.ts does the same on every other target); a packetdrill
 * script of our own, converted by import-pkt, plays against the lab's Linux; and the lab takes
 * packetdrill's TCP settings on request. Needs root.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { puppetRoundTrip } from '../support/puppet.js';
import { outputOf, ROOT, runBounded, tcpcraftIn, useLab } from '../support/live.js';
import { labExecArgv } from '../../src/io/lab.js';

describe('the puppet on the linux target @live', function () {
  this.timeout(60_000);
  const lab = useLab('puppet');

  it('drives the application: open, write, read, half-close, close, and connect', async () => {
    await puppetRoundTrip(lab.cfg, lab.tmp);
  });

  it('a packetdrill script converted by import-pkt plays against the lab: its calls on the target, its segments on the wire', async () => {
    const out = join(lab.tmp, 'live-read-write.ts');
    const conv = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'import-pkt', `${ROOT}test/fixtures/pkt/live-read-write.pkt`, '-o', out], 20_000);
    expect(conv.code, outputOf(conv)).to.equal(0);
    const json = join(lab.tmp, 'live-read-write.json');
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', out, '--lab', lab.cfg.name, '--json', json]);
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stdout.toString()).to.match(/PASS live-read-write: 10 segments/);
  });

  it('lab up --packetdrill-settings gives the server namespace the harness settings (the receive buffer that sets the window scale, among others)', async () => {
    const r = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'lab', 'up', '--name', lab.cfg.name, '--packetdrill-settings'], 30_000);
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stdout.toString()).to.contain("packetdrill's TCP settings applied");
    const s = await runBounded(labExecArgv(lab.cfg, 'server', ['sysctl', '-n', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_slow_start_after_idle']), 5000);
    expect(s.stdout.toString().split('\n').slice(0, 2).map((l) => l.trim().replace(/\s+/g, ' '))).to.deep.equal(['4096 540000 15728640', '0']);
  });
});
