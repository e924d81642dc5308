/** `tcpcraft build` and the usage errors of build/run, through the real entry point (node bin/tcpcraft.js). */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/tcpcraft.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The trace rows of build's stdout, as arrays of cells (the 'options / notes' column dropped). */
function rows(out: string): string[][] {
  return out
    .split('\n')
    .filter((l) => /^\d+\s+\d+\s+\d+\.\d{6}\s+C (->|<-) S/.test(l))
    .map((l) => {
      const m = /^(\d+)\s+(\d+)\s+(\S+)\s+(C -> S|C <- S)\s+(\[[^\]]*\])\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(l)!;
      return m.slice(1);
    });
}

describe('cli build', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    // Build dist from the current sources (tsc emits even if someone's work in progress has type errors).
    spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js was not built');
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("netcat-5000 with the seed's ISNs prints the seed's numbers and writes the pcap", () => {
    const pcap = join(dir, 'netcat.pcap');
    const r = cli('build', 'scenarios/netcat-5000.ts', '--isn', '4126488336', '--peer-isn', '547479085', '--sport', '24491', '--pcap', pcap);
    expect(r.err).to.equal('');
    expect(r.code).to.equal(0);
    expect(r.out.split('\n')[0]).to.equal('netcat-5000  10.77.0.1:24491 > 10.77.0.2:5000  (ISN 4126488336, peer ISN 547479085; seq/ack relative, raw beside them)');
    // #, step, time, dir, flags, seq, ack, len, raw seq, raw ack, window
    expect(rows(r.out).map((c) => [c[3], c[4], c[5], c[6], c[7], c[8], c[9]])).to.deep.equal([
      ['C -> S', '[SYN]', '0', '0', '0', '4126488336', '0'],
      ['C <- S', '[SYN, ACK]', '0', '1', '0', '547479085', '4126488337'],
      ['C -> S', '[ACK]', '1', '1', '0', '4126488337', '547479086'],
      ['C -> S', '[PSH, ACK]', '1', '1', '34', '4126488337', '547479086'],
      ['C <- S', '[ACK]', '1', '35', '0', '547479086', '4126488371'],
      ['C -> S', '[FIN, ACK]', '35', '1', '0', '4126488371', '547479086'],
      ['C <- S', '[ACK]', '1', '36', '0', '547479086', '4126488372'],
      ['C <- S', '[FIN, ACK]', '1', '36', '0', '547479086', '4126488372'],
      ['C -> S', '[ACK]', '36', '2', '0', '4126488372', '547479087'],
    ]);
    expect(r.out).to.contain('step 9    |--- ACK seq=36 ack=2 --------------------->|');
    expect(r.out.trimEnd().split('\n').at(-1)).to.equal(`wrote 9 packets to ${pcap}`);
    expect(readFileSync(pcap).length).to.equal(24 + 9 * 16 + 52 + 40 * 7 + 74);
  });

  it('daytime-13 with both ISNs 0', () => {
    const r = cli('build', 'scenarios/daytime-13.ts', '--isn', '0', '--peer-isn', '0', '--no-ladder');
    expect(r.code).to.equal(0);
    expect(rows(r.out).map((c) => [c[4], c[5], c[6], c[7]])).to.deep.equal([
      ['[SYN]', '0', '0', '0'],
      ['[SYN, ACK]', '0', '1', '0'],
      ['[ACK]', '1', '1', '0'],
      ['[PSH, ACK]', '1', '1', '22'],
      ['[ACK]', '1', '23', '0'],
      ['[FIN, ACK]', '23', '1', '0'],
      ['[ACK]', '1', '24', '0'],
      ['[FIN, ACK]', '1', '24', '0'],
      ['[ACK]', '24', '2', '0'],
    ]);
    expect(r.out).to.not.contain('client 10.77.0.1');
  });

  it('--json writes the report; --src/--dst/--dport override the scenario', () => {
    const json = join(dir, 'r.json');
    const r = cli('build', 'scenarios/netcat-5000.ts', '--isn', '1', '--peer-isn', '2', '--src', '192.0.2.1', '--dst', '192.0.2.9', '--sport', '1234', '--dport', '7', '--json', json, '--no-ladder');
    expect(r.code).to.equal(0);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { flow: unknown; isn: number; peerIsn: number; passed: boolean };
    expect(j).to.deep.include({ flow: { localIp: '192.0.2.1', localPort: 1234, peerIp: '192.0.2.9', peerPort: 7 }, isn: 1, peerIsn: 2, passed: true });
  });

  it('is byte-identical for fixed ISNs and port', () => {
    const a = join(dir, 'a.pcap');
    const b = join(dir, 'b.pcap');
    cli('build', 'scenarios/netcat-5000.ts', '--isn', '7', '--peer-isn', '8', '--sport', '40000', '--pcap', a);
    cli('build', 'scenarios/netcat-5000.ts', '--isn', '7', '--peer-isn', '8', '--sport', '40000', '--pcap', b);
    // records carry wall-clock times; the packets after each 16-byte record header must match
    const strip = (buf: Buffer) => {
      const parts: string[] = [];
      for (let at = 24; at < buf.length; ) {
        const len = buf.readUInt32LE(at + 8);
        parts.push(buf.subarray(at + 16, at + 16 + len).toString('hex'));
        at += 16 + len;
      }
      return parts;
    };
    expect(strip(readFileSync(a))).to.deep.equal(strip(readFileSync(b)));
    expect(strip(readFileSync(a))).to.have.length(9);
  });

  describe('usage errors exit 2 with one line naming file, step and field', () => {
    it('an invalid scenario (unknown flag letter)', () => {
      const r = cli('build', 'test/fixtures/scenarios/bad-flag.ts', '--isn', '0', '--peer-isn', '0');
      expect(r.code).to.equal(2);
      expect(r.out).to.equal('');
      expect(r.err).to.equal("tcpcraft: test/fixtures/scenarios/bad-flag.ts:11: step 3 (send 'QA'): flags: unknown flag letter 'Q' in 'QA' (use F S R P A U E W N, e.g. 'SA', 'PA', 'FA')\n");
    });

    it('a numbering problem found by the planner (ACK before the peer SYN)', () => {
      const r = cli('build', 'test/fixtures/scenarios/ack-before-syn.ts');
      expect(r.code).to.equal(2);
      expect(r.err).to.equal(
        "tcpcraft: test/fixtures/scenarios/ack-before-syn.ts:9: step 2 (send 'A'): ack: the peer's ISN is not known yet (no SYN from the peer is expected before this step): give tcp.ack as a raw number\n",
      );
    });

    it('a missing file', () => {
      const r = cli('build', 'scenarios/nope.ts');
      expect(r.code).to.equal(2);
      expect(r.err).to.equal('tcpcraft: scenarios/nope.ts: no such scenario file\n');
    });

    it('run: a missing file is refused before anything is touched', () => {
      const r = cli('run', 'scenarios/nope.ts');
      expect(r.code).to.equal(2);
      expect(r.err).to.equal('tcpcraft: scenarios/nope.ts: no such scenario file\n');
    });

    it('run: a numbering problem is refused before anything is touched', () => {
      const r = cli('run', 'test/fixtures/scenarios/send-after-rst.ts');
      expect(r.code).to.equal(2);
      expect(r.err).to.match(/^tcpcraft: test\/fixtures\/scenarios\/send-after-rst\.ts:10: step 3 \(send 'S'\): seq: the peer reset the connection at step 2/);
      expect(r.err.trimEnd().split('\n')).to.have.length(1);
    });

    for (const [opt, value, says] of [
      ['--isn', '-1', ''],
      ['--isn', '4294967296', "an ISN must be an integer in 0..4294967295, got '4294967296'."],
      ['--peer-isn', 'abc', "an ISN must be an integer in 0..4294967295, got 'abc'."],
      ['--sport', '70000', "a port must be an integer in 1..65535, got '70000'."],
      ['--dport', '0', "a port must be an integer in 1..65535, got '0'."],
      ['--src', '10.0.0', "'10.0.0' is not an IPv4 or IPv6 address."],
    ] as const) {
      it(`build ${opt} ${value}`, () => {
        const r = cli('build', 'scenarios/netcat-5000.ts', opt, value);
        expect(r.code).to.equal(2);
        expect(r.out).to.equal('');
        if (says) expect(r.err).to.contain(says);
        else expect(r.err).to.match(/^error: /);
      });
    }

    it('run --timeout 0', () => {
      const r = cli('run', 'scenarios/netcat-5000.ts', '--timeout', '0');
      expect(r.code).to.equal(2);
      expect(r.err).to.contain("--timeout must be an integer in 1..600000, got '0'.");
    });

    it('an unknown option', () => {
      const r = cli('build', 'scenarios/netcat-5000.ts', '--isnn', '5');
      expect(r.code).to.equal(2);
      expect(r.err).to.contain("unknown option '--isnn'");
    });
  });

  describe('--help', () => {
    const common = ['--src <ip>', '--dst <ip>', '--sport <port>', '--dport <port>', '--isn <n>', '--pcap <file>', '--json [file]', '--no-ladder'];
    it('build mentions every option and exits 0', () => {
      const r = cli('build', '--help');
      expect(r.code).to.equal(0);
      for (const o of [...common, '--peer-isn <n>']) expect(r.out, o).to.contain(o);
      // build has no route: its default source is the lab's client address
      expect(r.out.replace(/\s+/g, ' ')).to.contain("our IPv4 address (default: the scenario's local.host, else the lab's addresses: 10.77.0.1 (10.77.0.2 in the server role))");
      expect(r.out).to.contain('tcpcraft build scenarios/netcat-5000.ts --isn 4126488336 --peer-isn 547479085 --sport 24491');
    });

    it('run mentions every option and exits 0', () => {
      const r = cli('run', '--help');
      expect(r.code).to.equal(0);
      for (const o of [...common, '--iface <name>', '--timeout <ms>', '--no-trace']) expect(r.out, o).to.contain(o);
    });

    it('the top level lists build and run and the exit codes', () => {
      const r = cli('--help');
      expect(r.code).to.equal(0);
      expect(r.out).to.match(/\n\s+build \[options\] <scenario>/);
      expect(r.out).to.match(/\n\s+run \[options\] <scenario>/);
      expect(r.out.replace(/\s+/g, ' ')).to.contain('Exit status: 0 passed, 1 a segment did not match or did not come, 2 usage or environment error; after SIGHUP, SIGINT or SIGTERM (once it has reset the peer, removed its guards and written what it had): 129, 130 or 143.');
    });
  });
});
