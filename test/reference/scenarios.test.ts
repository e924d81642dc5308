/**
 * Scenarios against the reference stack, in memory: the two seeds, conformance scenarios and the
 * puppet fixture, each planned with planSession and run with runPlan on a reference device.
 */
import { expect } from 'chai';
import { runOnReference } from './helpers.js';

describe('reference stack: scenarios in memory', function () {
  this.timeout(20_000);

  it('the netcat seed (client closes first, sink on 5000) passes, and the sink kept the 34 bytes', async () => {
    const r = await runOnReference('scenarios/netcat-5000.ts');
    expect(r.report?.passed, r.why).to.equal(true);
    expect(new TextDecoder().decode(r.device.reference.services.received[0])).to.equal('Hello from tcpcraft, over netcat!\n');
  });

  it('the daytime seed (22 bytes, server closes first) passes', async () => {
    const r = await runOnReference('scenarios/daytime-13.ts');
    expect(r.report?.passed, r.why).to.equal(true);
  });

  it('the puppet fixture (listen, accept, write, read, half-close, close) passes', async () => {
    const r = await runOnReference('test/fixtures/app/open-write-read-close.ts');
    expect(r.report?.passed, r.why).to.equal(true);
  });

  const PASSING = ['closed-port-syn', 'closed-port-ack', 'rst-exact', 'rst-in-window-challenge', 'syn-in-established', 'fin-wait', 'half-close', 'echo-push'];
  for (const name of PASSING) {
    it(`conformance/${name} passes`, async () => {
      const r = await runOnReference(`scenarios/conformance/${name}.ts`);
      expect(r.report?.passed, r.why).to.equal(true);
    });
  }
});
