/**
 * Lab traffic never leaves a lab (issue 21). A namespace of the test's own ("away") has default
 * routes (IPv4 and IPv6) pointing at a veth peer in a second namespace ("gateway") that captures
 * everything it is sent. Run there, with no lab, `run`, `suite`, `replay` and `exercise check` of
 * lab scenarios refuse before anything is sent: exit 2, one sentence, no guard table, and the
 * gateway's capture holds no packet from the away side. A host of the user's own behind that
 * gateway (`--dst`) is still reached: the netcat seed passes against a real nc there.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, must, outputOf, runBounded } from '../support/live.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('lab addresses outside a lab: refused, nothing sent @live', function () {
  this.timeout(180_000);
  const id = randomBytes(3).toString('hex');
  const away = `sa${id}`;
  const gw = `sg${id}`;
  const host = `sh${id}`;
  let tmp = '';
  let dump: ChildProcess | undefined;
  let dumped: Promise<unknown> | undefined;
  let serve: ChildProcess | undefined;
  let served: Promise<unknown> | undefined;
  const pcap = (): string => join(tmp, 'gateway.pcap');

  const tcpcraftAway = (args: readonly string[], ms = 60_000) => runBounded(['ip', 'netns', 'exec', away, process.execPath, `${ROOT}bin/tcpcraft.js`, ...args], ms);

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-stray-'));
    for (const ns of [away, gw, host]) {
      await must(['ip', 'netns', 'add', ns]);
      await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      // No duplicate-address probes or router solicitations: the capture is to stay empty.
      await must(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.default.router_solicitations=0']);
    }
    await must(['ip', 'link', 'add', `a${id}`, 'netns', away, 'type', 'veth', 'peer', 'name', `g${id}`, 'netns', gw]);
    await must(['ip', 'link', 'add', `h${id}`, 'netns', host, 'type', 'veth', 'peer', 'name', `k${id}`, 'netns', gw]);
    const ifs: Array<[string, string, string[]]> = [
      [away, `a${id}`, ['10.98.0.1/24', 'fd98::1/64']],
      [gw, `g${id}`, ['10.98.0.2/24', 'fd98::2/64']],
      [gw, `k${id}`, ['10.98.1.1/24']],
      [host, `h${id}`, ['10.98.1.5/24']],
    ];
    for (const [ns, dev, addrs] of ifs) {
      for (const a of addrs) await must(['ip', '-n', ns, 'addr', 'add', a, 'dev', dev, ...(a.includes(':') ? ['nodad'] : [])]);
      await must(['ip', '-n', ns, 'link', 'set', dev, 'up']);
      await runBounded(['ip', 'netns', 'exec', ns, 'ethtool', '-K', dev, 'tx', 'off', 'rx', 'off', 'tso', 'off', 'gso', 'off', 'gro', 'off'], 10_000);
    }
    // The away side's default routes point at the gateway, which forwards only to the host behind it.
    await must(['ip', '-n', away, 'route', 'add', 'default', 'via', '10.98.0.2']);
    await must(['ip', '-n', away, '-6', 'route', 'add', 'default', 'via', 'fd98::2']);
    await must(['ip', '-n', host, 'route', 'add', '10.98.0.0/24', 'via', '10.98.1.1']);
    await must(['ip', 'netns', 'exec', gw, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    for (const ns of [gw, host]) {
      const r = await runBounded(['ip', '-n', ns, 'route', 'show', 'default'], 5000);
      expect(r.stdout.toString().trim(), `${ns} has no default route`).to.equal('');
    }
    await sleep(300);
    // Everything the away side sends to its gateway (IPv6 multicast housekeeping of the link aside).
    dump = spawn('ip', ['netns', 'exec', gw, 'tcpdump', '-i', `g${id}`, '-U', '-n', '-w', pcap(), 'not (ip6 and ip6 multicast)'], { stdio: ['ignore', 'ignore', 'pipe'] });
    dumped = new Promise((r) => dump!.on('exit', r));
    let err = '';
    dump.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    for (let k = 0; k < 100 && !/listening on/.test(err); k++) await sleep(50);
    expect(err).to.match(/listening on/);
  });

  after(async () => {
    for (const [c, done] of [[dump, dumped], [serve, served]] as const) {
      if (c && c.exitCode === null && c.signalCode === null) {
        c.kill('SIGTERM');
        await done;
      }
    }
    for (const ns of [away, gw, host]) await runBounded(['ip', 'netns', 'del', ns], 10_000);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    const left = await runBounded(['ip', 'netns', 'list'], 5000);
    expect(left.stdout.toString()).to.not.include(id);
  });

  const refused: Array<[string, string[], RegExp]> = [
    ['run of the netcat seed', ['run', 'scenarios/netcat-5000.ts', '--no-ladder'], /refusing to send to 10\.77\.0\.2: it is a lab address, but the route to it goes through the gateway 10\.98\.0\.2/],
    ['run over IPv6', ['run', 'scenarios/netcat-5000.ts', '--family', '6', '--no-ladder'], /refusing to send to fd77::2: it is a lab address, but the route to it goes through the gateway fd98::2/],
    ['the conformance suite', ['suite', 'scenarios/conformance'], /refusing to send to 10\.77\.0\.2/],
    ['replay of a capture towards the IPv6 lab server', ['replay', 'test/fixtures/nc6-eth.pcap', '--dst', 'fd77::2', '--no-ladder'], /refusing to send to fd77::2/],
    ['replay towards a lab address named with --dst', ['replay', 'test/fixtures/nc-plain-eth.pcap', '--dst', '10.77.0.2', '--no-ladder'], /refusing to send to 10\.77\.0\.2/],
    ['exercise check', ['exercise', 'check', 'scenarios/exercises/answers/01-handshake.ts', '--no-ladder'], /refusing to send to 10\.77\.0\.2/],
  ];
  for (const [what, args, why] of refused) {
    it(`${what}: exit 2 and one sentence saying what to do`, async () => {
      const r = await tcpcraftAway(args, 90_000);
      expect(r.code, outputOf(r)).to.equal(2);
      expect(r.stderr, outputOf(r)).to.match(why);
      expect(r.stderr).to.include("tcpcraft lab exec client -- tcpcraft");
      const tables = await runBounded(['ip', 'netns', 'exec', away, 'nft', 'list', 'tables'], 5000);
      expect(tables.stdout.toString(), 'no guard table is left or made').to.not.include('tcpcraft');
    });
  }

  it('a lab-subnet address that sits on an interface the lab did not make is refused too', async () => {
    await must(['ip', '-n', away, 'addr', 'add', '10.77.0.1/24', 'dev', `a${id}`]);
    try {
      const r = await tcpcraftAway(['run', 'scenarios/netcat-5000.ts', '--no-ladder']);
      expect(r.code, outputOf(r)).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`refusing to send to 10\\.77\\.0\\.2: it is a lab address, but the route to it goes out of a${id}, which is not a lab interface`));
    } finally {
      await must(['ip', '-n', away, 'addr', 'del', '10.77.0.1/24', 'dev', `a${id}`]);
    }
  });

  it('the gateway captured no packet at all from those commands', async () => {
    await sleep(500);
    dump!.kill('SIGINT');
    await dumped;
    const t = await runBounded(['tshark', '-r', pcap(), '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info'], 30_000);
    expect(t.code, t.stderr).to.equal(0);
    expect(t.stdout.toString().trim(), 'packets seen by the gateway').to.equal('');
  });

  it('a host of the user\'s own behind the gateway (--dst) is still reached: the netcat seed passes', async () => {
    serve = spawn('ip', ['netns', 'exec', host, process.execPath, `${ROOT}bin/tcpcraft.js`, 'lab', 'serve', '--addr', '10.98.1.5', '--lifetime', '120'], { stdio: ['ignore', 'pipe', 'inherit'] });
    served = new Promise((r) => serve!.on('exit', r));
    for (let k = 0; k < 100; k++) {
      const ss = await runBounded(['ip', 'netns', 'exec', host, 'ss', '-Hltn'], 5000);
      if (ss.stdout.toString().includes('10.98.1.5:5000 ')) break;
      await sleep(100);
    }
    const r = await tcpcraftAway(['run', 'scenarios/netcat-5000.ts', '--dst', '10.98.1.5', '--no-ladder']);
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stdout.toString()).to.match(/PASS/);
  });
});
