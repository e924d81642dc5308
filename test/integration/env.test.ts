/**
 * Environment errors of `tcpcraft run`: one sentence with the fix, exit 2, and nothing changed on
 * the machine (no guard table). Run inside a lab namespace, which has no default route.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labExecArgv } from '../../src/io/lab.js';
import { guardTables, outputOf, ROOT, runBounded, tcpcraftIn, useLab } from '../support/live.js';

const NETCAT = `${ROOT}scenarios/netcat-5000.ts`;

describe('tcpcraft run: environment errors @live', function () {
  this.timeout(120_000);
  const lab = useLab('env');

  async function expectEnvError(argv: readonly string[], sentence: RegExp): Promise<void> {
    const r = await runBounded(argv, 30_000);
    expect(r.code, outputOf(r)).to.equal(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, outputOf(r)).to.have.length(1);
    expect(lines[0]).to.match(sentence);
    expect(r.stdout.toString()).to.equal('');
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  }

  it('without root (or CAP_NET_RAW): says to use sudo', async () => {
    // Root's user id with every capability dropped: what an unprivileged user has, while the
    // checkout stays readable wherever it lives (CI may clone into a directory only root can read).
    const argv = labExecArgv(lab.cfg, 'client', ['setpriv', '--inh-caps=-all', '--bounding-set=-all', process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', NETCAT]);
    await expectEnvError(argv, /^tcpcraft: tcpcraft needs root or CAP_NET_RAW to send raw packets: run it with sudo\.$/);
    // And as a real unprivileged user, when the checkout is readable to one.
    const nobody = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups'];
    if ((await runBounded([...nobody, 'test', '-r', `${ROOT}bin/tcpcraft.js`], 5000)).code === 0) {
      await expectEnvError(labExecArgv(lab.cfg, 'client', [...nobody, process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', NETCAT]), /^tcpcraft: tcpcraft needs root or CAP_NET_RAW/);
      const st = await runBounded([...nobody, process.execPath, `${ROOT}bin/tcpcraft.js`, 'lab', 'status', '--name', lab.cfg.name], 15_000);
      expect(st.code).to.equal(2);
      expect(st.stderr).to.match(/^tcpcraft: lab status needs root .*sudo tcpcraft lab status --name /);
    }
  });

  it('a peer address nobody holds: the timeout says its neighbour entry never resolved', async () => {
    const r = await runBounded(labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', NETCAT, '--dst', '10.77.0.3', '--timeout', '1200', '--no-trace', '--no-ladder']), 30_000);
    expect(r.code, outputOf(r)).to.equal(1);
    expect(r.stdout.toString()).to.match(/nothing arrived from the peer within 1200 ms: 10\.77\.0\.3 did not answer ARP on \S+ \(its neighbour entry is (INCOMPLETE|FAILED)\): the segments never left this host/);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });

  it('no route to the peer: names the address and the fix', async () => {
    const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', NETCAT, '--dst', '10.88.0.2']);
    await expectEnvError(argv, /^tcpcraft: no route to 10\.88\.0\.2 .*: add an address or route that reaches it/);
  });

  it('a missing interface: names it', async () => {
    const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', NETCAT, '--iface', 'nope0']);
    await expectEnvError(argv, /^tcpcraft: interface 'nope0' does not exist here/);
  });

  it('nftables missing: names the package and make setup', async () => {
    // A PATH with node and ip but no nft.
    const bin = mkdtempSync(join(tmpdir(), 'tcpcraft-nonft-'));
    try {
      symlinkSync('/usr/sbin/ip', join(bin, 'ip'));
      symlinkSync(process.execPath, join(bin, 'node'));
      const argv = labExecArgv(lab.cfg, 'client', ['env', `PATH=${bin}`, join(bin, 'node'), `${ROOT}bin/tcpcraft.js`, 'run', NETCAT]);
      await expectEnvError(argv, /nftables.*make setup/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('and the same run in the same lab works once the environment is right', async () => {
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', NETCAT, '--no-trace', '--no-ladder']);
    expect(r.code, outputOf(r)).to.equal(0);
  });
});
