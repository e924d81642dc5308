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

  describe('its settings change the verdicts of the scenarios about them', () => {
    for (const [name, settings] of [
      ['rst-in-window-challenge', { rfc5961: false }],
      ['syn-in-established', { rfc5961: false }],
      ['delayed-ack-bound', { delayedAckMs: 700 }],
      ['syn-to-broadcast', { broadcast: [] }],
      ['paws', { timestamps: false }],
      ['ts-every-segment', { timestamps: false }],
      ['option-in-data-segment', { timestamps: false }],
      ['mss-effective', { timestamps: false }],
      ['time-wait-syn-ts', { timestamps: false }],
      ['synack-options-offered', { timestamps: false }],
      ['window-scaled', { windowScaling: false }],
      ['wscale-clamp', { windowScaling: false }],
      ['synack-options-offered', { windowScaling: false }],
      ['ooo-sack', { sack: false }],
      ['ooo-fill-hole', { sack: false }],
      ['sack-first-block', { sack: false }],
      ['synack-options-partial', { sack: false }],
      ['synack-options-offered', { sack: false }],
      ['ecn-negotiate', { ecn: false }],
      ['ecn-ce-echo', { ecn: false }],
      ['tfo-cookie', { fastOpen: false }],
      ['tfo-data-in-syn', { fastOpen: false }],
      ['source-route-override', { sourceRouteOverride: false }],
      ['rto-minimum', { minRtoMs: 200 }],
      ['fast-retransmit', { fastRetransmit: false }],
      ['fast-retransmit', { dupAckThreshold: 4 }],
      ['zero-window-indefinite', { maxPersistMs: 1000 }],
      ['keepalive-lost-ack', { keepAliveCount: 1 }],
      ['slow/syn-give-up', { r2SynMs: 100_000 }],
      // R2 past the scenario's four minutes (the RFC allows it; the scenario then cannot tell).
      ['slow/give-up', { r2Ms: 300_000 }],
      ['icmp-hard-error', { icmpHardErrors: 'report' }],
      ['icmp-frag-needed', { pmtud: false }],
      ['ipv6-packet-too-big', { pmtud: false }],
    ] as const) {
      it(`conformance/${name} fails with ${JSON.stringify(settings)}`, async () => {
        const r = await runOnReference(`scenarios/conformance/${name}.ts`, settings);
        expect(r.report?.passed, r.why).to.equal(false);
      });
    }
    // Choices the scenarios leave open: the verdict stays.
    for (const [name, settings] of [
      ['fast-retransmit', { newReno: false }],
      ['keepalive-probe', { keepAliveGarbageOctet: true }],
      ['icmp-soft-errors', { icmpHardErrors: 'report' }],
    ] as const) {
      it(`conformance/${name} still passes with ${JSON.stringify(settings)}`, async () => {
        const r = await runOnReference(`scenarios/conformance/${name}.ts`, settings);
        expect(r.report?.passed, r.why).to.equal(true);
      });
    }
  });

});
