/**
 * Scenarios against the reference stack, in memory: the two seeds, conformance scenarios and the
 * puppet fixture, each planned with planSession and run with runPlan on a reference device.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
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

  /**
   * The conformance scenarios that pass against the reference with its default settings. Those
   * Every conformance scenario, the slow set's too, passes against the reference with its
   * default settings (RFC 9293, RFC 7323, RFC 2018, RFC 5681, RFC 6298, RFC 3168, RFC 7413...).
   */
  const PASSING = [
    ...readdirSync('scenarios/conformance').filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')),
    ...readdirSync('scenarios/conformance/slow').filter((f) => f.endsWith('.ts')).map((f) => `slow/${f.replace(/\.ts$/, '')}`),
  ].sort();
  it('the list is the whole suite: over 100 scenarios', () => expect(PASSING.length).to.be.greaterThan(100));
  for (const name of PASSING) {
    it(`conformance/${name} passes`, async () => {
      const r = await runOnReference(`scenarios/conformance/${name}.ts`);
      expect(r.report?.passed, r.why).to.equal(true);
    });
  }
});
