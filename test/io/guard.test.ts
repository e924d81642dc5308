import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runOk } from '../../src/io/exec.js';
import { guardRuleset, installGuard, listGuards, sweepGuards } from '../../src/io/guard.js';
import { labConfig, labDown, labExecArgv, labIfaces, labNamespaces, labUp, type LabConfig } from '../../src/io/lab.js';
import { adoptTestLab, runBounded, sweepDeadTestLabs, startTcpdump, tsNode, uniqueLabName } from './helpers/proc.js';
import { UsageError } from '../../src/errors.js';

const FLOW = { localIp: '10.77.0.1', localPort: 40000, peerIp: '10.77.0.2', peerPort: 5000 };

interface SeenFrame {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  flags: number;
  seq: number;
  ts: string;
}

/** One tcpdump -tt line per packet: [time, text]. */
function rstLines(text: string, from: string): string[] {
  return text.split('\n').filter((l) => l.includes(`IP ${from}.`) && /Flags \[R/.test(l));
}

describe('io/guard ruleset (unit)', () => {
  it('drops only the peer→local packets of the exact 4-tuple, early in prerouting', () => {
    const text = guardRuleset('tcpcraft_1_2', FLOW);
    expect(text).to.contain('create table ip tcpcraft_1_2');
    expect(text).to.contain('type filter hook prerouting priority raw; policy accept;');
    expect(text).to.contain('ip saddr 10.77.0.2 ip daddr 10.77.0.1 tcp sport 5000 tcp dport 40000 counter drop');
    expect(text).not.to.match(/output|rst/i);
  });
  it('with a wildcard peer, drops everything to the local address and port, whatever the source', () => {
    const text = guardRuleset('tcpcraft_1_3', { localIp: '10.77.0.1', localPort: 13 });
    expect(text).to.contain('add rule ip tcpcraft_1_3 peer_in ip daddr 10.77.0.1 tcp dport 13 counter drop\n');
    expect(text).not.to.match(/saddr|sport/);
    expect(guardRuleset('tcpcraft_1_4', { localIp: '10.77.0.1', localPort: 13, peerIp: '10.77.0.2' })).to.contain('peer_in ip saddr 10.77.0.2 ip daddr 10.77.0.1 tcp dport 13 counter drop');
    expect(guardRuleset('tcpcraft_1_5', { localIp: '10.77.0.1', localPort: 13, peerPort: 5000 })).to.contain('peer_in ip daddr 10.77.0.1 tcp sport 5000 tcp dport 13 counter drop');
  });
  it('makes rule text only from a table name of its own and a checked flow', () => {
    expect(() => guardRuleset('t; flush ruleset', FLOW)).to.throw(/is not a tcpcraft guard table name/);
    expect(() => guardRuleset('tcpcraft_1_6', { ...FLOW, peerIp: '10.77.0.2 tcp dport 22 accept' })).to.throw(/is not an IPv4 address/);
    expect(() => guardRuleset('tcpcraft_1_7', { ...FLOW, localPort: 0 })).to.throw(/is not a TCP port/);
  });
  it('rejects bad flows before touching anything', async () => {
    let err: unknown;
    try {
      await installGuard({ ...FLOW, localPort: 70000 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(UsageError);
    for (const bad of [{ localIp: '10.77.0.1', localPort: 13, peerIp: 'x' }, { localIp: '10.77.0.1', localPort: 13, peerPort: 0 }]) {
      err = undefined;
      try {
        await installGuard(bad);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)).to.be.instanceOf(UsageError);
    }
  });
});

describe('io/guard @live', function () {
  this.timeout(60_000);
  let cfg: LabConfig;
  let ns: string;
  let tmp: string;

  before(async () => {
    await sweepDeadTestLabs();
    cfg = labConfig({ name: uniqueLabName() });
    ns = labNamespaces(cfg).client;
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-guard-'));
    await labUp(cfg);
    adoptTestLab(cfg);
  });
  after(async () => {
    await labDown(cfg);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('creates one table while installed and removes it (remove twice is harmless)', async () => {
    const g = await installGuard(FLOW, { netns: ns });
    expect(g.table).to.match(new RegExp(`^tcpcraft_${process.pid}_\\d+$`));
    expect(await listGuards({ netns: ns })).to.deep.equal([g.table]);
    const listed = await runOk('ip', ['netns', 'exec', ns, 'nft', 'list', 'table', 'ip', g.table]);
    expect(listed.stdout).to.match(/hook prerouting priority raw/);
    expect(listed.stdout).to.match(/ip saddr 10\.77\.0\.2 ip daddr 10\.77\.0\.1 tcp sport 5000 tcp dport 40000 counter packets 0 bytes 0 drop/);
    await g.remove();
    await g.remove();
    expect(await listGuards({ netns: ns })).to.deep.equal([]);
  });

  it('sweep removes a table named after a dead pid and keeps a live one', async () => {
    const dead = spawnSync('true').pid;
    const stale = `tcpcraft_${dead}_7`;
    await runOk('ip', ['netns', 'exec', ns, 'nft', 'add', 'table', 'ip', stale]);
    const live = await installGuard(FLOW, { netns: ns });
    try {
      expect(await sweepGuards({ netns: ns })).to.deep.equal([stale]);
      expect(await listGuards({ netns: ns })).to.deep.equal([live.table]);
    } finally {
      await live.remove();
      await run('ip', ['netns', 'exec', ns, 'nft', 'delete', 'table', 'ip', stale]);
    }
  });

  it('the CLI cleanup --lab sweeps stale guards inside the lab and tears it down', async () => {
    const other = labConfig({ name: uniqueLabName() });
    try {
      await labUp(other);
      const stale = `tcpcraft_${spawnSync('true').pid}_9`;
      await runOk('ip', ['netns', 'exec', labNamespaces(other).client, 'nft', 'add', 'table', 'ip', stale]);
      const r = await runBounded(tsNode('test/io/helpers/labcli.ts', 'cleanup', '--lab', other.name), 20000);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.toString()).to.contain(stale);
      expect((await run('ip', ['netns', 'list'])).stdout).not.to.contain(labNamespaces(other).client);
    } finally {
      await labDown(other);
    }
  });

  /** `nc -z -w1 CLIENT PORT` from the server namespace while tcpdump watches the client end; returns its text. */
  async function synFromServer(port: number, label: string): Promise<string> {
    const cli = await startTcpdump(labExecArgv(cfg, 'client', []), labIfaces(cfg).client, `tcp port ${port}`, join(tmp, `w${label}.pcap`));
    let text = '';
    try {
      await runBounded(labExecArgv(cfg, 'server', ['nc', '-z', '-n', '-w1', cfg.clientAddr, String(port)]), 10_000);
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      text = await cli.stop();
    }
    return text;
  }

  it('a wildcard guard (server role) stops the kernel RST to any client SYN for our port only, until removed', async () => {
    const before = await synFromServer(13, 'before');
    expect(before).to.match(/Flags \[S\]/);
    expect(rstLines(before, cfg.clientAddr), before).to.have.length.greaterThanOrEqual(1);
    const g = await installGuard({ localIp: cfg.clientAddr, localPort: 13 }, { netns: ns });
    let guarded: string;
    let otherPort: string;
    try {
      guarded = await synFromServer(13, 'guarded');
      otherPort = await synFromServer(14, 'other');
    } finally {
      await g.remove();
    }
    expect(guarded).to.match(new RegExp(`IP ${cfg.serverAddr.replace(/\./g, '\\.')}\\.\\d+ > ${cfg.clientAddr.replace(/\./g, '\\.')}\\.13: Flags \\[S\\]`));
    expect(rstLines(guarded, cfg.clientAddr), guarded).to.deep.equal([]);
    expect(rstLines(otherPort, cfg.clientAddr), otherPort).to.have.length.greaterThanOrEqual(1);
    const after = await synFromServer(13, 'after');
    expect(rstLines(after, cfg.clientAddr), after).to.have.length.greaterThanOrEqual(1);
    expect(await listGuards({ netns: ns })).to.deep.equal([]);
  });

  /** Run the raw SYN helper in the client namespace while tcpdump watches both ends. */
  async function rawFlow(port: number, guard: boolean, rst: boolean) {
    const ifs = labIfaces(cfg);
    const cli = await startTcpdump(labExecArgv(cfg, 'client', []), ifs.client, `tcp port ${port}`, join(tmp, `c${port}.pcap`));
    const srv = await startTcpdump(labExecArgv(cfg, 'server', []), ifs.server, `tcp port ${port}`, join(tmp, `s${port}.pcap`));
    let helper: Awaited<ReturnType<typeof runBounded>> | undefined;
    let clientText = '';
    let serverText = '';
    try {
      helper = await runBounded(
        labExecArgv(cfg, 'client', tsNode('test/io/helpers/rawflow.ts', ifs.client, cfg.clientAddr, String(port), cfg.serverAddr, '5000', guard ? 'guard' : 'noguard', rst ? 'rst' : 'norst')),
        20000,
      );
    } finally {
      await new Promise((r) => setTimeout(r, 100));
      clientText = await cli.stop();
      serverText = await srv.stop();
    }
    if (!helper) throw new Error('the raw flow helper did not run');
    expect(helper.code, helper.stderr).to.equal(0);
    const seen = JSON.parse(helper.stdout.toString()) as { guardTable: string; linkType: number; frames: SeenFrame[] };
    return { seen, clientText, serverText };
  }

  it('without the guard the local kernel answers the SYN/ACK with a RST (the problem exists)', async () => {
    const { seen, clientText } = await rawFlow(40101, false, false);
    expect(seen.frames.some((f) => f.src === cfg.serverAddr && f.flags === 0x12)).to.equal(true);
    expect(clientText).to.match(/Flags \[S\.\]/);
    expect(rstLines(clientText, cfg.clientAddr), clientText).to.have.length.greaterThanOrEqual(1);
  });

  it('with the guard no RST leaves the client, yet the sniffer still captures the SYN/ACK', async () => {
    const { seen, clientText } = await rawFlow(40102, true, false);
    expect(seen.guardTable).to.match(/^tcpcraft_\d+_\d+$/);
    expect(seen.linkType).to.equal(1);
    const synack = seen.frames.find((f) => f.src === cfg.serverAddr && f.flags === 0x12);
    expect(synack, JSON.stringify(seen.frames)).to.not.equal(undefined);
    expect(clientText).to.match(/Flags \[S\.\]/);
    expect(rstLines(clientText, cfg.clientAddr), clientText).to.deep.equal([]);
    expect(seen.frames.filter((f) => (f.flags & 0x04) !== 0)).to.deep.equal([]);
    expect(await listGuards({ netns: ns })).to.deep.equal([]);
  });

  it('with the guard a RST we send ourselves still reaches the server', async () => {
    const { seen, clientText, serverText } = await rawFlow(40103, true, true);
    expect(seen.frames.some((f) => f.src === cfg.serverAddr && f.flags === 0x12)).to.equal(true);
    const sent = rstLines(clientText, cfg.clientAddr);
    expect(sent, clientText).to.have.length(1);
    const arrived = rstLines(serverText, cfg.clientAddr);
    expect(arrived, serverText).to.have.length(1);
    expect(arrived[0]).to.match(/seq 1001,/);
    // ours, not the kernel's: it left >= 250 ms after the SYN/ACK, not microseconds after
    const synackTs = Number(clientText.split('\n').find((l) => /Flags \[S\.\]/.test(l))?.split(' ')[0]);
    const rstTs = Number(sent[0]?.split(' ')[0]);
    expect(rstTs - synackTs).to.be.greaterThan(0.25);
  });
});
