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
    const argv = labExecArgv(lab.cfg, 'client', ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', NETCAT]);
    await expectEnvError(argv, /^tcpcraft: tcpcraft needs root or CAP_NET_RAW to send raw packets: run it with sudo\.$/);
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
