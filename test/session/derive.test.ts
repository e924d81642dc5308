/**
 * Addresses a scenario works out from the target (issue 26 item 5): the directed broadcast of the
 * target's subnet, a spare address of ours beside it, our subnet's broadcast in the server role;
 * N/A, saying why, where the link does not allow it. And the capture of a scenario that checks
 * absence passes answers from any address.
 */
import { expect } from 'chai';
import { scenario, send, silence, expect as exp } from '../../src/scenario/dsl.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import type { Scenario } from '../../src/scenario/types.js';
import { deriveAddresses, ipv4Broadcast, modelRoute, planSession, routeQuery, watchesAbsence, type Route } from '../../src/session/plan.js';
import { EnvError } from '../../src/errors.js';

const sources = { isn: () => 1000, port: () => 40000 };
const bcast = (host = '10.77.0.2'): Scenario => scenario({ name: 'b', peer: { host, port: 9, broadcast: true }, requires: ['ipv4'], steps: [send('S'), silence(700)] });
const spare = (host = '10.77.0.2'): Scenario => scenario({ name: 's', peer: { host, port: 19 }, local: { spare: true }, steps: [send('S'), exp('SA')] });
const route = (src: string, prefix: number | undefined, others: Array<{ address: string; prefix: number }> = []): Route => ({ iface: 'eth9', src, link: { ...(prefix !== undefined ? { prefix } : {}), others } });

describe('addresses derived from the target (peer.broadcast, local.spare, local.broadcast)', () => {
  it('the directed broadcast is that of the target subnet, whatever --dst says', () => {
    expect(deriveAddresses(bcast(), {}, route('10.77.0.1', 24))).to.deep.equal({ dst: '10.77.0.255' });
    expect(deriveAddresses(bcast(), { dst: '192.168.7.40' }, route('192.168.4.9', 22))).to.deep.equal({ dst: '192.168.7.255' });
    expect(ipv4Broadcast('172.16.5.1', 20)).to.equal('172.16.15.255');
    expect(ipv4Broadcast('10.0.0.1', 8)).to.equal('10.255.255.255');
  });

  it('the plan sends to it: the main flow goes to the broadcast address', () => {
    const sc = validateScenario(bcast(), 'b.ts');
    const p = planSession(sc, 'b.ts', { dst: '192.168.7.40' }, route('192.168.4.9', 22), sources);
    expect(p.flow.peerIp).to.equal('192.168.7.255');
    // Offline (build, the reference backend): the lab's link.
    expect(planSession(sc, 'b.ts', {}, modelRoute(sc, {}), sources).flow.peerIp).to.equal('10.77.0.255');
  });

  it('is N/A, saying why, through a gateway, outside our subnet, or on a /31', () => {
    const na = (o: object, r: Route): string => {
      const d = deriveAddresses(bcast(), o, r);
      if (!('na' in d)) throw new Error(`derived ${JSON.stringify(d)}`);
      return d.na;
    };
    expect(na({ dst: '203.0.113.5' }, route('10.77.0.1', undefined))).to.match(/203\.0\.113\.5 is reached through a gateway.*RFC 2644/);
    expect(na({ dst: '10.78.0.5' }, route('10.77.0.1', 24))).to.match(/10\.78\.0\.5 is not in the subnet of our address 10\.77\.0\.1\/24/);
    expect(na({ dst: '10.77.0.2' }, route('10.77.0.1', 31))).to.match(/point-to-point/);
    // The plan refuses too (build, flood): an EnvError with the same reason.
    expect(() => planSession(validateScenario(bcast(), 'b.ts'), 'b.ts', { dst: '203.0.113.5' }, route('10.77.0.1', undefined), sources)).to.throw(EnvError, /reached through a gateway/);
  });

  it('a spare address is another of ours in the target subnet, or N/A naming how to add one', () => {
    const others = [{ address: '192.168.9.3', prefix: 24 }, { address: '10.77.0.201', prefix: 24 }];
    expect(deriveAddresses(spare(), {}, route('10.77.0.1', 24, others))).to.deep.equal({ src: '10.77.0.201' });
    const d = deriveAddresses(spare(), {}, route('10.77.0.1', 24, [{ address: '192.168.9.3', prefix: 24 }]));
    expect(d).to.have.property('na').that.matches(/second address of ours on eth9 facing 10\.77\.0\.2.*10\.77\.0\.201.*ip addr add ADDRESS\/PREFIX dev eth9/);
    const p = planSession(validateScenario(spare(), 's.ts'), 's.ts', {}, route('10.77.0.1', 24, others), sources);
    expect(p.flow.localIp).to.equal('10.77.0.201');
    // IPv6: fd77::201 beside fd77::1.
    const v6 = spare('fd77::2');
    expect(deriveAddresses(v6, {}, route('fd77::1', 64, [{ address: 'fd77::201', prefix: 64 }]))).to.deep.equal({ src: 'fd77::201' });
    expect(deriveAddresses(v6, {}, modelRoute(v6, {}))).to.deep.equal({ src: 'fd77::201' });
  });

  it('the server role answers on the broadcast address of our subnet', () => {
    const sc = scenario({ name: 'sb', role: 'server', local: { port: 47046, broadcast: true }, requires: ['ipv4'], steps: [silence(700)] });
    expect(deriveAddresses(sc, {}, route('10.77.0.1', 24))).to.deep.equal({ src: '10.77.0.255' });
    expect(planSession(validateScenario(sc, 'sb.ts'), 'sb.ts', {}, route('10.77.0.1', 24), sources).flow.localIp).to.equal('10.77.0.255');
  });

  it('only a deriving scenario asks for the link', () => {
    expect(routeQuery(bcast(), {})).to.include({ link: true });
    expect(routeQuery(scenario({ name: 'x', peer: { host: '10.77.0.2', port: 9 }, steps: [send('S')] }), {})).to.not.have.property('link');
    expect(watchesAbsence(bcast())).to.equal(true);
    expect(watchesAbsence(spare())).to.equal(false);
  });

  it('the validator names misuse', () => {
    const bad = (s: object, re: RegExp): void => {
      expect(() => validateScenario(s, 'v.ts')).to.throw(ScenarioError, re);
    };
    bad({ name: 'v', peer: { host: 'fd77::2', port: 9, broadcast: true }, steps: [send('S')] }, /peer\.broadcast.*IPv6 has no broadcast/);
    bad({ name: 'v', role: 'server', local: { port: 9 }, peer: { broadcast: true }, steps: [silence(1)] }, /peer\.broadcast.*server role/);
    bad({ name: 'v', peer: { host: '10.77.0.2', port: 9 }, local: { host: '10.77.0.9', spare: true }, steps: [send('S')] }, /local\.spare.*keep one/);
    bad({ name: 'v', peer: { host: '10.77.0.2', port: 9 }, local: { broadcast: true }, steps: [send('S')] }, /local\.broadcast.*server role/);
    bad({ name: 'v', peer: { host: '10.77.0.2', port: 9, broadcst: true }, steps: [send('S')] }, /peer\.broadcst.*unknown field/);
    bad({ name: 'v', peer: { host: '10.77.0.2', port: 9 }, local: { spare: 'yes' }, steps: [send('S')] }, /local\.spare.*not true or false/);
  });
});

describe('precondition: what a scenario takes for granted about the target', () => {
  it('an unmet precondition makes the scenario N/A, saying what and where; met, the run goes on to its verdict', async () => {
    const { runSuite } = await import('../../src/suite/runner.js');
    const { referenceBackend } = await import('../../src/suite/backend.js');
    const mk = (mssWanted: number): Scenario =>
      scenario({
        name: 'pre',
        peer: { host: '10.77.0.2', port: 9 },
        steps: [send('S'), exp('SA', { seq: 0, ack: 1, options: { mss: mssWanted }, precondition: `an MSS of ${mssWanted}` }), send('A'), send('R', { seq: 1 })],
      });
    const run = async (sc: Scenario) => (await runSuite([{ file: 'pre.ts', name: 'pre', scenario: validateScenario(sc, 'pre.ts') }], { backend: referenceBackend(), target: 'reference' })).results[0]!;
    const na = await run(mk(1240));
    expect(na.verdict).to.equal('na');
    expect(na.message).to.equal('it takes for granted an MSS of 1240, and step 2 differs (options: expected mss 1240 vs actual mss 1460)');
    expect((await run(mk(1460))).verdict).to.equal('pass');
  });

  it('the validator wants a sentence, and no optional precondition', () => {
    expect(() => validateScenario({ name: 'v', peer: { host: '10.77.0.2', port: 9 }, steps: [send('S'), exp('SA', { precondition: ' ' })] }, 'v.ts')).to.throw(ScenarioError, /precondition.*sentence/);
    expect(() => validateScenario({ name: 'v', peer: { host: '10.77.0.2', port: 9 }, steps: [send('S'), exp('SA', { precondition: 'x', optional: true })] }, 'v.ts')).to.throw(ScenarioError, /optional expectation cannot be a precondition/);
  });
});
