/**
 * The session plan: everything a run needs, worked out in one pure function from a scenario, the
 * command line's overrides and the route (no machine touched), and the route query it asks for.
 */
import { expect as chaiExpect } from 'chai';
import { plan } from '../../src/engine/plan.js';
import { EnvError } from '../../src/errors.js';
import { expect, scenario, send } from '../../src/scenario/dsl.js';
import { validateScenario } from '../../src/scenario/validate.js';
import type { Scenario } from '../../src/scenario/types.js';
import type { ValidScenario } from '../../src/scenario/model.js';
import { captureTerms, modelRoute, planSession, routeQuery, type Sources } from '../../src/session/plan.js';
import { LAB_ADDRESSES } from '../../src/lab/catalogue.js';

const LAB_CLIENT_ADDR = LAB_ADDRESSES[4].client;
const LAB_SERVER_ADDR = LAB_ADDRESSES[4].server;
import { loadScenario } from '../../src/io/load.js';

/** Sources that hand out 1000, 1001, ... as ISNs and 40000, 40001, ... as ports. */
function counting(): Sources & { ports: number[] } {
  let isn = 1000;
  let port = 40000;
  const ports: number[] = [];
  return {
    ports,
    isn: () => isn++,
    port: () => {
      ports.push(port);
      return port++;
    },
  };
}

const ROUTE = { iface: 'tc-c', src: '10.77.0.1' };
const valid = (s: Scenario): ValidScenario => validateScenario(s, 'p.ts');

describe('session/plan', () => {
  let netcat: ValidScenario;
  before(async () => {
    netcat = await loadScenario('scenarios/netcat-5000.ts');
  });

  it('client role: flows from the route and the scenario, ports and ISNs from the sources, the exact capture filter', () => {
    const src = counting();
    const p = planSession(netcat, 'n.ts', {}, ROUTE, src);
    chaiExpect(p.flow).to.deep.equal({ localIp: '10.77.0.1', localPort: 40000, peerIp: '10.77.0.2', peerPort: 5000 });
    chaiExpect(p.flows).to.deep.equal([p.flow]);
    chaiExpect(p.localIsn).to.equal(1000);
    chaiExpect(p.iface).to.equal('tc-c');
    chaiExpect(p.filter).to.equal('(tcp and ((dst port 40000) or (src host 10.77.0.1 and src port 40000 and dst host 10.77.0.2 and dst port 5000)))');
    chaiExpect(p.run).to.include({ file: 'n.ts', localIsn: 1000, checked: true });
    chaiExpect(p.sendPaths.filter((x) => x !== undefined)).to.deep.equal(['raw', 'raw', 'raw', 'raw', 'raw']);
    chaiExpect([p.cleanupPath, p.needsLink, p.server]).to.deep.equal(['raw', false, false]);
  });

  it('the model run is the planner\'s run of the same flows and ISNs (what build prints, what the rehearsal plays)', () => {
    const p = planSession(netcat, 'n.ts', { isn: 4126488336, peerIsn: 547479085, sport: 24491 }, ROUTE, counting());
    const direct = plan(netcat, { file: 'n.ts', flow: p.flow as never, localIsn: 4126488336, peerIsn: 547479085 });
    chaiExpect(p.model.events.map((e) => Buffer.from(e.view.packet.bytes).toString('hex'))).to.deep.equal(direct.events.map((e) => Buffer.from(e.view.packet.bytes).toString('hex')));
    chaiExpect(p.model.events).to.have.length(9);
  });

  it('overrides win over the scenario: addresses, ports, ISN, --timeout replaces the scenario default, the suite default does not', () => {
    const p = planSession(netcat, 'n.ts', { dst: '10.9.9.9', dport: 7, sport: 1234, isn: 5, timeoutMs: 250, defaultTimeoutMs: 900 }, ROUTE, counting());
    chaiExpect(p.flow).to.deep.equal({ localIp: '10.77.0.1', localPort: 1234, peerIp: '10.9.9.9', peerPort: 7 });
    chaiExpect(p.localIsn).to.equal(5);
    chaiExpect(p.scenario.timeout).to.equal(250);
    chaiExpect(p.run.timeoutMs).to.equal(900);
    chaiExpect(planSession(netcat, 'n.ts', {}, ROUTE, counting()).scenario).to.equal(netcat);
  });

  it('further connections get their own ports and ISNs, and are in the flows and the filter', () => {
    const sc = valid(scenario({ name: 'two', peer: { host: '10.77.0.2', port: 9 }, connections: { b: {}, c: { peer: { port: 7 } } }, steps: [send('S'), send('S', { conn: 'b' }), send('S', { conn: 'c' })] }));
    const src = counting();
    const p = planSession(sc, 't.ts', {}, ROUTE, src);
    chaiExpect(src.ports).to.deep.equal([40000, 40001, 40002]);
    chaiExpect(p.connections.b).to.deep.equal({ flow: { localIp: '10.77.0.1', localPort: 40001, peerIp: '10.77.0.2', peerPort: 9 }, localIsn: 1001 });
    chaiExpect(p.connections.c!.flow.peerPort).to.equal(7);
    chaiExpect(p.flows).to.have.length(3);
    chaiExpect(p.filter.split(') or (').length).to.be.greaterThan(3);
    chaiExpect(captureTerms(sc, {})).to.deep.equal(['host 10.77.0.2']);
  });

  it('the send path per step: an IPv4 checksum or length override, or id 0 without DF, needs the link layer; --link-layer sends everything there', () => {
    const sc = valid(
      scenario({
        name: 'paths',
        peer: { host: '10.77.0.2', port: 9 },
        steps: [send('S', { ip: { ttl: 3 } }), expect('SA'), send('A', { ip: { checksum: 0xbeef } }), send('A', { ip: { id: 0, flags: 0 } }), send('A', { ip: { id: 0 } }), send('A', { ip: { totalLength: 40 } })],
      }),
    );
    const p = planSession(sc, 'p.ts', {}, ROUTE, counting());
    chaiExpect(p.sendPaths).to.deep.equal(['raw', undefined, 'link', 'link', 'raw', 'link']);
    chaiExpect([p.needsLink, p.cleanupPath]).to.deep.equal([true, 'raw']);
    const all = planSession(sc, 'p.ts', { linkLayer: true }, ROUTE, counting());
    chaiExpect(all.sendPaths).to.deep.equal(['link', undefined, 'link', 'link', 'link', 'link']);
    chaiExpect(all.cleanupPath).to.equal('link');
  });

  it('server role: the client is learned from its SYN, the capture takes our port, the model peer stands on the other lab address', async () => {
    const sc = await loadScenario('scenarios/daytime-13-server.ts');
    const p = planSession(sc, 'd.ts', {}, { iface: 'tc-s', src: LAB_SERVER_ADDR }, counting());
    chaiExpect(p.server).to.equal(true);
    chaiExpect(p.flow).to.deep.equal({ localIp: LAB_SERVER_ADDR, localPort: 13 });
    chaiExpect(captureTerms(sc, {})).to.deep.equal(['port 13']);
    chaiExpect(captureTerms(sc, { dst: '10.77.0.1' })).to.deep.equal(['host 10.77.0.1']);
    chaiExpect(p.model.flow).to.deep.include({ localIp: LAB_SERVER_ADDR, localPort: 13, peerIp: LAB_CLIENT_ADDR });
  });

  it('a link-layer segment with no peer known up front is an EnvError naming the fix', async () => {
    const sc = valid(scenario({ name: 's', role: 'server', local: { port: 13 }, steps: [expect('S'), send('SA', { ip: { checksum: 1 } })] }));
    chaiExpect(() => planSession(sc, 's.ts', {}, ROUTE, counting())).to.throw(EnvError, /give --dst/);
  });

  it('asks for the route it needs, and offline uses the lab addresses', () => {
    const server = valid(scenario({ name: 's', role: 'server', local: { port: 13 }, steps: [expect('S')] }));
    chaiExpect(routeQuery(netcat, {})).to.deep.equal({ server: false, peer: '10.77.0.2' });
    chaiExpect(routeQuery(netcat, { src: '10.1.1.1', iface: 'eth9', dst: '10.1.1.2' })).to.deep.equal({ server: false, peer: '10.1.1.2', src: '10.1.1.1', iface: 'eth9' });
    chaiExpect(routeQuery(server, {}).server).to.equal(true);
    chaiExpect(modelRoute(netcat, {})).to.deep.equal({ iface: '', src: LAB_CLIENT_ADDR });
    chaiExpect(modelRoute(server, {}).src).to.equal(LAB_SERVER_ADDR);
  });
});
