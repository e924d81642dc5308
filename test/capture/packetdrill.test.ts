/**
 * `tcpcraft import-pkt`: packetdrill scripts as scenarios. The fixtures (test/fixtures/pkt) are
 * our own scripts in packetdrill's syntax. Each conversion must be TypeScript that type-checks
 * against tcpcraft, load, validate, and say the steps the script means; a script that cannot be
 * read names its line and column; what cannot be played from outside is refused, or dropped as
 * comments; and no text of a script, nor its file name, can become code.
 */
import { expect as chai } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { convertPacketdrill, parsePacketdrill, type PktConversion } from '../../src/capture/packetdrill.js';
import { scenarioFileName } from '../../src/cli/packetdrill.js';
import { app, appWait, either, expect, fastOpen, icmp, mss, nop, option, pause, sack, sackOk, scenario, send, timestamp, wscale } from '../../src/scenario/dsl.js';
import { capture, oneOf, use } from '../../src/scenario/matchers.js';
import type { OptionsExpectation, Scenario, Step } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { checkGenerated, fileName, hostileText, sentinelWriters, wellFormed } from '../support/hostile.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures/pkt');
const INDEX = pathToFileURL(join(ROOT, 'src/index.ts')).href;
const fixture = (name: string): string => readFileSync(join(FIXTURES, `${name}.pkt`), 'utf8');

/**
 * Whether this tree's validator knows app() steps. The engine's side of app() (validation, the
 * puppet) is developed apart from the converter: until it is here, a conversion is validated
 * without its app() steps, which are then checked by shape only.
 */
const APP_VALIDATED = (() => {
  try {
    validateScenario(scenario({ name: 'probe', requires: ['app-puppet'], peer: { host: '10.77.0.2', port: 8080 }, steps: [app('listen'), send('S')] }), 'probe.ts');
    return true;
  } catch {
    return false;
  }
})();

function validate(sc: Scenario, file: string): void {
  if (APP_VALIDATED) {
    validateScenario(sc, file);
    return;
  }
  const steps = sc.steps.filter((s) => s.kind !== 'app' && s.kind !== 'appWait');
  const requires = sc.requires?.filter((r) => r !== 'app-puppet');
  validateScenario({ ...sc, steps, ...(requires ? { requires } : {}) }, file);
}

/** A step as plain data: no call site; zero payloads as `zeros(N)`; a use() with a function as its shift. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return v.every((b) => b === 0) && v.length > 0 ? `zeros(${v.length})` : `bytes(${[...v].join(',')})`;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (typeof o.$use === 'string' && typeof o.map === 'function') return { $use: o.$use, shift: (o.map as (x: number) => number)(1000) - 1000 };
    return Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'site').map(([k, x]) => [k, plain(x)]));
  }
  return v;
}
const shape = (steps: readonly Step[]): unknown => plain(steps);

describe('import-pkt: packetdrill scripts as scenarios', function () {
  this.timeout(180_000);
  let tmp = '';
  let n = 0;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-pkt-'));
    chmodSync(tmp, 0o777);
    // The generated files are ES modules (as scenario files are loaded).
    writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** Converts `text`; the conversion must succeed. */
  function convert(text: string, o: { drop?: boolean; name?: string; source?: string; dst?: string } = {}): Extract<PktConversion, { ok: true }> {
    const r = convertPacketdrill(text, { name: o.name ?? 'test', source: o.source ?? 'test.pkt', ...(o.drop ? { drop: true } : {}), ...(o.dst ? { dst: o.dst } : {}) });
    if (!r.ok) throw new Error(`not converted: ${JSON.stringify(r)}`);
    return r;
  }

  /** Writes a conversion, imports it (its 'tcpcraft' being this tree's src/index.ts) and validates it. */
  async function load(source: string): Promise<{ sc: Scenario; file: string }> {
    checkGenerated(source);
    const file = join(tmp, `s${++n}.ts`);
    writeFileSync(file, source);
    const js = source.replace("from 'tcpcraft';", `from ${JSON.stringify(INDEX)};`);
    chai(js, 'the one import of tcpcraft').to.not.equal(source);
    const loadable = join(tmp, `l${n}.ts`);
    writeFileSync(loadable, js);
    const sc = ((await import(pathToFileURL(loadable).href)) as { default: Scenario }).default;
    validate(sc, file);
    return { sc, file };
  }

  const converted: string[] = [];
  async function fromFixture(name: string, o: { drop?: boolean } = {}): Promise<Scenario> {
    const r = convert(fixture(name), { ...o, name, source: `test/fixtures/pkt/${name}.pkt` });
    const { sc, file } = await load(r.source);
    converted.push(file);
    return sc;
  }

  describe('the fixtures, step by step', () => {
    it('a listening stack: client role, handshake, a write split at the MSS (PSH on any piece), our data, a close', async () => {
      const sc = await fromFixture('listen-accept-write');
      chai(sc.name).to.equal('listen-accept-write');
      chai(sc.role).to.equal(undefined);
      chai(sc.peer).to.deep.equal({ host: '10.77.0.2', port: 8080 });
      chai(sc.requires).to.deep.equal(['app-puppet', 'sack', 'wscale']);
      chai(sc.tolerance).to.deep.equal({ ms: 8, percent: 12.5 });
      chai(sc.description).to.match(/^A listening stack/);
      const piece = (seq: number, at?: number) => ({ seq, ack: 1, len: 1000, options: [], ...(at !== undefined ? { at } : {}) });
      chai(shape(sc.steps)).to.deep.equal(
        shape([
          app('setsockopt', 'SO_REUSEADDR', 1),
          app('listen', { backlog: 5 }),
          pause(50),
          send('S', { seq: 0, window: 29200, options: [mss(1000), sackOk(), nop(), nop(), nop(), wscale(6)] }),
          expect('SA', { seq: 0, ack: 1, len: 0, options: [mss(1460), nop(), nop(), sackOk(), nop(), wscale(7)], at: 0 }),
          pause(20),
          send('A', { seq: 1, ack: 1, window: 457 }),
          app('accept'),
          pause(10),
          app('write', 2500),
          either(expect('A', piece(1, 10)), expect('PA', piece(1, 10))),
          either(expect('A', piece(1001)), expect('PA', piece(1001))),
          either(expect('A', { seq: 2001, ack: 1, len: 500, options: [] }), expect('PA', { seq: 2001, ack: 1, len: 500, options: [] })),
          pause(30),
          send('A', { seq: 1, ack: 2501, window: 457 }),
          pause(10),
          send('PA', { seq: 1, ack: 2501, window: 457, payload: new Uint8Array(100) }),
          expect('A', { seq: 2501, ack: 101, len: 0, at: 0 }),
          app('read', 500, { returns: 100 }),
          pause(100),
          app('close'),
          expect('FA', { seq: 2501, ack: 101, len: 0, options: [], at: 100 }),
          pause(10),
          send('FA', { seq: 101, ack: 2502, window: 457 }),
          expect('A', { seq: 2502, ack: 102, len: 0, options: [], at: 0 }),
        ]),
      );
    });

    it('a connecting stack with timestamps: server role, its TS values captured and echoed (moved where the script moves them)', async () => {
      const sc = await fromFixture('connect-timestamps');
      chai(sc.role).to.equal('server');
      chai(sc.local).to.deep.equal({ port: 8080 });
      chai(sc.peer).to.deep.equal({ host: '10.77.0.2' });
      chai(sc.requires).to.deep.equal(['app-puppet', 'sack', 'timestamps', 'wscale']);
      const tsOnly = (tsval: ReturnType<typeof capture<number>> | undefined, tsecr: number): OptionsExpectation => ({ has: ['timestamp'], lacks: ['mss', 'wscale', 'sackOk', 'sack', 'fastOpen'], timestamp: tsval === undefined ? { tsecr } : { tsval, tsecr } });
      // MSS 1200 offered, timestamps on both sides: 1188 bytes a segment.
      const piece = (seq: number, at?: number) => ({ seq, ack: 1, len: 1188, options: tsOnly(undefined, 90), ...(at !== undefined ? { at } : {}) });
      chai(shape(sc.steps)).to.deep.equal(
        shape([
          app('setsockopt', 'TCP_NODELAY', 1),
          app('connect', { after: 43.75, within: 56.25, background: 'connect' }),
          expect('S', { seq: 0, len: 0, options: { has: ['mss', 'sackOk', 'timestamp', 'wscale'], lacks: ['sack', 'fastOpen'], mss: 1460, timestamp: { tsval: capture('ts1'), tsecr: 0 }, wscale: 7 }, at: 0 }),
          pause(50),
          send('SA', { seq: 0, ack: 1, window: 28960, options: [mss(1200), sackOk(), timestamp(90, use('ts1')), nop(), wscale(5)] }),
          appWait('connect'),
          expect('A', { seq: 1, ack: 1, len: 0, options: tsOnly(capture('ts2'), 90), at: 0 }),
          pause(10),
          app('write', 3000),
          either(expect('A', piece(1, 10)), expect('PA', piece(1, 10))),
          either(expect('A', piece(1189)), expect('PA', piece(1189))),
          either(expect('A', { seq: 2377, ack: 1, len: 624, options: tsOnly(capture('ts3'), 90) }), expect('PA', { seq: 2377, ack: 1, len: 624, options: tsOnly(capture('ts3'), 90) })),
          pause(40),
          send('A', { seq: 1, ack: 3001, window: 900, options: [nop(), nop(), timestamp(130, use('ts3'))] }),
          pause(10),
          send('A', { seq: 1, ack: 3001, window: 900, options: [nop(), nop(), timestamp(140, use('ts3', (v) => (v + 10) >>> 0))] }),
        ]),
      );
    });

    it("a non-blocking connect: the port from connect's address, EINPROGRESS, SO_ERROR, a range widened by the tolerance, '*'", async () => {
      const sc = await fromFixture('nonblocking-connect');
      chai(sc.local).to.deep.equal({ port: 9099 });
      chai(shape(sc.steps)).to.deep.equal(
        shape([
          app('nonblock', true),
          app('connect', { errno: 'EINPROGRESS' }),
          expect('S', { seq: 0, len: 0, at: 0 }),
          pause(20),
          send('SA', { seq: 0, ack: 1, window: 5000, options: [mss(1400)] }),
          expect('A', { seq: 1, ack: 1, len: 0, options: [], at: 0 }),
          app('getsockopt', 'SO_ERROR', { returns: 0 }),
          app('nonblock', false),
          pause(10),
          app('write', 300, { more: true }),
          // +.2~+.25 after the send, itself 10 ms after the ACK; 12.5 % of 210 ms either side.
          expect('PA', { seq: 1, ack: 1, len: 300, options: [], after: 183.75, within: 286.25 }),
          pause(10),
          app('shutdown', 'wr'),
          expect('FA', { seq: 301, ack: 1, len: 0, options: [], at: 10 }),
          app('write', 10, { errno: 'EPIPE' }),
          pause(10),
          send('FA', { seq: 1, ack: 302, window: 5000 }),
          expect('A', { seq: 302, ack: 2, len: 0, options: [] }),
          pause(10),
          app('read', 100, { returns: 0 }),
        ]),
      );
    });

    it('calls that block until we send: accept and read in the background, waited for where the script has them return; absolute times', async () => {
      const sc = await fromFixture('blocking-calls');
      chai(sc.peer).to.deep.equal({ host: '10.77.0.2', port: 9000 });
      const piece = (seq: number) => ({ seq, ack: 701, len: 536, options: [] });
      chai(shape(sc.steps)).to.deep.equal(
        shape([
          app('listen', { backlog: 1 }),
          app('accept', { after: 131.25, within: 168.75, background: 'accept' }),
          pause(50),
          send('S', { seq: 0, window: 8000, options: [mss(536)] }),
          expect('SA', { seq: 0, ack: 1, len: 0, options: [mss(1460)], at: 0 }),
          pause(100),
          send('A', { seq: 1, ack: 1, window: 8000 }),
          appWait('accept'),
          pause(50),
          app('read', 1000, { returns: 700, after: 175, within: 225, background: 'read1' }),
          pause(200),
          send('PA', { seq: 1, ack: 1, window: 8000, payload: new Uint8Array(700) }),
          expect('A', { seq: 1, ack: 701, len: 0, options: [], within: 104 }),
          appWait('read1'),
          // The ACK came at some time in its range: later absolute times are estimates, paused
          // for but not checked.
          pause(200),
          app('write', 1200),
          either(expect('A', piece(1)), expect('PA', piece(1))),
          either(expect('A', piece(537)), expect('PA', piece(537))),
          either(expect('A', { seq: 1073, ack: 701, len: 128, options: [] }), expect('PA', { seq: 1073, ack: 701, len: 128, options: [] })),
        ]),
      );
    });

    it('ECN: marks on what we send (ip.ecn, tos), checks of the marks on what the stack sends, ECE/CWR flags', async () => {
      const sc = await fromFixture('ecn-marks');
      chai(shape(sc.steps)).to.deep.equal(
        shape([
          app('listen', { backlog: 1 }),
          send('SEW', { seq: 0, window: 10000, options: [mss(1460), nop(), wscale(2)] }),
          expect('SAE', { seq: 0, ack: 1, len: 0, options: [mss(1460), nop(), wscale(7)], at: 0 }),
          pause(10),
          send('A', { seq: 1, ack: 1, window: 10000 }),
          app('accept'),
          send('PA', { seq: 1, ack: 1, window: 10000, payload: new Uint8Array(10), ip: { ecn: 2 } }),
          expect('A', { seq: 1, ack: 11, len: 0, options: [], at: 0 }),
          pause(10),
          send('PA', { seq: 11, ack: 1, window: 10000, payload: new Uint8Array(10), ip: { ecn: 3 } }),
          expect('AE', { seq: 1, ack: 21, len: 0, options: [], at: 0 }),
          app('write', 100),
          expect('PA', { seq: 1, ack: 21, len: 100, options: [], ip: { ecn: 2 }, at: 0 }),
          pause(10),
          send('AW', { seq: 21, ack: 101, window: 10000, ip: { ecn: 1 } }),
          pause(10),
          app('write', 100),
          expect('PA', { seq: 101, ack: 21, len: 100, options: [], ip: { ecn: oneOf(1, 2) }, at: 10 }),
          pause(10),
          send('A', { seq: 21, ack: 201, window: 10000, ip: { ecn: 2 } }),
          expect('A', { seq: 201, ack: 21, len: 0, ip: { ecn: 0 }, at: 0 }),
        ]),
      );
    });

    it('socket options before listen, on the listener (listener: true), and every way of writing and reading; TCP_MAXSEG sets the MSS', async () => {
      const sc = await fromFixture('sockopts-and-io');
      chai(sc.peer).to.deep.equal({ host: '10.77.0.2', port: 7070 });
      const piece = (seq: number, at?: number) => ({ seq, ack: 1, len: 700, options: [], ...(at !== undefined ? { at } : {}) });
      chai(shape(sc.steps)).to.deep.equal(
        shape([
          app('setsockopt', 'TCP_MAXSEG', 700),
          app('setsockopt', 'SO_LINGER', 0),
          app('listen', { backlog: 16 }),
          app('setsockopt', 'SO_RCVBUF', 65536, { listener: true }),
          send('S', { seq: 0, window: 65535, options: [mss(1460)] }),
          expect('SA', { seq: 0, ack: 1, len: 0, options: [mss(700)], at: 0 }),
          send('A', { seq: 1, ack: 1, window: 65535 }),
          app('accept'),
          app('close', { listener: true }),
          app('write', 150, { more: true }),
          app('write', 1250),
          either(expect('A', piece(1, 0)), expect('PA', piece(1, 0))),
          either(expect('A', piece(701)), expect('PA', piece(701))),
          send('A', { seq: 1, ack: 1401, window: 65535 }),
          // 70000 bytes: the application moves at most 65536 a call.
          app('write', 65536, { more: true }),
          app('write', 4464),
          send('PA', { seq: 1, ack: 1401, window: 65535, payload: new Uint8Array(5) }),
          app('read', 10, { peek: true, returns: 5 }),
          app('getsockopt', 'SO_ERROR', { returns: 0 }),
        ]),
      );
    });

    it('ICMP from a router (it quotes the latest segment) and urgent data', async () => {
      const sc = await fromFixture('icmp-urgent');
      chai(shape(sc.steps)).to.deep.equal(
        shape([
          app('listen', { backlog: 1 }),
          send('S', { seq: 0, window: 20000, options: [mss(1460)] }),
          expect('SA', { seq: 0, ack: 1, len: 0, options: [mss(1460)], at: 0 }),
          send('A', { seq: 1, ack: 1, window: 20000 }),
          app('accept'),
          app('write', 1460),
          expect('PA', { seq: 1, ack: 1, len: 1460, options: [], at: 0 }),
          pause(10),
          icmp(3, 4, { mtu: 1200 }),
          expect('A', { seq: 1, ack: 1, len: 1160, options: [], at: 10 }),
          pause(10),
          send('AU', { seq: 1, ack: 1, window: 20000, urgent: 1, payload: new Uint8Array(1) }),
          expect('A', { seq: 1, ack: 2, len: 0, options: [], at: 0 }),
        ]),
      );
    });

    it('what cannot be done from outside: refused with every line listed, or dropped as comments', async () => {
      const r = convertPacketdrill(fixture('not-from-outside'), { name: 'x', source: 'x.pkt' });
      chai(r.ok).to.equal(false);
      if (r.ok || r.kind !== 'unsupported') throw new Error('expected a refusal');
      chai(r.issues.map((i) => [i.line, i.reason])).to.deep.equal([
        [2, 'option --mtu'],
        [3, 'a shell command setting sysctls'],
        [7, "socket option TCP_NOTSENT_LOWAT (not one the lab's application knows)"],
        [14, 'a python block (%{ }%)'],
        [15, "TCP_INFO (the stack's internal state)"],
        [16, 'poll()'],
        [17, 'ioctl(SIOCINQ)'],
        [20, 'a shell command'],
      ]);
      const d = convert(fixture('not-from-outside'), { drop: true });
      chai(d.dropped.map((i) => i.line)).to.deep.equal([2, 3, 7, 14, 15, 16, 17, 20]);
      chai(d.source).to.contain('    // dropped (line 14: a python block (%{ }%)): +0 %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%\n');
      chai(d.source).to.contain('    // dropped (line 2: option --mtu): --mtu=1200\n    // dropped (line 3: a shell command setting sysctls): `sysctl -q net.ipv4.tcp_sack=0`\n');
      // Nothing left once everything is dropped: no scenario.
      chai(convertPacketdrill('`echo only`\n', { name: 'x', source: 'x.pkt', drop: true })).to.deep.equal({
        ok: false,
        kind: 'unsupported',
        issues: [
          { line: 1, reason: 'a shell command', text: '`echo only`' },
          { line: 0, reason: 'nothing left to play', text: '' },
        ],
      });
      chai(d.source).to.contain('Dropped: 8 line(s) that cannot be played from outside');
      const { sc } = await load(d.source);
      chai(shape(sc.steps)).to.deep.equal(
        shape([
          app('setsockopt', 'SO_REUSEADDR', 1),
          app('listen', { backlog: 1 }),
          send('S', { seq: 0, window: 5000, options: [mss(1000)] }),
          expect('SA', { seq: 0, ack: 1, len: 0, options: [mss(1460)], at: 0 }),
          send('A', { seq: 1, ack: 1, window: 5000 }),
          app('accept'),
          app('write', 10),
          expect('PA', { seq: 1, ack: 1, len: 10, options: [], at: 0 }),
        ]),
      );
    });

    it('a line that cannot be read: its line and column, and why', () => {
      chai(convertPacketdrill(fixture('unreadable'), { name: 'x', source: 'x.pkt' })).to.deep.equal({ ok: false, kind: 'syntax', line: 5, column: 13, message: "expected '(' (seq:end(len)), found 'win'" });
    });

    it('every conversion type-checks against tcpcraft (strict TypeScript)', () => {
      chai(converted.length).to.be.greaterThan(6);
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        paths: { tcpcraft: [join(ROOT, 'src/index.ts')] },
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
        skipLibCheck: true,
      };
      const program = ts.createProgram(converted, options);
      const errors = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file !== undefined && converted.includes(d.file.fileName))
        .map((d) => `${d.file!.fileName}:${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      chai(errors).to.deep.equal([]);
      // The program did see them (an empty check proves nothing).
      chai(converted.every((f) => program.getSourceFile(f) !== undefined)).to.equal(true);
    });
  });

  describe('the mapping, case by case', () => {
    const listenHead = '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n';
    const stepsOf = async (text: string, o: { drop?: boolean; dst?: string } = {}) => (await load(convert(text, o).source)).sc;

    it('reads what packetdrill writes: flags, ranges, blocking calls, options, multi-line calls, notes, comments anywhere', () => {
      const s = parsePacketdrill(
        [
          '// heading',
          '--tolerance_usecs=10000',
          '`../common/defaults.sh`',
          '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3 // trailing',
          '+.1...0.300 accept(3, ..., ...) = 4',
          '+0 > [ect0] S. 0:0(0) ack 1 win 100 urg 2 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7,sack 1:2 3:4,FO 0102030405060708,FOEXP,eol>',
          '+.3~+.5 > - 1:1(0) <...>',
          '* > R. 1:1(0) ack 1',
          '+0 sendmsg(4, {msg_name(...)=...,',
          '               msg_iov(1)=[{..., 5}], msg_flags=0}, 0) = 5',
          '+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)',
          '+0 %{ print(1) }%',
        ].join('\n'),
      );
      chai(s.heading).to.deep.equal(['heading']);
      chai(s.options).to.deep.equal([{ line: 2, name: 'tolerance_usecs', value: '10000', text: '--tolerance_usecs=10000' }]);
      const [cmd, sock, acc, synack, range, any, sendmsg, connect, code] = s.events;
      chai(cmd!.action).to.deep.equal({ type: 'command', text: '../common/defaults.sh' });
      chai(sock!.after).to.deep.equal(['trailing']);
      chai(acc!.time).to.deep.equal({ kind: 'rel', t: 100_000 });
      chai(acc!.action).to.include({ type: 'syscall', name: 'accept', endTime: 300_000 });
      chai(synack!.action).to.deep.include({ type: 'tcp', dir: '>', flags: 'S.', seq: 0, end: 0, len: 0, ack: 1, win: 100, urg: 2, ip: { ecn: 2 } });
      chai(plain((synack!.action as { options: unknown }).options)).to.deep.equal([
        { kind: 'mss', value: 1460 },
        { kind: 'sackOk' },
        { kind: 'timestamp', tsval: 1, tsecr: 0 },
        { kind: 'nop' },
        { kind: 'wscale', shift: 7 },
        { kind: 'sack', blocks: [[1, 2], [3, 4]] },
        { kind: 'fastOpen', cookie: 'bytes(1,2,3,4,5,6,7,8)', exp: false },
        { kind: 'fastOpen', cookie: 'bytes()', exp: true },
        { kind: 'eol' },
      ]);
      chai(range!.time).to.deep.equal({ kind: 'relRange', a: 300_000, b: 500_000 });
      chai(range!.action).to.include({ flags: '', options: 'any' });
      chai(any!.time).to.deep.equal({ kind: 'any' });
      chai(sendmsg!.line).to.equal(9);
      chai(sendmsg!.text).to.equal('+0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 5}], msg_flags=0}, 0) = 5');
      chai(connect!.action).to.include({ name: 'connect', errno: 'EINPROGRESS' });
      chai(code!.action).to.deep.equal({ type: 'code', text: ' print(1) ' });
    });

    it('names the line and column of what it cannot read', () => {
      const cases: Array<[string, number, number, RegExp]> = [
        ['0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > Q 0:0(0)', 2, 6, /'Q' is not a TCP flag/],
        ['+0 < S 0:10(5) win 1', 1, 8, /does not add up/],
        ['+0 < S 0:0(0) win 1 <mss 1460,foo 3>', 1, 31, /'foo' is not a TCP option/],
        ['+0 < S 0:0(0) win 70000', 1, 19, /window must be 0..65535/],
        ['`unclosed', 1, 1, /never closed/],
        ['0 write(4, ..., 10) = 10 junk junk', 1, 31, /end of the line/],
        ['+.3~.4 > S 0:0(0)', 1, 5, /relative range/],
        ['+0 > S 0:0(0)\n+.5~+.2 > S 0:0(0)', 2, 1, /backwards/],
        ['hello', 1, 1, /expected an event/],
        ['0 < S 0:0(0)', 1, 1, /needs its window/],
      ];
      for (const [text, line, column, message] of cases) {
        const r = convertPacketdrill(text, { name: 'x', source: 'x.pkt' });
        chai(r, text).to.include({ ok: false, kind: 'syntax' });
        const e = r as Extract<PktConversion, { kind: 'syntax' }>;
        chai([e.line, e.column], `${text}: ${e.message}`).to.deep.equal([line, column]);
        chai(e.message, text).to.match(message);
      }
    });

    it("the tcp-testsuite's forms: `F .`, IPv6 (hlim N) and (class N); TCP in UDP is not converted; #ifdef asks for cpp", async () => {
      const sc = await stepsOf(`${listenHead}+0 < (hlim 3) S 0:0(0) win 100\n+0 > (hlim 4, class 0x20) S. 0:0(0) ack 1 <...>\n+0 < F . 1:1(0) ack 1 win 100\n`);
      chai(shape(sc.steps.filter((s) => s.kind !== 'app'))).to.deep.equal(
        shape([send('S', { seq: 0, window: 100, ip: { hopLimit: 3 } }), expect('SA', { seq: 0, ack: 1, len: 0, ip: { hopLimit: 4, trafficClass: 0x20 }, at: 0 }), send('FA', { seq: 1, ack: 1, window: 100 })]),
      );
      const udp = convertPacketdrill(`${listenHead}+0 < S 0:0(0) win 100 <mss 1460>/udp(1 > 9811)\n`, { name: 'x', source: 'x.pkt' });
      chai(udp).to.deep.include({ ok: false, kind: 'unsupported' });
      chai((udp as unknown as { issues: Array<{ reason: string }> }).issues.map((i) => i.reason)).to.deep.equal(['UDP-encapsulated TCP packets']);
      const cpp = convertPacketdrill(`${listenHead}#ifdef FreeBSD\n+0 < S 0:0(0) win 100\n#endif\n`, { name: 'x', source: 'x.pkt' });
      chai(cpp).to.deep.include({ ok: false, kind: 'syntax', line: 4, column: 1 });
      chai((cpp as { message: string }).message).to.match(/C preprocessor line.*cpp -P/);
    });

    it('an acknowledgment without the ACK flag, or before the stack has sent a SYN, goes out raw (packetdrill maps neither)', async () => {
      const sc = await stepsOf(`${listenHead}+0 < S 0:0(0) ack 7 win 100\n+0 > R. 0:0(0) ack 1\n+0 < . 1:1(0) ack 5 win 100\n`);
      chai(shape(sc.steps.filter((s) => s.kind === 'send'))).to.deep.equal(shape([send('S', { seq: 0, tcp: { ack: 7 }, window: 100 }), send('A', { seq: 1, tcp: { ack: 5 }, window: 100 })]));
      const out = convert(`${listenHead}+0 < S 0:0(0) win 100\n+0 > S 0:0(0) ack 9 <...>\n`);
      chai(out.warnings.map((w) => [w.line, w.reason])).to.deep.equal([[5, 'the acknowledgment field of a segment without ACK is not checked']]);
    });

    it("packetdrill's numbers on SYNs are absolute: made relative to each side's SYN", async () => {
      const sc = await stepsOf(`${listenHead}+0 < S 1000:1000(0) win 100\n+0 > S. 5000:5000(0) ack 1001 <...>\n+0 < . 1:1(0) ack 1 win 100\n`);
      chai(shape(sc.steps.filter((s) => s.kind !== 'app'))).to.deep.equal(shape([send('S', { seq: 0, window: 100 }), expect('SA', { seq: 0, ack: 1, len: 0, at: 0 }), send('A', { seq: 1, ack: 1, window: 100 })]));
    });

    it("IPv6 scripts: the lab's IPv6 target, the IPv6 MSS, ICMPv6; --dst names another target", async () => {
      const v6 = `--ip_version=ipv6\n${listenHead}+0 < S 0:0(0) win 100\n+0 > S. 0:0(0) ack 1 <...>\n+0 < . 1:1(0) ack 1 win 100\n+0 accept(3, ..., ...) = 4\n+0 write(4, ..., 2000) = 2000\n+0 > P. 1:2001(2000) ack 1\n+0 < icmp packet_too_big mtu 1280\n`;
      const sc = await stepsOf(v6);
      chai(sc.peer).to.deep.equal({ host: 'fd77::2', port: 8080 });
      // No MSS offered: IPv6's 1220 (RFC 8200).
      chai(sc.steps.filter((s) => s.kind === 'expect' || s.kind === 'either').length).to.equal(3);
      chai(shape(sc.steps.at(-1) ? [sc.steps.at(-1)!] : [])).to.deep.equal(shape([icmp(2, 0, { mtu: 1280 })]));
      chai((await stepsOf(v6, { dst: '2001:db8::7' })).peer).to.deep.equal({ host: '2001:db8::7', port: 8080 });
      chai((await stepsOf(`${listenHead}+0 < S 0:0(0) win 100\n`, { dst: '192.0.2.9' })).peer).to.deep.equal({ host: '192.0.2.9', port: 8080 });
    });

    it("packetdrill's A flag is AE (tcpcraft's N); the experimental and odd-length Fast Open options are raw options", async () => {
      const sc = await stepsOf(`${listenHead}+0 < SA 0:0(0) win 100 <FOEXP 0102030405060708,FO 0102>\n+0 > S. 0:0(0) ack 1 <FO 0a0b0c0d>\n`);
      chai(shape(sc.steps.filter((s) => s.kind !== 'app'))).to.deep.equal(
        shape([send('SN', { seq: 0, window: 100, options: [option(254, [0xf9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8]), option(34, [1, 2])] }), expect('SA', { seq: 0, ack: 1, len: 0, options: [fastOpen([10, 11, 12, 13])], at: 0 })]),
      );
    });

    it("an option of the stack's whose value cannot be known (a cookie the script names, MD5) is checked for presence; ours is not convertible", async () => {
      const sc = await stepsOf(`${listenHead}+0 < S 0:0(0) win 100\n+0 > S. 0:0(0) ack 1 <mss 1460,FO TFO_COOKIE,nop,nop>\n+0 < . 1:1(0) ack 1 win 100\n+0 > . 1:1(0) ack 1 <nop,nop,md5 0123>\n`);
      chai(plain(sc.steps.filter((s) => s.kind === 'expect').map((s) => (s.kind === 'expect' ? s.fields.options : undefined)))).to.deep.equal([
        { has: ['mss', 34], lacks: ['wscale', 'sackOk', 'sack', 'timestamp'], mss: 1460 },
        { has: [19], lacks: ['mss', 'wscale', 'sackOk', 'sack', 'timestamp', 'fastOpen'] },
      ]);
      const ours = convertPacketdrill(`${listenHead}+0 < S 0:0(0) win 100 <md5 0123>\n`, { name: 'x', source: 'x.pkt' });
      chai((ours as unknown as { issues: Array<{ reason: string }> }).issues.map((i) => i.reason)).to.deep.equal(['the MD5 signature option']);
    });

    it('a timestamp echo before any of the stack is sent as written; SACK blocks as written', async () => {
      const sc = await stepsOf(`${listenHead}+0 < S 0:0(0) win 100 <TS val 7 ecr 0>\n+0 > S. 0:0(0) ack 1 <...>\n+0 < . 1:1(0) ack 1 win 100 <nop,nop,TS val 8 ecr 99,sack 5:9>\n`);
      chai(shape(sc.steps.filter((s) => s.kind === 'send'))).to.deep.equal(shape([send('S', { seq: 0, window: 100, options: [timestamp(7, 0)] }), send('A', { seq: 1, ack: 1, window: 100, options: [nop(), nop(), timestamp(8, 99), sack([5, 9])] })]));
    });

    it('long waits get a timeout to match; the tolerance options become the scenario tolerance', async () => {
      const sc = await stepsOf(`--tolerance_percent=5\n${listenHead}+0 < S 0:0(0) win 100\n+0 > S. 0:0(0) ack 1 <...>\n+6 > S. 0:0(0) ack 1 <...>\n+3~+4 > S. 0:0(0) ack 1 <...>\n`);
      chai(sc.tolerance).to.deep.equal({ ms: 4, percent: 5 });
      const ex = sc.steps.filter((s) => s.kind === 'expect').map((s) => (s.kind === 'expect' ? s.fields : {}));
      chai(plain(ex.slice(1))).to.deep.equal([
        { seq: 0, ack: 1, len: 0, at: 6000, timeout: 7300 },
        { seq: 0, ack: 1, len: 0, after: 2850, within: 4150, timeout: 5150 },
      ]);
    });

    it('an accept after the SYN/ACK is where the script has it (Fast Open returns there); before it, in the background', async () => {
      const tfo = await stepsOf(`${listenHead}+0 < S 0:10(10) win 100 <FO 0102030405060708>\n+0 > S. 0:0(0) ack 11 <...>\n+0 accept(3, ..., ...) = 4\n+0 read(4, ..., 100) = 10\n`);
      chai(shape(tfo.steps.filter((s) => s.kind === 'app' || s.kind === 'appWait'))).to.deep.equal(shape([app('listen', { backlog: 1 }), app('accept'), app('read', 100, { returns: 10 })]));
      const early = await stepsOf(`${listenHead}+0 accept(3, ..., ...) = 4\n+0 < S 0:0(0) win 100\n+0 > S. 0:0(0) ack 1 <...>\n+0 < . 1:1(0) ack 1 win 100\n`);
      chai(shape(early.steps.filter((s) => s.kind !== 'pause'))).to.deep.equal(
        shape([app('listen', { backlog: 1 }), app('accept', { background: 'accept' }), send('S', { seq: 0, window: 100 }), expect('SA', { seq: 0, ack: 1, len: 0, at: 0 }), send('A', { seq: 1, ack: 1, window: 100 }), appWait('accept')]),
      );
    });

    it('calls with a buffer the application cannot pass (NULL) are not converted', () => {
      const r = convertPacketdrill(`${listenHead}+0 < S 0:0(0) win 100\n+0 > S. 0:0(0) ack 1 <...>\n+0 < . 1:1(0) ack 1 win 100\n+0 accept(3, ..., ...) = 4\n+0 write(4, NULL, 10) = -1 EFAULT (Bad address)\n+0 recv(4, NULL, 10, 0) = -1 EFAULT (Bad address)\n`, { name: 'x', source: 'x.pkt' });
      chai((r as unknown as { issues: Array<{ line: number; reason: string }> }).issues.map((i) => [i.line, i.reason])).to.deep.equal([
        [8, 'write() from a buffer the application cannot pass (NULL)'],
        [9, 'recv() into a buffer the application cannot pass (NULL)'],
      ]);
    });

    it('more than one connection: the second socket and all that follows it are not converted', () => {
      const text = `${listenHead}+0 close(3) = 0\n+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 listen(3, 1) = 0\n`;
      const r = convertPacketdrill(text, { name: 'x', source: 'x.pkt' });
      chai(r).to.deep.include({ ok: false, kind: 'unsupported' });
      chai((r as unknown as { issues: Array<{ line: number; reason: string }> }).issues.map((i) => [i.line, i.reason])).to.deep.equal([
        [5, 'more than one connection (a second socket)'],
        [6, 'more than one connection (a second socket)'],
      ]);
    });

    it('options and calls that change nothing seen from outside are notes, not refusals', () => {
      const r = convert(`--local_ip=192.168.0.2\n--tcp_ts_tick_usecs=1000\n${listenHead}+0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)\n`);
      chai(r.dropped).to.deep.equal([]);
      chai(r.warnings.map((w) => w.line)).to.deep.equal([1, 2, 6]);
      chai(r.source).to.contain('    // line 6: +0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)\n    // not checked: the flags are those the application set\n');
      chai(r.source).to.contain("line 1: --local_ip ignored: the lab's addresses are used");
    });
  });

  describe('untrusted text never becomes code', () => {
    it('the hostile fixture: comments with */, <!--, a line separator, code in a write\'s text', async () => {
      const sentinel = join(tmp, 'PWNED-pkt');
      process.env.PKT_SENTINEL = sentinel;
      try {
        const sc = await fromFixture('hostile-comments');
        chai(existsSync(sentinel)).to.equal(false);
        chai(sc.description).to.equal("*/ process.getBuiltinModule('fs').writeFileSync(process.env.PKT_SENTINEL, 'x'); /*");
        const write = sc.steps.find((s) => s.kind === 'app' && s.call.call === 'write');
        chai(plain(write)).to.deep.include({ call: { call: 'write', data: "x'); process.getBuiltinModule('fs').writeFileSync(process.env.PKT_SENTINEL, 'x'); ('" } });
      } finally {
        delete process.env.PKT_SENTINEL;
      }
    });

    it('property: hostile names, sources, comments and texts (loaded, nothing of theirs runs)', async () => {
      const sentinel = join(tmp, 'never', 'PWNED');
      const hostile = hostileText(sentinelWriters(sentinel));
      await fc.assert(
        fc.asyncProperty(hostile, hostile, hostile, hostile, async (name, source, comment, text) => {
          // What a .pkt can hold: a comment runs to the end of its line; a "string" has no bare quote.
          const line = comment.replace(/[\n\r]/g, ' ');
          const data = text.replace(/["\\\n\r]/g, '_') || 'x';
          const bytes = Buffer.byteLength(wellFormed(data));
          const script = `// ${line}\n${listenHeadFor()}+0 < S 0:0(0) win 100 // ${line}\n+0 > S. 0:0(0) ack 1 <...>\n+0 < . 1:1(0) ack 1 win 100\n+0 accept(3, ..., ...) = 4\n+0 write(4, "${wellFormed(data)}", ${bytes}) = ${bytes}\n\`${line.replace(/`/g, "'")}\`\n`;
          const r = convert(script, { name: `n${name}`, source, drop: true });
          const { sc } = await load(r.source);
          chai(sc.name).to.equal(`n${name}`);
          chai(sc.description).to.equal(line.trim() === '' ? `packetdrill script ${source}` : line.trim());
          const write = sc.steps.find((s) => s.kind === 'app' && s.call.call === 'write');
          chai(write && write.kind === 'app' && write.call.call === 'write' ? write.call.data : undefined).to.equal(wellFormed(data));
          chai(existsSync(sentinel)).to.equal(false);
        }),
        { seed: 4242, numRuns: 40 },
      );
    });
  });

  describe('through the real entry point: tcpcraft import-pkt', () => {
    before(() => {
      // dist from the current sources (tsc emits even where someone's work in progress has type errors).
      spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
      if (!existsSync(join(ROOT, 'dist/cli/packetdrill.js'))) throw new Error('dist/cli/packetdrill.js was not built');
    });
    const cli = (cwd: string, ...args: string[]) => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/tcpcraft.js'), 'import-pkt', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };

    it('one script: -o writes it; refused (exit 2, the lines listed) or unreadable (exit 2, FILE:LINE:COL): nothing written', () => {
      const work = mkdtempSync(join(tmp, 'cli-'));
      const out = join(work, 'a.ts');
      const ok = cli(work, join(FIXTURES, 'listen-accept-write.pkt'), '-o', out);
      chai(ok.code, ok.err).to.equal(0);
      chai(ok.err).to.match(/^wrote .*a\.ts: .*listen-accept-write\.pkt, client role, 25 steps\n$/);
      checkGenerated(readFileSync(out, 'utf8'));

      const refused = cli(work, join(FIXTURES, 'not-from-outside.pkt'), '-o', join(work, 'b.ts'));
      chai(refused.code).to.equal(2);
      chai(refused.err).to.contain('not-from-outside.pkt: cannot be played from outside as it is (--drop converts it');
      chai(refused.err).to.contain('  line 16: poll(): +0 poll([{fd=4, events=POLLOUT, revents=POLLOUT}], 1, 0) = 1\n');
      chai(existsSync(join(work, 'b.ts'))).to.equal(false);

      const dropped = cli(work, join(FIXTURES, 'not-from-outside.pkt'), '--drop');
      chai(dropped.code, dropped.err).to.equal(0);
      chai(dropped.out).to.contain('// dropped (line 16: poll()): +0 poll(');
      chai(dropped.err).to.contain('8 line(s) dropped');

      const unreadable = cli(work, join(FIXTURES, 'unreadable.pkt'), '-o', join(work, 'c.ts'));
      chai(unreadable.code).to.equal(2);
      chai(unreadable.err).to.equal(`tcpcraft: ${join(FIXTURES, 'unreadable.pkt')}:5:13: expected '(' (seq:end(len)), found 'win'\n  +0  < S 0:0 win 5000\n              ^\n`);
      chai(existsSync(join(work, 'c.ts'))).to.equal(false);

      const missing = cli(work, join(work, 'nope.pkt'));
      chai(missing.code).to.equal(2);
      chai(missing.err).to.contain('no such packetdrill script');
    });

    it('every fixture that converts plays offline: tcpcraft build runs it against its model peer', () => {
      const work = mkdtempSync(join(tmp, 'build-'));
      chmodSync(work, 0o777);
      for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.pkt') && f !== 'unreadable.pkt')) {
        const out = join(work, name.replace(/\.pkt$/, '.ts'));
        const imp = cli(work, join(FIXTURES, name), '--drop', '-o', out);
        chai(imp.code, `${name}: ${imp.err}`).to.equal(0);
        const r = spawnSync(process.execPath, [join(ROOT, 'bin/tcpcraft.js'), 'build', out, '--no-ladder'], { cwd: work, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TCPCRAFT_CACHE: join(work, 'cache'), PKT_SENTINEL: join(work, 'PWNED') } });
        chai(r.status, `${name}: ${r.stderr}`).to.equal(0);
        chai(r.stdout, name).to.match(/(C -> S|C <- S)/);
      }
      chai(existsSync(join(work, 'PWNED'))).to.equal(false);
    });

    it('a directory, recursively: one scenario per script, named after its path, and a summary', () => {
      const work = mkdtempSync(join(tmp, 'batch-'));
      const src = join(work, 'scripts');
      mkdirSync(join(src, 'sub', 'deeper'), { recursive: true });
      copyFileSync(join(FIXTURES, 'listen-accept-write.pkt'), join(src, 'a.pkt'));
      copyFileSync(join(FIXTURES, 'ecn-marks.pkt'), join(src, 'sub', 'ecn.pkt'));
      copyFileSync(join(FIXTURES, 'not-from-outside.pkt'), join(src, 'sub', 'deeper', 'outside.pkt'));
      copyFileSync(join(FIXTURES, 'unreadable.pkt'), join(src, 'sub', 'bad.pkt'));
      writeFileSync(join(src, 'notes.txt'), 'not a script');
      const strict = cli(work, src, '--out-dir', join(work, 'out'));
      chai(strict.code).to.equal(2);
      chai(readdirSync(join(work, 'out')).sort()).to.deep.equal(['a.ts', 'sub-ecn.ts']);
      chai(strict.out).to.contain('2 converted, 2 refused, of 4 script(s)');
      chai(strict.out).to.match(/refused {3}.*bad\.pkt: line 5:13: expected '\(' \(seq:end\(len\)\), found 'win'\n/);
      chai(strict.out).to.match(/refused {3}.*outside\.pkt: line 2: option --mtu: --mtu=1200 \(and 7 more\)\n/);
      const drop = cli(work, src, '--out-dir', join(work, 'out2'), '--drop');
      chai(drop.code).to.equal(2);
      chai(readdirSync(join(work, 'out2')).sort()).to.deep.equal(['a.ts', 'sub-deeper-outside.ts', 'sub-ecn.ts']);
      chai(drop.out).to.contain('3 converted (1 with lines dropped), 1 refused, of 4 script(s)');
      chai(drop.out).to.match(/ {3}1 {2}poll\(\)\n/);
      const usage = cli(work, src);
      chai(usage.code).to.equal(2);
      chai(usage.err).to.contain('give --out-dir DIR');
    });

    it('hostile file names: converted, loaded, nothing of theirs runs', async () => {
      const sentinel = join(tmp, 'PWNED-names');
      const names = fc.sample(hostileText(sentinelWriters(sentinel), 6), { seed: 77, numRuns: 8 }).map((t) => `${fileName(t)}.pkt`);
      names.push("x*/process.getBuiltinModule('fs').writeFileSync('PWNED9','x');/*.pkt");
      for (const [i, name] of names.entries()) {
        const work = mkdtempSync(join(tmp, `names-${i}-`));
        const script = join(work, name);
        mkdirSync(dirname(script), { recursive: true });
        copyFileSync(join(FIXTURES, 'listen-accept-write.pkt'), script);
        const out = join(work, 'out.ts');
        const r = cli(work, script, '-o', out);
        chai(r.code, `${name}: ${r.err}`).to.equal(0);
        const { sc } = await load(readFileSync(out, 'utf8'));
        chai(sc.name).to.equal(basename(name).replace(/\.pkt$/, ''));
      }
      chai(existsSync(sentinel)).to.equal(false);
      chai(spawnSync('find', [tmp, '-name', 'PWNED9'], { encoding: 'utf8' }).stdout).to.equal('');
    });

    it('batch output names: flat, safe, never starting with _ or ., unique', () => {
      const taken = new Set<string>();
      chai(['a/b.pkt', 'a-b.pkt', '_x.pkt', '.hidden.pkt', 'sp ace/é.pkt', '../up.pkt'].map((r) => scenarioFileName(r, taken))).to.deep.equal(['a-b.ts', 'a-b-2.ts', 'pkt_x.ts', 'pkt.hidden.ts', 'sp_ace-_.ts', 'up.ts']);
    });
  });
});

/** socket, bind, listen on fd 3: the start of a listening script. */
function listenHeadFor(): string {
  return '0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n';
}
