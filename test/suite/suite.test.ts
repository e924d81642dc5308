/**
 * `tcpcraft suite` live, on a small set of scenarios of its own (test/suite/scenarios: a pass with a
 * connection left open, a pass to a closed port, a failure, an expected failure, a server-role
 * scenario) in a lab this file creates and removes: verdicts, exit status, summary line, JUnit
 * checked by xmllint against test/suite/junit.xsd and by xml.etree, TAP read by prove, JSON; no
 * guard table and no open connection left behind; parallel runs really overlap; SIGTERM cleans up.
 * Needs root.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labExecArgv } from '../../src/io/lab.js';
import { outputOf, ROOT, runBounded, tcpcraftIn, useLab, guardTables } from '../support/live.js';
import { checkJunit } from './junit.js';
import { assertValid, validatorFor } from '../support/schema.js';

const DIR = `${ROOT}test/suite/scenarios`;

interface JsonResult {
  file: string;
  name: string;
  rfc: string | null;
  verdict: string;
  expectedFailure: string | null;
  message: string | null;
  durationMs: number;
  startMs: number;
  endMs: number;
  report: { scenario: string; passed: boolean; flow: { localPort: number }; events: Array<{ kind: string; flags: string }> } | null;
}

describe('tcpcraft suite @live', function () {
  this.timeout(180_000);
  const lab = useLab('suite');

  /** Connections on the target that are neither listening nor cleanly closed (TIME-WAIT). */
  async function openOnTarget(): Promise<string[]> {
    const r = await runBounded(labExecArgv(lab.cfg, 'server', ['ss', '-Htan']), 5000);
    return r.stdout.toString().split('\n').filter((l) => l.trim() !== '' && !/^(LISTEN|TIME-WAIT)\s/.test(l));
  }

  it('gives each scenario its verdict, prints failures with their diagnostic and the summary, exits 1, and writes JUnit and JSON', async () => {
    const junit = join(lab.tmp, 'small.xml');
    const json = join(lab.tmp, 'small.json');
    const r = await tcpcraftIn(lab.cfg, 'client', ['suite', DIR, '--lab', lab.cfg.name, '--jobs', '4', '--junit', junit, '--json', json], 60_000);
    const out = r.stdout.toString();
    expect(r.code, outputOf(r)).to.equal(1);
    expect(out).to.match(/^PASS suite-pass-handshake \(\d+ ms\)$/m);
    expect(out).to.match(/^PASS suite-pass-closed \(\d+ ms\)$/m);
    expect(out).to.match(/^PASS suite-server-role \(\d+ ms\)$/m);
    expect(out).to.match(/^FAIL suite-fail-wrong-ack \(\d+ ms\)$/m);
    expect(out).to.match(/^XFAIL suite-xfail-closed-synack \(\d+ ms\): expected failure: a closed port answers with RST\/ACK/m);
    // The failure's diagnostic, as `tcpcraft run` prints it.
    expect(out).to.match(/c-fail\.ts:11: step 2 \(expect 'SA'\): the live segment differs in 1 field:\n {2}ack: expected 2 \(raw \d+\) vs actual 1 \(raw \d+\)/);
    expect(out).to.match(/^3 passed, 1 failed, 1 expected failures$/m);
    expect(out).to.match(/^wall time [\d.]+ s with --jobs 4 \(5 scenarios, [\d.]+ per second, target linux\)$/m);

    const j = checkJunit(junit);
    expect(j).to.deep.include({ tests: 5, failures: 1, errors: 0, skipped: 1 });
    expect(j.names).to.deep.equal(['suite-pass-handshake', 'suite-pass-closed', 'suite-fail-wrong-ack', 'suite-xfail-closed-synack', 'suite-server-role']);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).to.contain('classname="test.suite.scenarios.c-fail"');
    expect(xml).to.contain('rfc: RFC 9293 §3.10.7.1');

    const doc = JSON.parse(readFileSync(json, 'utf8')) as { results: JsonResult[]; totals: unknown };
    assertValid(validatorFor('suite'), doc);
    const results = doc.results;
    expect(results.map((x) => [x.name, x.verdict])).to.deep.equal([
      ['suite-pass-handshake', 'pass'],
      ['suite-pass-closed', 'pass'],
      ['suite-fail-wrong-ack', 'fail'],
      ['suite-xfail-closed-synack', 'xfail'],
      ['suite-server-role', 'pass'],
    ]);
    for (const x of results) {
      expect(x.report, x.name).to.not.equal(null);
      expect(x.report!.scenario).to.equal(x.name);
      expect(x.report!.events.length).to.be.greaterThan(0);
    }
    // Distinct source ports for the client-role runs; the server-role one answered on its own port.
    const ports = results.map((x) => x.report!.flow.localPort);
    expect(new Set(ports).size).to.equal(5);
    expect(ports[4]).to.equal(7777);
    // The connection the passing handshake left open and the failed one's half-open one were reset.
    const handshake = results[0]!.report!.events.map((e) => `${e.kind} ${e.flags}`);
    expect(handshake.at(-1)).to.equal('cleanup R');
    expect(results[2]!.report!.events.some((e) => e.kind === 'cleanup')).to.equal(true);

    // The two 1.5 s scenarios ran at the same time, and the server-role one ran alone, last.
    const [a, b] = [results[0]!, results[1]!];
    expect(Math.max(a.startMs, b.startMs), 'the two paused scenarios overlap').to.be.lessThan(Math.min(a.endMs, b.endMs));
    const server = results[4]!;
    for (const x of results.slice(0, 4)) expect(x.endMs, `${x.name} ended before the server-role run`).to.be.at.most(server.startMs + 1);

    expect(await guardTables(lab.cfg)).to.deep.equal([]);
    expect(await openOnTarget()).to.deep.equal([]);
  });

  it('--tap writes TAP version 13 on stdout, in file order, that prove reads; the human lines go to stderr', async () => {
    const r = await tcpcraftIn(lab.cfg, 'client', ['suite', DIR, `${DIR}/extra`, '--lab', lab.cfg.name, '--tap'], 60_000);
    expect(r.code, outputOf(r)).to.equal(1);
    const tap = r.stdout.toString();
    expect(tap).to.match(/^TAP version 13\n1\.\.7\n/);
    const points = tap.split('\n').filter((l) => /^(not )?ok /.test(l));
    expect(points).to.deep.equal([
      'ok 1 - suite-pass-handshake',
      'ok 2 - suite-pass-closed',
      'not ok 3 - suite-fail-wrong-ack',
      'not ok 4 - suite-xfail-closed-synack # TODO expected failure: a closed port answers with RST/ACK (this scenario is wrong on purpose)',
      'ok 5 - suite-server-role',
      'not ok 6 - broken',
      'not ok 7 - suite-xpass',
    ]);
    expect(r.stderr).to.match(/^3 passed, 3 failed, 1 expected failures$/m);
    expect(r.stderr).to.match(/^XPASS suite-xpass .*unexpected pass/m);
    expect(r.stderr).to.match(/^ERROR broken .*\n.*broken\.ts:7: step 1 \(send 'Q'\): flags: unknown flag letter 'Q'/m);
    const f = join(lab.tmp, 'suite.tap');
    writeFileSync(f, tap);
    const p = spawnSync('prove', ['--exec', 'cat', f], { encoding: 'utf8' });
    expect(p.stdout, p.stdout).to.match(/Failed tests?:\s+3, 6-7/);
    expect(p.stdout).to.not.match(/Parse errors/);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
    expect(await openOnTarget()).to.deep.equal([]);
  });

  it('exits 0 when nothing fails; --target picks whose expected failures apply; usage errors exit 2', async () => {
    const ok = await tcpcraftIn(lab.cfg, 'client', ['suite', `${DIR}/a-pass-handshake.ts`, `${DIR}/b-pass-closed.ts`, `${DIR}/d-xfail.ts`], 60_000);
    expect(ok.code, outputOf(ok)).to.equal(0);
    expect(ok.stdout.toString()).to.match(/^2 passed, 0 failed, 1 expected failures$/m);
    const other = await tcpcraftIn(lab.cfg, 'client', ['suite', `${DIR}/d-xfail.ts`, '--target', 'freebsd'], 60_000);
    expect(other.code, outputOf(other)).to.equal(1);
    expect(other.stdout.toString()).to.match(/^FAIL suite-xfail-closed-synack/m);
    expect(other.stdout.toString()).to.match(/^0 passed, 1 failed, 0 expected failures$/m);
    const missing = await tcpcraftIn(lab.cfg, 'client', ['suite', `${DIR}/nothing-here`], 20_000);
    expect(missing.code, outputOf(missing)).to.equal(2);
    expect(missing.stderr).to.match(/nothing-here: no such file or directory/);
    const jobs = await tcpcraftIn(lab.cfg, 'client', ['suite', DIR, '--jobs', '0'], 20_000);
    expect(jobs.code, outputOf(jobs)).to.equal(2);
  });

  it('--jobs 1 runs one scenario at a time; --dst replaces every peer host', async () => {
    const json = join(lab.tmp, 'serial.json');
    const files = [`${DIR}/a-pass-handshake.ts`, `${DIR}/b-pass-closed.ts`];
    const r = await tcpcraftIn(lab.cfg, 'client', ['suite', ...files, '--jobs', '1', '--json', json, '--dst', lab.cfg.serverAddr], 60_000);
    expect(r.code, outputOf(r)).to.equal(0);
    const [a, b] = (JSON.parse(readFileSync(json, 'utf8')) as { results: JsonResult[] }).results;
    expect(b!.startMs).to.be.at.least(a!.endMs);
    // An address nothing answers at (inside the lab's subnet, so no traffic leaves it): every scenario fails.
    const away = await tcpcraftIn(lab.cfg, 'client', ['suite', `${DIR}/b-pass-closed.ts`, '--dst', '10.77.0.3', '--timeout', '500'], 60_000);
    expect(away.code, outputOf(away)).to.equal(1);
    expect(away.stdout.toString()).to.match(/nothing arrived from the peer within/);
  });

  it('colours verdicts when forced (FORCE_COLOR), never with --no-color or into a pipe', async () => {
    const suite = (env: string[], extra: string[] = []) => runBounded(labExecArgv(lab.cfg, 'client', ['env', ...env, process.execPath, `${ROOT}bin/tcpcraft.js`, 'suite', `${DIR}/b-pass-closed.ts`, ...extra]), 60_000);
    const forced = await suite(['FORCE_COLOR=1']);
    expect(forced.code, outputOf(forced)).to.equal(0);
    expect(forced.stdout.toString()).to.include('\x1b[32mPASS\x1b[0m suite-pass-closed');
    const off = await suite(['FORCE_COLOR=1'], ['--no-color']);
    expect(off.stdout.toString()).to.not.include('\x1b[');
    const piped = await suite([]);
    expect(piped.stdout.toString()).to.not.include('\x1b[');
    expect(piped.stdout.toString()).to.match(/^PASS suite-pass-closed/m);
  });

  it('SIGTERM stops the suite: exit 143, every guard removed, the open connection reset', async () => {
    const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'suite', `${DIR}/slow`]);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    let established = false;
    for (let i = 0; i < 50 && !established; i++) {
      const ss = await runBounded(labExecArgv(lab.cfg, 'server', ['ss', '-Htn', 'state', 'established', 'sport', '= :9']), 5000);
      established = ss.stdout.toString().trim() !== '';
      if (!established) await new Promise((r) => setTimeout(r, 100));
    }
    expect(established, 'connection established before SIGTERM').to.equal(true);
    expect((await guardTables(lab.cfg)).length).to.equal(1);
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(killer);
    expect(code).to.equal(143);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
    expect(await openOnTarget()).to.deep.equal([]);
  });
});
