/**
 * Scenarios written from the learner's queries (src/session/emit.ts): each replays its trace and
 * passes against the reference stack it was traced on (in memory, as `suite --target reference`
 * runs it), and fails against a mutant that answers the replayed inputs otherwise.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { loadScenario } from '../../src/io/load.js';
import { mutantNamed } from '../../src/reference/mutants.js';
import type { ReferenceSettings } from '../../src/reference/index.js';
import { REPLAY_LOCAL_PORT, literal, scenarioFileName, scenarioText, type ScenarioTextOptions } from '../../src/session/emit.js';
import type { LearnRole, QueryTrace } from '../../src/session/mapper.js';
import { referenceBackend } from '../../src/suite/backend.js';
import { LEARN_REFERENCE_SETTINGS, REFERENCE_TIMING, referenceSystem } from '../../src/suite/learner.js';
import { runSuite } from '../../src/suite/runner.js';
import type { SuiteResult } from '../../src/suite/result.js';

const HOST = '10.77.0.2';

const options = (role: LearnRole, name: string): ScenarioTextOptions => ({
  name,
  role,
  host: HOST,
  waitMs: REFERENCE_TIMING.waitMs,
  description: `replays a query of the reference as ${role}`,
  comment: [`the reference as ${role}`],
});

describe('session/emit: scenarios replaying a query', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-emit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `text` as scenario `name` and runs it against the reference with `settings` changed. */
  async function runText(name: string, text: string, settings: Partial<ReferenceSettings> = {}): Promise<SuiteResult> {
    const file = join(dir, scenarioFileName(name));
    writeFileSync(file, text);
    const sc = await loadScenario(file);
    const o = await runSuite([{ file, name: sc.name, scenario: sc }], { backend: referenceBackend({ ...LEARN_REFERENCE_SETTINGS, ...settings }), target: 'reference' });
    return o.results[0]!;
  }

  const cases: Array<[LearnRole, string[]]> = [
    ['server', ['SYN', 'ACK', 'DATA', 'FIN']],
    ['server', ['ACK']],
    ['server', ['SYN', 'RST', 'SYN']],
    ['server', ['SYN', 'ACK', 'write', 'close', 'ACK']],
    ['server', ['SYN', 'ACK', 'RST~', 'DATA', 'SYN~', 'DATA>', 'ACK+']],
    ['server', ['SYNACK', 'SYN', 'DATA-noack', 'RSTACK', 'close', 'write']],
    ['client', ['connect', 'SYNACK', 'DATA', 'close']],
    ['client', ['SYN', 'connect', 'write', 'close', 'close']],
    ['client', ['connect', 'connect', 'SYNACK', 'write', 'FIN', 'close', 'ACK']],
  ];
  for (const [role, word] of cases) {
    it(`${role}: ${word.join(' ')} passes against the reference`, async () => {
      const trace = await referenceSystem(role, 'full').traceOf(word);
      const name = `reference ${role} ${word.join(' ')}`;
      const text = scenarioText(trace, options(role, name));
      // One expectation per segment received, one silence per input that got none.
      const received = trace.steps.reduce((n, s) => n + s.received.length, 0);
      expect(text.match(/^\s+expect\(/gm)?.length ?? 0).to.equal(received);
      expect(text.match(/^\s+silence\(/gm)?.length ?? 0).to.equal(trace.steps.filter((s) => s.received.length === 0).length);
      expect(text).to.contain(`isn: ${trace.localIsn},`);
      if (role === 'server') expect(text).to.contain(`peer: { host: "${HOST}", port: ${trace.targetPort} }`);
      else expect(text).to.contain(`local: { port: ${REPLAY_LOCAL_PORT} }`).and.contain("app('connect', { background: \"connect\" })");
      const r = await runText(name, text);
      expect(r.verdict, `${r.message ?? ''}\n${text}`).to.equal('pass');
    });
  }

  it('fails against a mutant that answers a replayed input otherwise, and its own replay fails against the reference', async () => {
    // RFC 5961 §3.2: an in-window RST not at RCV.NXT gets a challenge ACK; the mutant resets.
    const mutant = mutantNamed('accept-inexact-rst');
    const word = ['SYN', 'ACK', 'RST~', 'DATA'];
    const pure = await referenceSystem('server', 'full').traceOf(word);
    const bent = await referenceSystem('server', 'full', { settings: { ...LEARN_REFERENCE_SETTINGS, ...mutant.settings } }).traceOf(word);
    expect(pure.steps.map((s) => s.output)).to.deep.equal(['SA(isn,next)', '-', 'A(next,next)', 'A(next,next)']);
    expect(bent.steps.map((s) => s.output)).to.deep.equal(['SA(isn,next)', '-', '-', 'R(next,0)']);

    const fromPure = scenarioText(pure, options('server', 'challenge ack'));
    const killed = await runText('challenge ack', fromPure, mutant.settings);
    expect(killed.verdict).to.equal('fail');
    // Step 8 is the challenge ACK expected after the RST~ (steps 1-2 are listen and accept).
    expect(killed.message).to.match(/step 8 \(expect 'A'\): nothing arrived/);

    const fromBent = scenarioText(bent, options('server', 'inexact reset'));
    expect((await runText('inexact reset', fromBent, mutant.settings)).verdict).to.equal('pass');
    const onPure = await runText('inexact reset on the reference', fromBent);
    expect(onPure.verdict).to.equal('fail');
    // Step 8 is the silence after the RST~, which the reference answers with its challenge ACK.
    expect(onPure.message).to.match(/step 8 \(silence 250 ms\): a segment .* arrived/);
  });

  it('computes relative numbers modulo 2^32 and uses raw ones before the peer has sent a SYN', () => {
    const trace: QueryTrace = {
      localIsn: 0xffff_fffe,
      targetPort: 20001,
      steps: [
        { input: 'ACK', sent: { flags: 'A', seq: 0xffff_ffff, ack: 0x3fff_fffe, len: 0 }, received: [{ flags: 'R', seq: 0x3fff_fffe, ack: 0, len: 0 }], output: 'R(next,0)' },
        { input: 'SYN', sent: { flags: 'S', seq: 0xffff_fffe, ack: 0, len: 0 }, received: [{ flags: 'SA', seq: 0xffff_ffff, ack: 0xffff_ffff, len: 0 }], output: 'SA(isn,next)' },
        { input: 'DATA', sent: { flags: 'PA', seq: 0xffff_ffff, ack: 0, len: 1 }, received: [{ flags: 'PA', seq: 0, ack: 0, len: 3 }], output: 'PA(next,next,data)' },
      ],
    };
    const text = scenarioText(trace, options('server', 'wrap'));
    expect(text).to.contain('send("A", { seq: 1, tcp: { ack: 1073741822 } })');
    expect(text).to.contain('expect("R", { rawSeq: 1073741822, len: 0 })');
    expect(text).to.contain('send("S", { seq: 0, options: [mss(1200)] })');
    expect(text).to.contain('expect("SA", { seq: 0, ack: 1, len: 0 })');
    expect(text).to.contain('send("PA", { seq: 1, ack: 1, payload: "x" })');
    expect(text).to.contain('expect("PA", { seq: 1, ack: 2, len: 3 })');
  });

  it('writes a reset with sequence number zero as raw zero, whatever the target\'s ISN', () => {
    const trace: QueryTrace = {
      localIsn: 0x1000_0000,
      targetPort: 20001,
      steps: [
        { input: 'SYN', sent: { flags: 'S', seq: 0x1000_0000, ack: 0, len: 0 }, received: [{ flags: 'SA', seq: 0x6000_0000, ack: 0x1000_0001, len: 0 }], output: 'SA(isn,next)' },
        { input: 'SYN~', sent: { flags: 'S', seq: 0x1000_03e8, ack: 0, len: 0 }, received: [{ flags: 'RA', seq: 0, ack: 0x1000_03e9, len: 0 }], output: 'RA(0,ahead)' },
      ],
    };
    const text = scenarioText(trace, options('server', 'zero'));
    expect(text).to.contain('expect("RA", { rawSeq: 0, ack: 1001, len: 0 })');
  });

  it('puts untrusted text in only as string literals: it never becomes code', async () => {
    const evil = '"); globalThis.emitPwned = 1; ("';
    const comment = ['*/ globalThis.emitPwned = 2; /*', 'line\u2028globalThis.emitPwned = 3', "it's `${x}` \\ fine"];
    const trace = await referenceSystem('server', 'full').traceOf(['SYN']);
    const odd: QueryTrace = { ...trace, steps: [{ ...trace.steps[0]!, output: 'SA(isn,next)\u2028globalThis.emitPwned = 4 */' }] };
    const text = scenarioText(odd, { ...options('server', evil), description: comment[0]!, comment });
    expect(text).not.to.match(/\*\/ globalThis/);
    expect(text).not.to.contain('\u2028');
    const r = await runText('evil', text);
    expect(r.verdict, r.message).to.equal('pass');
    expect((globalThis as { emitPwned?: number }).emitPwned).to.equal(undefined);
    const sc = await loadScenario(join(dir, scenarioFileName('evil')));
    expect([sc.name, sc.description]).to.deep.equal([evil, comment[0]]);
    expect(literal('a */ b\u2029')).to.equal('"a *\\/ b\\u2029"');
    expect(JSON.parse(literal('a */ b\u2029'))).to.equal('a */ b\u2029');
  });

  it('refuses inputs outside the alphabet, malformed traces and queries it cannot replay', async () => {
    const trace = await referenceSystem('server', 'full').traceOf(['SYN', 'ACK']);
    const bad = (t: QueryTrace, role: LearnRole = 'server'): string => {
      try {
        scenarioText(t, options(role, 'bad'));
      } catch (e) {
        expect(e).to.be.instanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error('no UsageError');
    };
    const withStep = (k: number, change: object): QueryTrace => ({ ...trace, steps: trace.steps.map((s, n) => (n === k ? { ...s, ...change } : s)) });
    expect(bad(withStep(1, { input: 'ACK); process.exit(1' }))).to.contain('not one of the server role');
    expect(bad(withStep(1, { input: 'connect' }))).to.contain('not one of the server role');
    expect(bad(withStep(0, { sent: { flags: 'S?', seq: 1, ack: 0, len: 0 } }))).to.contain('not flag letters');
    expect(bad(withStep(0, { sent: { flags: 'S', seq: 2 ** 32, ack: 0, len: 0 } }))).to.contain('not a 32-bit number');
    expect(bad(withStep(1, { input: 'write', sent: undefined, output: '-/noapp' }))).to.contain("without the target's application");
    expect(bad(withStep(1, { input: 'write', sent: undefined, output: '-/x y' }))).to.contain('not a word');
    expect(bad({ ...trace, localIsn: -1 })).to.contain('localIsn');
    const idle = await referenceSystem('client', 'full').traceOf(['SYN', 'close']);
    expect(bad(idle, 'client')).to.contain('never connected');
  });

  it('makes safe file names', () => {
    expect(scenarioFileName('Linux vs reference: SYN/ACK!')).to.equal('linux-vs-reference-syn-ack.ts');
    expect(scenarioFileName('../../etc/passwd')).to.equal('etc-passwd.ts');
    expect(scenarioFileName('_hidden.ts')).to.equal('hidden-ts.ts');
    expect(scenarioFileName('')).to.equal('scenario.ts');
    expect(scenarioFileName('état initial')).to.equal('etat-initial.ts');
    expect(scenarioFileName('a'.repeat(200))).to.equal(`${'a'.repeat(80)}.ts`);
  });
});
