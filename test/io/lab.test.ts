import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { run } from '../../src/io/exec.js';
import {
  labConfig,
  labSpareAddr, labDown, labExecArgv, labIfaces, labNamespaces, labNcOutput, labStateDir, labStatus, labUp, startServer,
  type LabConfig,
} from '../../src/io/lab.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptTestLab, runBounded, startTcpdump, sweepDeadTestLabs, tsNode, uniqueLabName } from './helpers/proc.js';
import { UsageError } from '../../src/errors.js';

/** `ip -br link` of the root namespace, interface names only. */
async function rootLinks(): Promise<string[]> {
  const r = await run('ip', ['-o', 'link', 'show']);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split(':')[1]?.trim() ?? '').sort();
}

async function netnsList(): Promise<string> {
  return (await run('ip', ['netns', 'list'])).stdout;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('io/lab config (unit)', () => {
  it('derives namespace and interface names within the 15-character limit', () => {
    const cfg = labConfig({ name: 'abcdefghijklm' });
    expect(labNamespaces(cfg)).to.deep.equal({ client: 'abcdefghijklm-client', server: 'abcdefghijklm-server' });
    expect(labIfaces(cfg).client).to.have.length(15);
    expect(labExecArgv(cfg, 'server', ['nc', '-h'])).to.deep.equal(['ip', 'netns', 'exec', 'abcdefghijklm-server', 'nc', '-h']);
  });
  it('rejects names that would overflow interface names, and bad addresses', () => {
    expect(() => labConfig({ name: 'abcdefghijklmn' })).to.throw(UsageError, /13 characters/);
    expect(() => labConfig({ name: 'a/b' })).to.throw(UsageError);
    expect(() => labConfig({ clientAddr: '10.77.0.300' })).to.throw(UsageError, /not an IPv4/);
    expect(labConfig()).to.deep.include({ name: 'tcpcraft', clientAddr: '10.77.0.1', serverAddr: '10.77.0.2', prefix: 24 });
  });
});

describe('io/lab @live', function () {
  this.timeout(60_000);
  let cfg: LabConfig;
  let linksBefore: string[];

  before(async () => {
    await sweepDeadTestLabs();
    cfg = labConfig({ name: uniqueLabName() });
    linksBefore = await rootLinks();
  });
  after(async () => {
    await labDown(cfg);
  });

  it('comes up, and a second labUp is harmless (same server PIDs, nothing in the root namespace)', async () => {
    const first = await labUp(cfg);
    adoptTestLab(cfg);
    expect(first.up).to.equal(true);
    const second = await labUp(cfg);
    expect(second.up).to.equal(true);
    const pids = (s: typeof first) => s.servers.map((x) => `${x.name}:${x.pid}`).sort();
    expect(pids(second)).to.deep.equal(pids(first));
    // Dual-stack: the IPv4 addresses and the IPv6 ones (fd77::1, and the spare fd77::201).
    expect([...second.addresses.client].sort()).to.deep.equal([`${cfg.clientAddr}/24`, `${labSpareAddr(cfg)}/24`, 'fd77::1/64', 'fd77::201/64'].sort());
    expect([...second.addresses.server].sort()).to.deep.equal([`${cfg.serverAddr}/24`, 'fd77::2/64'].sort());
    expect(await rootLinks()).to.deep.equal(linksBefore);
  });

  it('has lo up, offloads off, and no default route in either namespace', async () => {
    for (const side of ['client', 'server'] as const) {
      const ns = labNamespaces(cfg)[side];
      const routes = await run('ip', ['-n', ns, 'route', 'show', 'default']);
      expect(routes.stdout.trim(), `${side} default route`).to.equal('');
      const routes6 = await run('ip', ['-n', ns, '-6', 'route', 'show', 'default']);
      expect(routes6.stdout.trim(), `${side} IPv6 default route`).to.equal('');
      const lo = await run('ip', ['-n', ns, '-o', 'link', 'show', 'lo']);
      expect(lo.stdout).to.match(/UP/);
      const k = await run('ip', ['netns', 'exec', ns, 'ethtool', '-k', labIfaces(cfg)[side]]);
      for (const f of ['tx-checksumming', 'rx-checksumming', 'tcp-segmentation-offload', 'generic-segmentation-offload', 'generic-receive-offload']) {
        expect(k.stdout, f).to.match(new RegExp(`^${f}: off`, 'm'));
      }
    }
  });

  it('daytime on port 13 answers exactly 22 bytes of time of day, connection after connection', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await runBounded(labExecArgv(cfg, 'client', ['nc', '-w', '3', cfg.serverAddr, '13']), 8000);
      expect(r.stdout.length, r.stderr).to.equal(22);
      expect(r.stdout.toString()).to.match(/^\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\r\n$/);
    }
  });

  it('nc on port 5000 records the bytes of successive connections', async () => {
    await runBounded(labExecArgv(cfg, 'client', ['nc', '-N', '-w', '3', cfg.serverAddr, '5000']), 8000, 'first\n');
    await runBounded(labExecArgv(cfg, 'client', ['nc', '-N', '-w', '3', cfg.serverAddr, '5000']), 8000, 'second\n');
    let out = '';
    for (let i = 0; i < 20 && out !== 'first\nsecond\n'; i++) {
      out = labNcOutput(cfg).toString();
      if (out !== 'first\nsecond\n') await new Promise((r) => setTimeout(r, 50));
    }
    expect(out).to.equal('first\nsecond\n');
  });

  /** Server-side packets (tcpdump lines) after the client's FIN, for a client that sends 'x' then FIN. */
  async function serverAfterClientFin(port: number): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'tcpcraft-lab-'));
    try {
      const cap = await startTcpdump(labExecArgv(cfg, 'client', []), labIfaces(cfg).client, `tcp port ${port}`, join(dir, 'fin.pcap'));
      await runBounded(labExecArgv(cfg, 'client', ['nc', '-N', '-w', '3', cfg.serverAddr, String(port)]), 8000, 'x');
      await new Promise((r) => setTimeout(r, 200));
      const lines = (await cap.stop()).split('\n').filter(Boolean);
      const fin = lines.findIndex((l) => l.includes(`IP ${cfg.clientAddr}.`) && /Flags \[F/.test(l));
      expect(fin, lines.join('\n')).to.be.greaterThan(0);
      return lines.slice(fin + 1).filter((l) => l.includes(`IP ${cfg.serverAddr}.${port} >`)).map((l) => (/Flags \[([^\]]*)\]/.exec(l)?.[1] ?? '?'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('nc on 5000 answers the client FIN with one merged FIN/ACK; a server that delays close sends the ACK alone first', async () => {
    expect(await serverAfterClientFin(5000)).to.deep.equal(['F.']);
    const h = await startServer(cfg, 'slowclose', [process.execPath, 'lab/delayclose.mjs', cfg.serverAddr, '5002', '400', '60'], { waitPort: 5002 });
    try {
      expect(await serverAfterClientFin(5002)).to.deep.equal(['.', 'F.']);
    } finally {
      await h.stop();
    }
  });

  it('startServer runs an extra server in the server namespace; stop() kills it', async () => {
    const h = await startServer(cfg, 'extra', [process.execPath, 'lab/delayclose.mjs', cfg.serverAddr, '5001', '0', '60'], { waitPort: 5001 });
    expect(pidAlive(h.pid)).to.equal(true);
    const r = await runBounded(labExecArgv(cfg, 'client', ['nc', '-N', '-w', '3', cfg.serverAddr, '5001']), 8000, 'x');
    expect(r.code).to.equal(0);
    await h.stop();
    await h.stop();
    expect(pidAlive(h.pid)).to.equal(false);
  });

  it('the CLI reports status, runs `lab exec` with the exit code, and maps a missing lab to exit 2', async () => {
    const status = await runBounded(tsNode('test/io/helpers/labcli.ts', 'lab', 'status', '--name', cfg.name, '--json'), 15000);
    expect(status.code, status.stderr).to.equal(0);
    expect(JSON.parse(status.stdout.toString())).to.deep.include({ up: true });
    const ex = await runBounded(tsNode('test/io/helpers/labcli.ts', 'lab', 'exec', '--name', cfg.name, 'client', '--', 'sh', '-c', 'ip -o -4 addr show; exit 7'), 15000);
    expect(ex.code).to.equal(7);
    expect(ex.stdout.toString()).to.contain(`${cfg.clientAddr}/24`);
    const missing = await runBounded(tsNode('test/io/helpers/labcli.ts', 'lab', 'exec', '--name', 'tctnone', 'client', '--', 'true'), 15000);
    expect(missing.code).to.equal(2);
    expect(missing.stderr.trim().split('\n')).to.have.length(1);
  });

  it('labDown removes namespaces, kills the recorded PIDs, deletes the state dir; twice is harmless', async () => {
    const before = await labStatus(cfg);
    const pids = before.servers.map((s) => s.pid);
    expect(pids.length).to.be.greaterThanOrEqual(2);
    // every process living in the server namespace (recorded leaders and their children, e.g. nc under timeout)
    const inNs = (await run('ip', ['netns', 'pids', labNamespaces(cfg).server])).stdout.split('\n').filter(Boolean).map(Number);
    for (const pid of pids) expect(inNs).to.include(pid);
    expect(inNs.length).to.be.greaterThan(pids.length);
    expect(readFileSync(`/proc/${pids[0]}/cmdline`).length).to.be.greaterThan(0);
    await labDown(cfg);
    await labDown(cfg);
    for (const pid of inNs) expect(pidAlive(pid), `pid ${pid}`).to.equal(false);
    const ns = await netnsList();
    expect(ns).not.to.contain(labNamespaces(cfg).client);
    expect(ns).not.to.contain(labNamespaces(cfg).server);
    expect(existsSync(labStateDir(cfg))).to.equal(false);
    expect(await rootLinks()).to.deep.equal(linksBefore);
    expect((await labStatus(cfg)).up).to.equal(false);
  });
});
