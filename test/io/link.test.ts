import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvError, UsageError } from '../../src/errors.js';
import { labConfig, labDown, labExecArgv, labIfaces, labUp, type LabConfig } from '../../src/io/lab.js';
import { openLinkSender } from '../../src/io/link.js';
import { ethernetHeader, LinkType } from '../../src/wire/link.js';
import { interfaceWithAddress } from '../../src/io/route.js';
import { adoptTestLab, runBounded, startTcpdump, sweepDeadTestLabs, tsNode, uniqueLabName } from './helpers/proc.js';

const LINKTYPE_ETHERNET = LinkType.ETHERNET;

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('io/link and io/route interfaceWithAddress (unit)', () => {
  it('builds the Ethernet II header dst, src, 0x0800', () => {
    expect(Buffer.from(ethernetHeader('32:39:E2:01:88:d0', '00:00:00:00:00:01')).toString('hex')).to.equal('3239e20188d00000000000010800');
    expect(() => ethernetHeader('32:39:e2:01:88', '00:00:00:00:00:01')).to.throw(UsageError, /aa:bb:cc:dd:ee:ff/);
  });
  it('rejects bad arguments and a missing interface before opening anything', async () => {
    expect(await rejection(openLinkSender({ iface: 'any', peerIp: '127.0.0.1' }))).to.be.instanceOf(UsageError);
    expect(await rejection(openLinkSender({ iface: 'lo', peerIp: 'localhost' }))).to.be.instanceOf(UsageError);
    expect(await rejection(openLinkSender({ iface: 'lo', peerIp: '127.0.0.1', peerMac: 'zz' }))).to.be.instanceOf(UsageError);
    const e = await rejection(openLinkSender({ iface: 'tcpcraftnone0', peerIp: '127.0.0.1' }));
    expect(e).to.be.instanceOf(EnvError);
    expect(e.message).to.match(/^interface tcpcraftnone0 does not exist: check 'ip link'/);
  });
  it('finds the interface holding an address, and names the address and `ip addr` when none does', async () => {
    expect(await interfaceWithAddress('127.0.0.1')).to.equal('lo');
    const e = await rejection(interfaceWithAddress('198.51.100.77'));
    expect(e).to.be.instanceOf(EnvError);
    expect(e.message).to.match(/^no interface holds the address 198\.51\.100\.77: .*'ip addr'/);
    expect(await rejection(interfaceWithAddress('nope'))).to.be.instanceOf(UsageError);
  });
});

interface TsharkRow {
  id: number;
  checksum: number;
  status: string;
  len: number;
  src: string;
  sport: number;
}

describe('io/link in the lab @live', function () {
  this.timeout(60_000);
  let cfg: LabConfig;
  let tmp: string;
  before(async () => {
    await sweepDeadTestLabs();
    cfg = labConfig({ name: uniqueLabName() });
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-link-'));
    await labUp(cfg);
    adoptTestLab(cfg);
  });
  after(async () => {
    await labDown(cfg);
    rmSync(tmp, { recursive: true, force: true });
  });
  const probe = async (argv: string[]) => {
    const r = await runBounded(argv, 15_000);
    expect(r.code, r.stderr).to.equal(0);
    return { ...(JSON.parse(r.stdout.toString()) as { ok: boolean; name?: string; message?: string; value?: unknown }), stderr: r.stderr };
  };

  it('interfaceWithAddress finds the veth holding the client address inside the namespace', async () => {
    const r = await probe(labExecArgv(cfg, 'client', tsNode('test/io/helpers/probe.ts', 'ifaddr', cfg.clientAddr)));
    expect(r).to.deep.include({ ok: true, value: labIfaces(cfg).client });
  });

  it('resolves the server MAC by ARP, and gives up on a silent neighbour within the bound with an EnvError', async () => {
    const ifs = labIfaces(cfg);
    const ok = await probe(labExecArgv(cfg, 'client', tsNode('test/io/helpers/probe.ts', 'link', ifs.client, cfg.serverAddr)));
    const serverMac = (await runBounded(labExecArgv(cfg, 'server', ['cat', `/sys/class/net/${ifs.server}/address`]), 5000)).stdout.toString().trim();
    expect(ok).to.deep.include({ ok: true, value: { linkType: LINKTYPE_ETHERNET, peerMac: serverMac } });
    const silent = '10.77.0.99';
    const none = await probe(labExecArgv(cfg, 'client', tsNode('test/io/helpers/probe.ts', 'resolve', ifs.client, silent, '600')));
    expect(none).to.deep.include({ ok: false, name: 'EnvError' });
    expect(none.message).to.match(/^10\.77\.0\.99 did not answer ARP on .* within 600 ms: .*ip neigh/);
    const elapsed = Number(/elapsed (\d+)/.exec(none.stderr)?.[1]);
    expect(elapsed).to.be.within(500, 3000);
  });

  /** Send the fault cases on both paths from the client namespace (helpers/linksend.ts), capture them in `captureSide` on `captureIface`, decode with tshark. */
  async function sendFaults(iface: string, src: string, dst: string, captureSide: 'client' | 'server', captureIface: string): Promise<(sport: number) => TsharkRow> {
    const file = join(tmp, `${captureSide}-${captureIface}.pcap`);
    const cap = await startTcpdump(labExecArgv(cfg, captureSide, []), captureIface, 'tcp and dst port 9', file);
    let sent: Awaited<ReturnType<typeof runBounded>> | undefined;
    try {
      sent = await runBounded(labExecArgv(cfg, 'client', tsNode('test/io/helpers/linksend.ts', iface, src, dst, '9')), 20_000);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await cap.stop();
    }
    expect(sent.code, sent.stderr).to.equal(0);
    expect(JSON.parse(sent.stdout.toString())).to.deep.include({ linkType: LINKTYPE_ETHERNET });
    const t = await runBounded(
      ['tshark', '-r', file, '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-E', 'separator=,',
        '-e', 'ip.id', '-e', 'ip.checksum', '-e', 'ip.checksum.status', '-e', 'ip.len', '-e', 'ip.src', '-e', 'tcp.srcport'],
      15_000,
    );
    expect(t.code, t.stderr).to.equal(0);
    const rows: TsharkRow[] = t.stdout.toString().trim().split('\n').map((l) => {
      const [id = '', checksum = '', status = '', len = '', from = '', sport = ''] = l.split(',');
      return { id: Number(id), checksum: Number(checksum), status, len: Number(len), src: from, sport: Number(sport) };
    });
    return (sport: number): TsharkRow => {
      const r = rows.find((x) => x.sport === sport);
      if (!r) throw new Error(`no packet from port ${sport} arrived: ${t.stdout.toString()}`);
      return r;
    };
  }

  /** The assertions shared by the veth and loopback cases; `rawSrc` is what the kernel puts for source 0.0.0.0. */
  function expectFaults(by: (sport: number) => TsharkRow, rawSrc: string): void {
    // checksum 0x1234: link keeps it (tshark: bad, status 0); raw gets a correct one (status 1)
    expect(by(41000)).to.deep.include({ checksum: 0x1234, status: '0', id: 0x1001 });
    expect(by(41001)).to.deep.include({ status: '1', id: 0x1001 });
    expect(by(41001).checksum).to.not.equal(0x1234);
    // total length 300 on a 40-byte packet: link keeps it; raw gets 40
    expect(by(41010)).to.deep.include({ len: 300, id: 0x1002 });
    expect(by(41011)).to.deep.include({ len: 40, id: 0x1002, status: '1' });
    // id 0 with DF clear: link keeps 0; raw gets an id chosen by the kernel
    expect(by(41020)).to.deep.include({ id: 0, status: '1' });
    expect(by(41021).id).to.not.equal(0);
    // source 0.0.0.0: link keeps it; raw gets the route's source address
    expect(by(41030)).to.deep.include({ src: '0.0.0.0', id: 0x1004 });
    expect(by(41031)).to.deep.include({ src: rawSrc, id: 0x1004 });
  }

  it('the link path delivers IPv4 header faults intact to the server; the raw socket path has them corrected by the kernel', async () => {
    const ifs = labIfaces(cfg);
    expectFaults(await sendFaults(ifs.client, cfg.clientAddr, cfg.serverAddr, 'server', ifs.server), cfg.clientAddr);
  });

  it('the link path works on loopback too (Ethernet with zero MACs)', async () => {
    expectFaults(await sendFaults('lo', '127.0.0.1', '127.0.0.1', 'client', 'lo'), '127.0.0.1');
  });
});
