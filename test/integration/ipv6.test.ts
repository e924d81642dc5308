/**
 * IPv6 end to end in a dual-stack lab (fd77::1 and fd77::2, no default route): both seeds over
 * IPv6 against the real nc and daytime service, checked in a capture taken on the server side and
 * read by tshark (addresses, relative numbers, every TCP checksum good); the server role with a
 * real nc client; the link-layer path (neighbour discovery); the guard as an ip6 table, gone at
 * exit after SIGINT, swept after SIGKILL; the conformance suite over IPv6 (`--dst fd77::2`):
 * nothing fails, the IPv4-only scenarios are N/A. Lab runs only.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labExecArgv, labNcOutput } from '../../src/io/lab.js';
import { readCaptureBytes } from '../../src/wire/capture.js';
import { isIpv6Header, parseFrame } from '../../src/wire/packet.js';
import { ROOT, guardTables, outputOf, runBounded, tcpcraftIn, useLab } from '../support/live.js';

const NETCAT = `${ROOT}scenarios/netcat-5000.ts`;
const DAYTIME = `${ROOT}scenarios/daytime-13.ts`;
const SERVER = `${ROOT}scenarios/netcat-5000-server.ts`;
const HANG = `${ROOT}test/integration/scenarios/hang.ts`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('IPv6 end to end @live', function () {
  this.timeout(180_000);
  const lab = useLab('ipv6');

  /** A tcpdump on the server side of the lab, writing `file`, until stop(). */
  async function serverCapture(file: string, filter: string): Promise<{ stop(): Promise<void> }> {
    const argv = labExecArgv(lab.cfg, 'server', ['tcpdump', '--immediate-mode', '-U', '-n', '-i', `${lab.cfg.name}-s`, '-w', file, filter]);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 100 && !/listening on/.test(err); i++) await sleep(50);
    await sleep(200);
    const done = new Promise((r) => child.on('close', r));
    return {
      stop: async () => {
        await sleep(300);
        child.kill('SIGINT');
        await done;
      },
    };
  }

  /** tshark's view of a capture: src, dst, relative seq, relative ack, payload length, TCP checksum status. */
  async function tsharkRows(file: string): Promise<string[][]> {
    // tshark -r FILE -o tcp.check_checksum:TRUE -T fields -e ipv6.src -e ipv6.dst -e tcp.seq -e tcp.ack -e tcp.len -e tcp.checksum.status
    const t = await runBounded(['tshark', '-r', file, '-o', 'tcp.check_checksum:TRUE', '-T', 'fields', '-e', 'ipv6.src', '-e', 'ipv6.dst', '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.len', '-e', 'tcp.checksum.status'], 30_000);
    return t.stdout.toString().trim().split('\n').map((l) => l.split('\t'));
  }

  it('the netcat seed over IPv6: nc receives the line; the server-side capture shows the seed numbers, every checksum good (tshark)', async () => {
    const pcap = join(lab.tmp, 'nc6.pcap');
    const cap = await serverCapture(pcap, 'ip6 and tcp port 5000');
    const before = labNcOutput(lab.cfg).length;
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', NETCAT, '--dst', 'fd77::2', '--no-ladder']);
    await cap.stop();
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stdout.toString()).to.match(/^netcat-5000 {2}\[fd77::1\]:\d+ > \[fd77::2\]:5000/);
    // MSS = MTU - 60 on the 1500-byte link
    expect(r.stdout.toString()).to.match(/\[SYN, ACK\] .* mss 1440/);
    expect(labNcOutput(lab.cfg).subarray(before).toString()).to.equal('Hello from tcpcraft, over netcat!\n');
    const rows = await tsharkRows(pcap);
    // src, dst, relative seq, relative ack, len, checksum good (1): the seed's numbers.
    expect(rows.map((x) => [x[0] === 'fd77::1' ? 'C' : 'S', x[2], x[3], x[4], x[5]])).to.deep.equal([
      ['C', '0', '0', '0', '1'],
      ['S', '0', '1', '0', '1'],
      ['C', '1', '1', '0', '1'],
      ['C', '1', '1', '34', '1'],
      ['S', '1', '35', '0', '1'],
      ['C', '35', '1', '0', '1'],
      ['S', '1', '36', '0', '1'],
      ['C', '36', '2', '0', '1'],
    ]);
  });

  it('the daytime seed over IPv6, and the server role with a real nc client over IPv6', async () => {
    const d = await tcpcraftIn(lab.cfg, 'client', ['run', DAYTIME, '--dst', 'fd77::2', '--no-ladder', '--no-trace']);
    expect(d.code, outputOf(d)).to.equal(0);
    const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', SERVER, '--src', 'fd77::1', '--timeout', '10000', '--no-ladder', '--json', join(lab.tmp, 'srv6.json')]);
    const server = runBounded(argv, 30_000);
    await sleep(1500);
    const client = await runBounded(labExecArgv(lab.cfg, 'server', ['sh', '-c', 'printf "Hello from tcpcraft, over netcat!\\n" | nc -N -w 3 fd77::1 5000']), 15_000);
    const s = await server;
    expect(s.code, outputOf(s)).to.equal(0);
    expect(client.code, client.stderr).to.equal(0);
    const report = JSON.parse(readFileSync(join(lab.tmp, 'srv6.json'), 'utf8')) as { role: string; flow: { localIp: string; peerIp: string } };
    expect(report).to.deep.include({ role: 'server' });
    expect(report.flow.localIp).to.equal('fd77::1');
    expect(report.flow.peerIp).to.equal('fd77::2');
  });

  it('the link-layer path resolves the peer by neighbour discovery and sends IPv6 frames', async () => {
    const pcap = join(lab.tmp, 'link6.pcapng');
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', NETCAT, '--dst', 'fd77::2', '--link-layer', '--no-ladder', '--no-trace', '--pcap', pcap]);
    expect(r.code, outputOf(r)).to.equal(0);
    const cap = readCaptureBytes(readFileSync(pcap));
    const packets = cap.packets.map((p) => parseFrame(p.data, p.linkType));
    expect(packets.every((p) => p.ok && isIpv6Header(p.value.packet.ip))).to.equal(true);
  });

  it('the guard is an ip6 table: gone at the moment a run stopped by SIGINT exits; after SIGKILL the next run sweeps it', async () => {
    const mine = async (pid: number): Promise<string[]> => (await guardTables(lab.cfg)).filter((l) => l.includes(`tcpcraft_${pid}_`));
    for (const sig of ['SIGINT', 'SIGKILL'] as const) {
      const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', HANG, '--dst', 'fd77::2', '--dport', '9']);
      const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
      let atExit: string[] = [];
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => void mine(child.pid!).then((t) => ((atExit = t), r(code)))));
      let tables: string[] = [];
      for (let i = 0; i < 200 && tables.length === 0; i++) {
        tables = await mine(child.pid!);
        if (tables.length === 0) await sleep(25);
      }
      expect(tables, 'a guard table while the run waits').to.have.length(1);
      expect(tables[0]).to.match(/^table ip6 tcpcraft_/);
      child.kill(sig);
      const code = await exited;
      if (sig === 'SIGINT') {
        expect(code).to.equal(130);
        expect(atExit, 'no table at exit').to.deep.equal([]);
      } else {
        expect(atExit, 'SIGKILL leaves the table').to.deep.equal(tables);
        const next = await tcpcraftIn(lab.cfg, 'client', ['run', DAYTIME, '--dst', 'fd77::2', '--no-ladder', '--no-trace']);
        expect(next.code, outputOf(next)).to.equal(0);
        expect(await guardTables(lab.cfg)).to.deep.equal([]);
      }
    }
  });

  it('the raw IPv6 socket sends the header as built: a wrong payload length, flow label, hop limit and traffic class arrive unchanged', async () => {
    const file = join(lab.tmp, 'raw6.ts');
    writeFileSync(file, "import { scenario, send, silence } from 'tcpcraft';\nexport default scenario({ name: 'raw6', peer: { host: 'fd77::2', port: 9 }, steps: [send('S', { ip: { payloadLength: 7, flowLabel: 0xabcde, hopLimit: 3, trafficClass: 0x28 } }), silence(300)] });\n");
    const pcap = join(lab.tmp, 'raw6.pcap');
    const cap = await serverCapture(pcap, 'ip6 and tcp port 9');
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', file, '--no-ladder', '--no-trace']);
    await cap.stop();
    expect(r.code, outputOf(r)).to.equal(0);
    // Our SYN, from the client (a segment of an earlier test's connection may be in the capture too):
    // tshark -r raw6.pcap -Y 'ipv6.src == fd77::1' -T fields -e ipv6.plen -e ipv6.flow -e ipv6.hlim -e ipv6.tclass
    const t = await runBounded(['tshark', '-r', pcap, '-Y', 'ipv6.src == fd77::1', '-T', 'fields', '-e', 'ipv6.plen', '-e', 'ipv6.flow', '-e', 'ipv6.hlim', '-e', 'ipv6.tclass'], 30_000);
    // Every packet from the client, as numbers: ours is among them exactly as built (a RST left by
    // an earlier test's connection may come first, so no position is assumed).
    const rows = t.stdout.toString().trim().split('\n').map((l) => l.split('\t').map(Number));
    expect(rows, t.stdout.toString()).to.deep.include([7, 0xabcde, 3, 0x28]);
  });

  it('run --family 6 maps the lab addresses; flood takes FLAGS@[ADDR]:PORT, bounded, lab only', async () => {
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', NETCAT, '--family', '6', '--no-ladder', '--no-trace', '--json', '-']);
    expect(r.code, outputOf(r)).to.equal(0);
    expect((JSON.parse(r.stdout.toString()) as { flow: { peerIp: string } }).flow.peerIp).to.equal('fd77::2');
    const f = await tcpcraftIn(lab.cfg, 'client', ['flood', 'S@[fd77::2]:9', '--count', '500', '--duration', '5', '--vary', 'sport', '--json', '-']);
    expect(f.code, outputOf(f)).to.equal(0);
    expect(JSON.parse(f.stdout.toString())).to.deep.include({ sent: 500, stoppedBy: 'count' });
    // From the machine's own namespace it is refused, whatever the family.
    const own = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'flood', 'S@[fd77::2]:9', '--count', '1', '--duration', '1'], 15_000);
    expect(own.code).to.equal(2);
    expect(own.stderr).to.match(/for the lab only/);
  });

  it('the conformance suite over IPv6 against Linux: nothing fails, the IPv4-only scenarios are N/A', async () => {
    const json = join(lab.tmp, 'suite6.json');
    const r = await tcpcraftIn(lab.cfg, 'client', ['suite', `${ROOT}scenarios/conformance`, '--dst', 'fd77::2', '--lab', lab.cfg.name, '--json', json], 240_000);
    expect(r.code, outputOf(r)).to.equal(0);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { totals: { failed: number; notApplicable: number; passed: number }; results: Array<{ name: string; verdict: string; message: string | null }> };
    expect(doc.totals.failed).to.equal(0);
    const na = doc.results.filter((x) => x.verdict === 'na');
    expect(na.map((x) => x.name).sort()).to.deep.equal(['ack-second-full-segment', 'ack-two-segments', 'app-diffserv', 'app-diffserv-change', 'app-open-broadcast', 'icmp-frag-needed', 'icmp-hard-error', 'icmp-soft-errors', 'icmp-source-quench', 'ip-options-ignored', 'mss-default-536', 'mss-not-less-options', 'source-route-override', 'source-route-reversed', 'syn-from-multicast', 'syn-to-broadcast', 'unknown-option']);
    for (const x of na) expect(x.message).to.equal('requires IPv4: the peer fd77::2 is an IPv6 address');
    for (const name of ['ipv6-mss-from-mtu', 'ipv6-mss-default-1220', 'ipv6-extension-headers', 'ipv6-packet-too-big', 'ipv6-flow-label']) {
      expect(doc.results.find((x) => x.name === name)?.verdict, name).to.equal('pass');
    }
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });
});
