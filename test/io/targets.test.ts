/**
 * Other TCP stacks as lab targets: each comes up serving the lab's services on the usual ports,
 * says which stack and version it is, replays both seed flows (or shows the one difference and
 * why), and leaves no process, namespace, tap or nft table after `lab down`. Needs root, and the
 * targets' packages (make setup installs them and builds build/lwip-lab).
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labConfig, labDown, labNcOutput, labStatus, labUp, type LabConfig, type TargetName } from '../../src/io/lab.js';
import { outputOf, ROOT, runBounded, tcpcraftIn } from '../support/live.js';
import { uniqueLabName } from './helpers/proc.js';
import { puppetRoundTrip } from '../support/puppet.js';

const NETCAT = `${ROOT}scenarios/netcat-5000.ts`;
const DAYTIME = `${ROOT}scenarios/daytime-13.ts`;
const PAYLOAD = 'Hello from tcpcraft, over netcat!\n';


interface Json {
  passed: boolean;
  events: Array<{ kind: string; step: number | null; flags: string; seq: number | null; ack: number | null; len: number }>;
  failure?: { step: number; diffs?: Array<{ field: string; expected: string; actual: string }> };
}

/** What is left of lab `cfg` on the machine: namespaces, live PIDs it recorded, nft tables. */
async function leftovers(cfg: LabConfig, pids: readonly number[]): Promise<string[]> {
  const left: string[] = [];
  const ns = await runBounded(['ip', 'netns', 'list'], 5000);
  for (const l of ns.stdout.toString().split('\n')) if (l.startsWith(`${cfg.name}-`)) left.push(`namespace ${l.split(' ')[0]}`);
  for (const pid of pids) if (existsSync(`/proc/${pid}`)) left.push(`process ${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
  // Helpers the target's own processes started (gVisor's gofer and sandbox, UML's threads) name the lab too.
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (cmd.includes(`/run/tcpcraft/${cfg.name}`) || cmd.includes(`ifname=${cfg.name}-`) || cmd.includes(`tcpcraft-${cfg.name}`)) left.push(`process ${d}: ${cmd.slice(0, 120)}`);
  }
  const nft = await runBounded(['nft', 'list', 'tables'], 5000);
  for (const l of nft.stdout.toString().split('\n')) if (l.includes('tcpcraft_')) left.push(l);
  return left;
}

const CASES: Array<{ target: TargetName; stack: RegExp; daytime: 'pass' | { step: number; field: string; expected: string; actual: string; why: string } }> = [
  { target: 'linux-uml', stack: /^Linux 6\.1\.\d+ \(UML\)/, daytime: 'pass' },
  { target: 'gvisor', stack: /^gVisor \d{8}/, daytime: 'pass' },
  { target: 'slirp', stack: /^libslirp \d+\.\d+/, daytime: 'pass' },
  { target: 'reference', stack: /^tcpcraft reference \d+\.\d+/, daytime: 'pass' },
  {
    target: 'lwip',
    stack: /^lwIP 2\.1\.\d/,
    // lwIP's tcp_close() with data still unsent puts the FIN on that last segment
    // (src/core/tcp_out.c, tcp_send_fin): the 22 bytes and the FIN arrive in one segment.
    daytime: { step: 4, field: 'flags', expected: "'PA'", actual: "'FPA'", why: 'lwIP merges the FIN into the unsent data segment' },
  },
];

for (const c of CASES) {
  describe(`lab target ${c.target} @live`, function () {
    this.timeout(120_000);
    const cfg = labConfig({ name: uniqueLabName(), target: c.target });
    let pids: number[] = [];
    let dir = '';
    before(async () => {
      dir = join('/tmp', `tcpcraft-target-${cfg.name}`);
      await runBounded(['mkdir', '-p', dir], 5000);
      const s = await labUp(cfg);
      pids = s.servers.map((x) => x.pid);
    });
    after(async () => {
      await labDown(cfg);
      await runBounded(['rm', '-rf', dir], 5000);
    });

    it('comes up and names its stack and version', async () => {
      const s = await labStatus(cfg);
      expect(s.up, JSON.stringify(s)).to.equal(true);
      expect(s.target).to.equal(c.target);
      expect(s.version).to.match(c.stack);
      const cli = await runBounded([process.execPath, `${ROOT}bin/tcpcraft.js`, 'lab', 'status', '--name', cfg.name], 20_000);
      expect(cli.stdout.toString(), outputOf(cli)).to.match(new RegExp(`^lab ${cfg.name}: up, target ${c.target} \\(${c.stack.source.slice(1)}`));
    });

    it('replays the netcat seed with its relative numbers; the sink gets the 34 bytes', async () => {
      const before = labNcOutput(cfg).length;
      const json = join(dir, 'netcat.json');
      const r = await tcpcraftIn(cfg, 'client', ['run', NETCAT, '--json', json]);
      expect(r.code, outputOf(r)).to.equal(0);
      const rep = JSON.parse(readFileSync(json, 'utf8')) as Json;
      expect(rep.events.filter((e) => e.kind !== 'cleanup').map((e) => [e.flags, e.seq, e.ack, e.len]).slice(0, 5)).to.deep.equal([
        ['S', 0, null, 0],
        ['SA', 0, 1, 0],
        ['A', 1, 1, 0],
        ['PA', 1, 1, 34],
        ['A', 1, 35, 0],
      ]);
      for (let i = 0; i < 40 && labNcOutput(cfg).length < before + PAYLOAD.length; i++) await new Promise((res) => setTimeout(res, 50));
      expect(labNcOutput(cfg).subarray(before).toString()).to.equal(PAYLOAD);
    });

    it(c.daytime === 'pass' ? 'replays the daytime seed with its relative numbers' : `daytime differs where expected: ${c.daytime.why}`, async () => {
      const json = join(dir, 'daytime.json');
      const r = await tcpcraftIn(cfg, 'client', ['run', DAYTIME, '--json', json]);
      const rep = JSON.parse(readFileSync(json, 'utf8')) as Json;
      if (c.daytime === 'pass') {
        expect(r.code, outputOf(r)).to.equal(0);
        return;
      }
      expect(r.code, outputOf(r)).to.equal(1);
      expect(rep.failure?.step).to.equal(c.daytime.step);
      expect(rep.failure?.diffs).to.have.length(1);
      expect(rep.failure?.diffs?.[0]).to.deep.include({ field: c.daytime.field, expected: c.daytime.expected, actual: c.daytime.actual });
    });

    it(`drives its application through the puppet: open, write, read, half-close, close${c.target === 'slirp' ? ' (slirp: no connect towards the client)' : ', and connect'}`, async () => {
      await puppetRoundTrip(cfg, dir, c.target !== 'slirp');
    });

    it('lab down leaves no process, namespace or nft table', async () => {
      expect(pids.length).to.be.greaterThan(0);
      await labDown(cfg);
      expect(await leftovers(cfg, pids)).to.deep.equal([]);
    });
  });
}
