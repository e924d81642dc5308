/**
 * Validation of the expectation language, the server role and several connections: a malformed
 * scenario is rejected before anything is sent, and the message names the file, the line the
 * step was written on, the step and the field.
 */
import { expect as chaiExpect } from 'chai';
import { anyOrder, either, expect, nop, send, silence, timestamp } from '../../src/scenario/dsl.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { any, capture, oneOf, pattern, range, use, where } from '../../src/scenario/matchers.js';
import type { Step } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { loadScenario } from '../../src/io/load.js';
import { base, rejections } from './lines.js';

const { self: SELF, abs: SELF_ABS, stepFails, scenarioFails } = rejections(import.meta.url);

const HS: Step[] = [send('S'), expect('SA')];

describe('scenario/validate: the expectation language', () => {
  describe('a wildcard in a segment to send is rejected', () => {
    it('window: any()', () => {
      const e = stepFails(base([...HS, send('A', { window: any() as never }) /* @w-any */]), '@w-any', 2, "send 'A'", 'window');
      chaiExpect(e.message).to.contain('any() is a wildcard: wildcards only make sense in expect()');
    });

    it('seq: range(), ack: oneOf(), urgent: where()', () => {
      stepFails(base([...HS, send('A', { seq: range(1, 2) as never }) /* @w-range */]), '@w-range', 2, "send 'A'", 'seq');
      stepFails(base([...HS, send('A', { ack: oneOf(1, 2) as never }) /* @w-oneof */]), '@w-oneof', 2, "send 'A'", 'ack');
      stepFails(base([...HS, send('A', { urgent: where('x', () => true) as never }) /* @w-where */]), '@w-where', 2, "send 'A'", 'urgent');
    });

    it('payload: pattern(), and a capture in a sent timestamp', () => {
      stepFails(base([...HS, send('PA', { payload: pattern(/x/) as never }) /* @w-pat */]), '@w-pat', 2, "send 'PA'", 'payload');
      stepFails(base([...HS, send('A', { options: [nop(), nop(), timestamp(1, capture('t') as never)] }) /* @w-ts */]), '@w-ts', 2, "send 'A'", 'options[2].tsecr');
    });

    it('use() in an expectation is rejected the other way round', () => {
      const e = stepFails(base([...HS, expect('A', { window: use('w') as never }) /* @use-exp */]), '@use-exp', 2, "expect 'A'", 'window');
      chaiExpect(e.message).to.contain('use() belongs in send()');
    });

    it('malformed matchers: range(5, 1), oneOf() with nothing, a bad capture name', () => {
      stepFails(base([...HS, expect('A', { window: range(5, 1) }) /* @bad-range */]), '@bad-range', 2, "expect 'A'", 'window');
      stepFails(base([...HS, expect('A', { window: oneOf() }) /* @empty-oneof */]), '@empty-oneof', 2, "expect 'A'", 'window');
      stepFails(base([...HS, expect('A', { window: capture('1 bad') }) /* @bad-name */]), '@bad-name', 2, "expect 'A'", 'window');
    });
  });

  describe('a capture used before it is surely set is rejected', () => {
    it('used before any expectation sets it', () => {
      const e = stepFails(base([send('S'), expect('SA'), send('A', { window: use('win') }) /* @use-early */, expect('A', { window: capture('win') })]), '@use-early', 2, "send 'A'", 'window');
      chaiExpect(e.message).to.contain("capture 'win' is used before an expect() sets it");
    });

    it('set only in an optional expectation', () => {
      stepFails(base([send('S'), expect('SA', { window: capture('win'), optional: true }), send('A', { window: use('win') }) /* @use-opt */]), '@use-opt', 2, "send 'A'", 'window');
    });

    it('set in only some alternatives of either()', () => {
      const steps = [send('S'), either(expect('SA', { window: capture('win') }), expect('R')), send('A', { window: use('win') }) /* @use-either */];
      stepFails(base(steps), '@use-either', 2, "send 'A'", 'window');
    });

    it('set only in an optional item of anyOrder(), used in a timestamp', () => {
      const steps = [
        ...HS,
        anyOrder(expect('PA'), expect('FA', { options: { timestamp: { tsval: capture('ts') } }, optional: true })),
        send('A', { options: [nop(), nop(), timestamp(1, use('ts'))] }) /* @use-any */,
      ];
      stepFails(base(steps), '@use-any', 3, "send 'A'", 'options[2].tsecr');
    });

    it('accepted when every alternative sets it, or a required item, or a plain expectation', () => {
      validateScenario(base([send('S'), either(expect('SA', { window: capture('w') }), expect('SA', { urgent: capture('w') })), send('A', { window: use('w') })]), SELF);
      validateScenario(base([...HS, anyOrder(expect('PA', { window: capture('w') }), expect('FA')), send('A', { window: use('w') })]), SELF);
      validateScenario(base([send('S'), expect('SA', { options: { timestamp: { tsval: capture('ts') } } }), send('A', { options: [timestamp(1, use('ts', (v) => v))] })]), SELF);
    });
  });

  describe('the server role', () => {
    it('needs local.port', () => {
      const e = scenarioFails({ name: 's', role: 'server', steps: [expect('S'), send('SA')] }, 'local.port');
      chaiExpect(e.message).to.contain('is required in the server role');
      scenarioFails({ name: 's', role: 'server', local: { host: '10.77.0.1' }, steps: [expect('S')] }, 'local.port');
    });

    it('needs no peer, but a peer given is checked', () => {
      validateScenario({ name: 's', role: 'server', local: { port: 13 }, steps: [expect('S'), send('SA')] }, SELF);
      scenarioFails({ name: 's', role: 'server', local: { port: 13 }, peer: { host: 'nope' }, steps: [expect('S')] }, 'peer.host');
    });

    it('the client speaks first', () => {
      stepFails({ name: 's', role: 'server', local: { port: 13 }, steps: [send('SA') /* @srv-send */, expect('A')] }, '@srv-send', 0, "send 'SA'", 'kind');
    });

    it('rejects an unknown role', () => {
      scenarioFails({ ...base(HS), role: 'listener' }, 'role');
    });
  });

  describe('several connections', () => {
    const connections = { second: { local: { port: 40001 } } };

    it('conn must name a connection of the scenario, in send, expect, silence and inside either()', () => {
      const e = stepFails(base([...HS, send('S', { conn: 'secnod' }) /* @conn-send */], { connections }), '@conn-send', 2, "send 'S'", 'conn');
      chaiExpect(e.message).to.contain("'secnod' is not a connection of this scenario (main, second)");
      stepFails(base([...HS, expect('SA', { conn: 'third' }) /* @conn-exp */], { connections }), '@conn-exp', 2, "expect 'SA'", 'conn');
      stepFails(base([...HS, silence(10, { conn: 'x' }) /* @conn-sil */]), '@conn-sil', 2, 'silence 10 ms', 'conn');
      stepFails(base([...HS, either(expect('A'), expect('A', { conn: 'x' })) /* @conn-either */], { connections }), '@conn-either', 2, 'either', 'alternatives[1].conn');
    });

    it('the expectations of one either()/anyOrder() are on one connection', () => {
      stepFails(base([...HS, anyOrder(expect('A'), expect('A', { conn: 'second' })) /* @conn-mixed */], { connections }), '@conn-mixed', 2, 'anyOrder', 'items[1].conn');
    });

    it('rejects a connection named main, and connections in the server role', () => {
      scenarioFails(base(HS, { connections: { main: {} } }), 'connections.main');
      scenarioFails({ name: 's', role: 'server', local: { port: 13 }, connections, steps: [expect('S')] }, 'connections');
    });
  });

  describe('either(), anyOrder(), silence() and timing', () => {
    it('either() and anyOrder() need two expectations, each well formed', () => {
      stepFails(base([...HS, either(expect('A')) /* @either-one */]), '@either-one', 2, 'either', 'alternatives');
      stepFails(base([...HS, anyOrder(expect('A'), send('A') as never) /* @any-send */]), '@any-send', 2, 'anyOrder', 'items[1]');
      stepFails(base([...HS, anyOrder(expect('A'), expect('A', { window: -1 })) /* @any-bad */]), '@any-bad', 2, 'anyOrder', 'items[1].window');
    });

    it('silence() and within/after/at take durations', () => {
      stepFails(base([...HS, silence(-5) /* @sil-neg */]), '@sil-neg', 2, 'silence -5 ms', 'ms');
      stepFails(base([...HS, expect('A', { within: -1 }) /* @within-neg */]), '@within-neg', 2, "expect 'A'", 'within');
      scenarioFails(base(HS, { tolerance: { ms: -1 } }), 'tolerance.ms');
      scenarioFails(base(HS, { tolerance: { msec: 3 } }), 'tolerance.msec');
    });

    it('option checks: unknown kinds and keys', () => {
      stepFails(base([...HS, expect('A', { options: { has: ['mms' as never] } }) /* @opt-kind */]), '@opt-kind', 2, "expect 'A'", 'options.has[0]');
      stepFails(base([...HS, expect('A', { options: { sack: { covers: [1] as never } } }) /* @opt-sack */]), '@opt-sack', 2, "expect 'A'", 'options.sack[0]');
      stepFails(base([...HS, expect('A', { options: { mss: 1460, window: 3 } as never }) /* @opt-key */]), '@opt-key', 2, "expect 'A'", 'options.window');
    });
  });

  it('a scenario file with a wildcard in a send is rejected when loaded, naming the file, line, step and field', async () => {
    const file = 'test/integration/scenarios/wildcard-send.ts';
    const e = await loadScenario(file).then(
      () => undefined,
      (x: unknown) => x,
    );
    chaiExpect(e).to.be.instanceOf(ScenarioError);
    chaiExpect((e as ScenarioError).message).to.match(/^test\/integration\/scenarios\/wildcard-send\.ts:\d+: step 3 \(send 'A'\): window: any\(\) is a wildcard/);
  });
});
