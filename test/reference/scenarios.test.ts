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

  /**
   * The conformance scenarios that pass against the reference with its default settings. Those
   * not listed fail for a feature this slice lacks (window scale, timestamps, SACK, ECN, Fast Open,
   * the lab-apps on 2011-2014, IP source routes, some socket options) or where the scenario
   * asserts a stack's choice the RFC leaves open (see the issue note): challenge-ack-ratelimit,
   * close-unread-rst; slow/give-up needs the lab's shortened R2 (below).
   */
  const PASSING = [
    'ack-two-segments', 'ack-unsent-data', 'app-abort-reported', 'app-r2-set', 'app-receive-after-close',
    'app-send-after-close', 'app-send-close-wait', 'bad-checksum', 'closed-port-ack', 'closed-port-syn',
    'closed-port-syn-data', 'data-retransmit-backoff', 'delayed-ack-bound', 'echo-push', 'fast-retransmit', 'fin-last-ack',
    'fin-last-ack-retransmit', 'fin-wait', 'half-close', 'icmp-frag-needed', 'icmp-hard-error', 'icmp-soft-errors', 'icmp-source-quench',
    'initial-rto', 'initial-window', 'ip-options-ignored', 'ipv6-extension-headers', 'ipv6-flow-label',
    'ipv6-mss-default-1220', 'ipv6-mss-from-mtu', 'ipv6-packet-too-big', 'isn-clock', 'isn-unpredictable',
    'keepalive-lost-ack', 'keepalive-off-by-default', 'keepalive-probe', 'listener-rst-ignored', 'mss-default-536', 'mss-from-mtu', 'mss-not-on-data',
    'mss-option-sent', 'mss-respected', 'nagle', 'nagle-off', 'no-ack-flag', 'ooo-no-sack', 'oow-data-ack',
    'option-length-overrun', 'option-length-zero', 'options-mandatory-set', 'options-unaligned',
    'reserved-bits', 'rfc5961-old-ack', 'rst-exact', 'rst-in-window-challenge', 'rst-out-of-window',
    'rst-with-data', 'rto-minimum', 'segments-well-formed', 'sender-sws', 'simultaneous-open', 'slow/syn-give-up', 'syn-fin',
    'syn-from-multicast', 'syn-in-established', 'syn-retransmit', 'syn-to-broadcast', 'syn-with-data',
    'synack-from-address', 'synack-options-none', 'synack-retransmit', 'synrecv-bad-ack', 'synrecv-dup-syn',
    'synrecv-rst', 'time-wait-reack', 'time-wait-syn', 'unknown-option', 'urgent-beyond-data',
    'urgent-pointer', 'window-shrink', 'window-shrink-retransmit', 'window-unsigned', 'zero-window-indefinite', 'zero-window-probe',
  ];
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
      ['rto-minimum', { minRtoMs: 200 }],
      ['fast-retransmit', { fastRetransmit: false }],
      ['fast-retransmit', { dupAckThreshold: 4 }],
      ['zero-window-indefinite', { maxPersistMs: 1000 }],
      ['keepalive-lost-ack', { keepAliveCount: 1 }],
      ['slow/syn-give-up', { r2SynMs: 100_000 }],
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

  describe("the lab's shortened timers", () => {
    // The lab's server namespace gives up after 5 retransmissions (net.ipv4.tcp_retries2 = 5)
    // from Linux's 200 ms RTO floor, about 13 s; slow/give-up is written for that. With RFC 9293's
    // R2 of at least 100 s (SHLD-11) the reference rightly still holds the connection at 40 s.
    const LAB = { minRtoMs: 200, r2Retransmissions: 5 };
    it('slow/give-up passes with R2 = 5 retransmissions and a 200 ms RTO floor, and fails with the defaults', async () => {
      const lab = await runOnReference('scenarios/conformance/slow/give-up.ts', LAB);
      expect(lab.report?.passed, lab.why).to.equal(true);
      const rfc = await runOnReference('scenarios/conformance/slow/give-up.ts');
      expect(rfc.report?.passed, rfc.why).to.equal(false);
    });
  });
});
