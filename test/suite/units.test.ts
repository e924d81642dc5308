/** The suite's pure parts: verdicts, summary lines, reports, port allocation, scheduling, demultiplexing, flake comparison. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameQueue } from '../../src/engine/queue.js';
import { systemClock } from '../../src/io/clock.js';
import { buildPacket } from '../../src/wire/packet.js';
import { LinkType } from '../../src/wire/link.js';
import { Flag } from '../../src/wire/tcp.js';
import { Demux } from '../../src/engine/demux.js';
import { discover } from '../../src/suite/discover.js';
import { findFlakes, flakeMain } from '../../src/suite/flake.js';
import { classnameOf, junitXml, suiteJson, tapHeader, tapPoint, xmlEscape } from '../../src/report/suite.js';
import { MS_PER_PORT, PORT_HIGH, PORT_LOW, PortAllocator } from '../../src/suite/ports.js';
import { countsOf, isFailure, progressLine, summaryLine, verdictOf, type SuiteResult } from '../../src/suite/result.js';
import { schedule, schedulingOf } from '../../src/suite/runner.js';
import { ROOT } from '../support/live.js';

const XSD = `${ROOT}test/suite/junit.xsd`;

function result(index: number, verdict: SuiteResult['verdict'], extra: Partial<SuiteResult> = {}): SuiteResult {
  return { index, file: `scenarios/conformance/s${index}.ts`, name: `s${index}`, verdict, durationMs: 12.5, startMs: 0, endMs: 12.5, ...extra };
}

const MIXED: SuiteResult[] = [
  result(0, 'pass', { rfc: 'RFC 9293 §3.5' }),
  result(1, 'fail', { message: 'x.ts:3: step 2 (expect \'SA\'): the live segment differs in 1 field:\n  ack: expected 2 vs actual 1 <&>"' }),
  result(2, 'xfail', { expectedFailure: 'Linux does X', message: 'x.ts:4: nothing arrived' }),
  result(3, 'xpass', { expectedFailure: 'stale', message: 'passed on linux, but marked' }),
  result(4, 'error', { message: 'x.ts: cannot load the scenario: \u0001 boom' }),
];

describe('suite verdicts and lines', () => {
  it('classifies a run with and without an expected-failure mark', () => {
    expect(verdictOf(true, undefined)).to.equal('pass');
    expect(verdictOf(false, undefined)).to.equal('fail');
    expect(verdictOf(false, 'reason')).to.equal('xfail');
    expect(verdictOf(true, 'reason')).to.equal('xpass');
    expect(['pass', 'fail', 'xfail', 'xpass', 'error'].filter((v) => isFailure(v as SuiteResult['verdict']))).to.deep.equal(['fail', 'xpass', 'error']);
  });
  it('counts an unexpected pass and an error as failures, and prints the fixed summary shape', () => {
    const c = countsOf(MIXED, 7);
    expect(c).to.deep.equal({ total: 7, done: 5, passed: 1, failed: 3, expectedFailures: 1, notApplicable: 0, interrupted: 0 });
    expect(summaryLine(c)).to.equal('1 passed, 3 failed, 1 expected failures');
    expect(progressLine(c)).to.equal('[5/7] 1 passed, 3 failed, 1 expected');
    expect(progressLine(countsOf([result(0, 'pass')], 30))).to.equal('[1/30] 1 passed, 0 failed');
    // Not applicable (a required feature is absent) is neither a pass nor a failure, and is only named when it happens.
    const na = countsOf([...MIXED, result(5, 'na')], 7);
    expect(na.notApplicable).to.equal(1);
    expect(summaryLine(na)).to.equal('1 passed, 3 failed, 1 expected failures, 1 not applicable');
    expect(isFailure('na')).to.equal(false);
    // Interrupted (a signal stopped it or kept it from starting): counted apart, not a failure.
    const stopped = countsOf([...MIXED, result(5, 'interrupted'), result(6, 'interrupted')], 7);
    expect(stopped.interrupted).to.equal(2);
    expect(summaryLine(stopped)).to.equal('1 passed, 3 failed, 1 expected failures, 2 interrupted');
    expect(isFailure('interrupted')).to.equal(false);
  });
});

describe('suite reports', () => {
  let tmp: string;
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-suite-unit-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('escapes XML and replaces characters XML 1.0 forbids', () => {
    expect(xmlEscape('a<b>&"c"\n\u0001')).to.equal('a&lt;b&gt;&amp;&quot;c&quot;&#10;\\x01');
  });
  it('names the class after the file, relative to the working directory', () => {
    expect(classnameOf('/w/scenarios/conformance/syn-closed.ts', '/w')).to.equal('scenarios.conformance.syn-closed');
    expect(classnameOf('scenarios/x.mts', '/w')).to.equal('scenarios.x');
  });
  it('writes JUnit XML that the schema accepts, with failures, skipped expected failures and errors', () => {
    const xml = junitXml(MIXED, { target: 'linux', wallMs: 1234, timestamp: '2026-01-02T03:04:05', hostname: 'h' });
    const f = join(tmp, 'r.xml');
    writeFileSync(f, xml);
    const v = spawnSync('xmllint', ['--noout', '--schema', XSD, f], { encoding: 'utf8' });
    expect(v.status, v.stderr).to.equal(0);
    expect(xml).to.contain('tests="5" failures="2" errors="1" skipped="1" time="1.234"');
    expect(xml).to.match(/<failure message="x.ts:3: step 2 \(expect 'SA'\): the live segment differs in 1 field:" type="mismatch">/);
    expect(xml).to.contain('<skipped message="expected failure on linux: Linux does X">');
    expect(xml).to.contain('type="unexpected-pass"');
    expect(xml).to.contain('rfc: RFC 9293 §3.5');
  });
  it('the schema rejects what is not JUnit (it is not vacuous)', () => {
    const f = join(tmp, 'bad.xml');
    writeFileSync(f, junitXml(MIXED, { target: 'linux', wallMs: 1, timestamp: '2026-01-02T03:04:05' }).replace('<testcase name="s1"', '<testcase'));
    expect(spawnSync('xmllint', ['--noout', '--schema', XSD, f], { encoding: 'utf8' }).status).to.not.equal(0);
    writeFileSync(f, junitXml(MIXED, { target: 'linux', wallMs: 1, timestamp: 'yesterday' }));
    expect(spawnSync('xmllint', ['--noout', '--schema', XSD, f], { encoding: 'utf8' }).status).to.not.equal(0);
  });
  it('writes TAP 13 that prove parses: failures fail, expected failures are TODO', () => {
    const tap = tapHeader(MIXED.length) + MIXED.map(tapPoint).join('');
    expect(tap).to.match(/^TAP version 13\n1\.\.5\nok 1 - s0\n/);
    expect(tap).to.contain('not ok 3 - s2 # TODO expected failure: Linux does X');
    const f = join(tmp, 'r.tap');
    writeFileSync(f, tap);
    const p = spawnSync('prove', ['--exec', 'cat', f], { encoding: 'utf8' });
    expect(p.status).to.not.equal(0);
    expect(p.stdout).to.match(/Failed tests?:\s+2, 4-5/);
    expect(p.stdout).to.not.match(/Parse errors/);
  });
  it('writes a JSON object with the totals and one entry per scenario', () => {
    const doc = suiteJson(MIXED, { target: 'linux', startedAt: new Date(0), wallMs: 10 });
    expect(doc.totals).to.deep.equal({ total: 5, passed: 1, failed: 3, expectedFailures: 1, notApplicable: 0, interrupted: 0 });
    const j = doc.results;
    expect(j).to.have.length(5);
    expect(Object.keys(j[0]!)).to.deep.equal(['file', 'name', 'rfc', 'level', 'target', 'verdict', 'expectedFailure', 'message', 'summary', 'durationMs', 'startMs', 'endMs', 'report']);
    expect(j.map((r) => r.verdict)).to.deep.equal(['pass', 'fail', 'xfail', 'xpass', 'error']);
  });
});

describe('suite source ports', () => {
  it('follow the clock, never repeat while in use, and never go back when a process runs ahead of the clock', () => {
    let now = 1_000_000;
    const a = new PortAllocator(() => now);
    const first = a.next();
    expect(first).to.equal(PORT_LOW + (Math.floor(now / MS_PER_PORT) % (PORT_HIGH - PORT_LOW + 1)));
    const burst = Array.from({ length: 50 }, () => a.next());
    expect(new Set([first, ...burst]).size).to.equal(51);
    expect(burst.every((p) => p >= PORT_LOW && p <= PORT_HIGH)).to.equal(true);
    now += 10_000; // 10 s later: the clock is 5000 ports further
    expect(a.next()).to.equal(first + 5000);
    // A second process 1 s after the first one ended starts past every port the first used.
    const b = new PortAllocator(() => now + 1000);
    expect(b.next()).to.be.greaterThan(first + 5000);
  });
  it('skips ports still in use after wrapping around', () => {
    const a = new PortAllocator(() => 0);
    const p = a.next();
    for (let i = 0; i < PORT_HIGH - PORT_LOW; i++) a.release(a.next());
    expect(a.next()).to.not.equal(p);
  });
});

describe('suite scheduling', () => {
  const sc = (extra: object) => ({ name: 'x', peer: { host: '10.77.0.2', port: 9 }, steps: [], ...extra }) as never;
  it('runs server-role and fixed-port scenarios alone, keys single-connection ports', () => {
    expect(schedulingOf(sc({}), [5000])).to.deep.equal({ exclusive: false, keys: [] });
    expect(schedulingOf(sc({ role: 'server', local: { port: 7 } }), [5000]).exclusive).to.equal(true);
    expect(schedulingOf(sc({ local: { port: 4000 } }), [5000]).exclusive).to.equal(true);
    expect(schedulingOf(sc({ peer: { host: '10.77.0.2', port: 5000 } }), [5000])).to.deep.equal({ exclusive: false, keys: ['10.77.0.2:5000'] });
    expect(schedulingOf(sc({ peer: { host: '10.77.0.2', port: 5000 } }), [5000], '10.9.9.9').keys).to.deep.equal(['10.9.9.9:5000']);
  });
  it('overlaps up to `jobs` runs, never two with the same key, exclusive ones alone and last', async () => {
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const active = new Set<number>();
    const plans = [
      { i: 0, plan: { exclusive: true, keys: [] } },
      { i: 1, plan: { exclusive: false, keys: ['k'] } },
      { i: 2, plan: { exclusive: false, keys: ['k'] } },
      { i: 3, plan: { exclusive: false, keys: [] } },
      { i: 4, plan: { exclusive: false, keys: [] } },
      { i: 5, plan: { exclusive: false, keys: [] } },
    ];
    await schedule(plans, 3, async (i) => {
      running += 1;
      most = Math.max(most, running);
      active.add(i);
      if (i === 0) expect([...active]).to.deep.equal([0]);
      expect(active.has(1) && active.has(2)).to.equal(false);
      log.push(`start ${i}`);
      await new Promise((r) => setTimeout(r, 20));
      active.delete(i);
      running -= 1;
    });
    expect(most).to.equal(3);
    expect(log.at(-1)).to.equal('start 0');
    expect(log).to.have.length(6);
  });
  it('runs one at a time with jobs 1', async () => {
    let running = 0;
    let most = 0;
    await schedule([0, 1, 2].map((i) => ({ i, plan: { exclusive: false, keys: [] } })), 1, async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
    });
    expect(most).to.equal(1);
  });
});

describe('suite capture demultiplexing', () => {
  const seg = (src: string, sport: number, dst: string, dport: number) =>
    buildPacket({ ip: { src, dst }, tcp: { srcPort: sport, dstPort: dport, seq: 1, ack: 0, flags: Flag.SYN, window: 1000 } });
  it('hands each frame to the run owning its 4-tuple, both directions; wildcard peers match any client', async () => {
    let cb: ((f: Uint8Array, t: bigint) => void) | undefined;
    const d = new Demux({ linkType: LinkType.RAW, onFrame: (f) => void (cb = f) }, () => 7n);
    const qa = new FrameQueue();
    const qb = new FrameQueue();
    const qs = new FrameQueue();
    d.register([{ localIp: '10.77.0.1', localPort: 40000, peerIp: '10.77.0.2', peerPort: 9 }], qa);
    const stopB = d.register([{ localIp: '10.77.0.1', localPort: 40001, peerIp: '10.77.0.2', peerPort: 9 }], qb);
    d.register([{ localIp: '10.77.0.1', localPort: 7777 }], qs);
    cb!(seg('10.77.0.2', 9, '10.77.0.1', 40000), 0n);
    cb!(seg('10.77.0.1', 40001, '10.77.0.2', 9), 0n);
    cb!(seg('10.77.0.2', 9, '10.77.0.1', 40001), 0n);
    cb!(seg('10.77.0.2', 51234, '10.77.0.1', 7777), 0n);
    cb!(seg('10.77.0.2', 9, '10.77.0.1', 40002), 0n);
    expect([qa.size, qb.size, qs.size, d.unclaimed]).to.deep.equal([1, 2, 1, 1]);
    expect((await qa.take(0, systemClock))!.timestampUs).to.equal(7n);
    stopB();
    cb!(seg('10.77.0.2', 9, '10.77.0.1', 40001), 0n);
    expect([qb.size, d.unclaimed]).to.deep.equal([2, 2]);
  });

  it('gives a segment to the run whose address and port it is sent to, from any address, when no 4-tuple claims it', () => {
    let cb: ((f: Uint8Array, t: bigint) => void) | undefined;
    const d = new Demux({ linkType: LinkType.RAW, onFrame: (f) => void (cb = f) }, () => 7n);
    const qa = new FrameQueue();
    const qb = new FrameQueue();
    // A run that sent a SYN to the broadcast address; another whose peer is 10.77.0.2 itself.
    d.register([{ localIp: '10.77.0.1', localPort: 40000, peerIp: '10.77.0.255', peerPort: 9 }], qa);
    d.register([{ localIp: '10.77.0.1', localPort: 40001, peerIp: '10.77.0.2', peerPort: 9 }], qb);
    // The target answers the broadcast SYN from its own address: the first run's, by address and port.
    cb!(seg('10.77.0.2', 9, '10.77.0.1', 40000), 0n);
    // By 4-tuple first: the second run's own segment stays its own.
    cb!(seg('10.77.0.2', 9, '10.77.0.1', 40001), 0n);
    // To nobody's port: unclaimed.
    cb!(seg('10.77.0.2', 9, '10.77.0.1', 40002), 0n);
    expect([qa.size, qb.size, d.unclaimed]).to.deep.equal([1, 1, 1]);
  });
});

describe('suite discovery and flake comparison', () => {
  it('takes the scenario files directly in a directory, sorted, skipping _helpers and subdirectories', () => {
    const files = discover([`${ROOT}test/suite/scenarios`]).map((f) => f.slice(`${ROOT}test/suite/scenarios/`.length));
    expect(files).to.deep.equal(['a-pass-handshake.ts', 'b-pass-closed.ts', 'c-fail.ts', 'd-xfail.ts', 'e-server.ts']);
    expect(discover([`${ROOT}test/suite/scenarios/extra`]).map((f) => f.split('/').at(-1))).to.deep.equal(['broken.ts', 'xpass.ts']);
    expect(() => discover(['/nonexistent/dir'])).to.throw(/no such file or directory/);
  });
  it('reports only the scenarios whose verdict changed between runs', () => {
    const run = (v: string) => [{ file: 'a.ts', name: 'a', verdict: 'pass' }, { file: 'b.ts', name: 'b', verdict: v }, { file: 'c.ts', name: 'c', verdict: 'xfail' }];
    expect(findFlakes([run('pass'), run('pass')])).to.deep.equal([]);
    expect(findFlakes([run('pass'), run('fail'), run('pass')])).to.deep.equal([{ file: 'b.ts', name: 'b', verdicts: ['pass', 'fail', 'pass'] }]);
    const tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-flake-'));
    try {
      writeFileSync(join(tmp, '1.json'), JSON.stringify({ results: run('pass') }));
      writeFileSync(join(tmp, '2.json'), JSON.stringify({ results: run('fail') }));
      let out = '';
      expect(flakeMain([join(tmp, '1.json'), join(tmp, '2.json')], (s) => (out += s))).to.equal(1);
      expect(out).to.contain('b (b.ts): pass x1, fail x1 (run 2 differ)');
      out = '';
      expect(flakeMain([join(tmp, '1.json'), join(tmp, '1.json')], (s) => (out += s))).to.equal(0);
      expect(out).to.equal('no verdict changed over 2 runs of 3 scenarios\n');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
