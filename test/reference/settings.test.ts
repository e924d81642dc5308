/**
 * The reference's settings matter, and only where they should: the whole conformance suite (the
 * slow set too) runs against the reference with one setting flipped, and exactly the scenarios
 * about that setting change verdict: they fail, or, for a feature two stacks negotiate (timestamps,
 * window scaling, SACK, ECN, Fast Open), become not applicable. Every other
 * scenario still passes. Settings the scenarios leave open change nothing.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { loadScenario } from '../../src/io/load.js';
import type { ReferenceSettings } from '../../src/reference/index.js';
import { referenceBackend } from '../../src/suite/backend.js';
import { runSuite, type SuiteEntry } from '../../src/suite/runner.js';

const DIRS = ['scenarios/conformance', 'scenarios/conformance/slow'];

/** One flip and what it changes: `name` failing, `name(na)` not applicable. */
const FLIPS: ReadonlyArray<readonly [Partial<ReferenceSettings>, readonly string[]]> = [
  [{ timestamps: false }, ['mss-effective(na)', 'mss-not-less-options(na)', 'option-in-data-segment(na)', 'paws(na)', 'synack-options-offered(na)', 'time-wait-syn-ts(na)', 'ts-every-segment(na)', 'ts-recent-ooo(na)']],
  [{ windowScaling: false }, ['syn-window-unscaled(na)', 'synack-options-offered(na)', 'window-scaled(na)', 'wscale-clamp(na)']],
  [{ sack: false }, ['dsack(na)', 'ooo-fill-hole(na)', 'ooo-sack(na)', 'sack-first-block(na)', 'sack-recovery(na)', 'synack-options-offered(na)', 'synack-options-partial(na)']],
  // RFC 5961 is optional behaviour, not negotiated: its scenarios fail (at level MAY), never N/A.
  [{ rfc5961: false }, ['challenge-ack-ratelimit', 'rfc5961-old-ack', 'rst-in-window-challenge', 'syn-in-established']],
  [{ fastOpen: false }, ['tfo-bad-cookie(na)', 'tfo-cookie(na)', 'tfo-data-in-syn(na)']],
  [{ minRtoMs: 200 }, ['rto-minimum']],
  // ECN declined: nothing to echo (N/A), but SHLD-8 (offer it) fails.
  [{ ecn: false }, ['ecn-ce-echo(na)', 'ecn-cwr(na)', 'ecn-ect-marking(na)', 'ecn-negotiate']],
  // Without fast retransmit on the third duplicate ACK there is no fast recovery to watch.
  [{ fastRetransmit: false }, ['congestion-avoidance', 'fast-recovery', 'fast-retransmit', 'sack-recovery']],
  [{ dupAckThreshold: 4 }, ['congestion-avoidance', 'fast-recovery', 'fast-retransmit', 'sack-recovery']],
  [{ idleRestart: false }, ['idle-restart']],
  [{ nagle: false }, ['nagle']],
  [{ keepOutOfOrder: false }, ['dsack', 'ooo-fill-hole', 'ooo-sack', 'sack-first-block', 'ts-recent-ooo']],
  [{ pmtud: false }, ['icmp-frag-needed', 'ipv6-packet-too-big']],
  [{ icmpHardErrors: 'report' }, ['icmp-hard-error']],
  [{ timeWaitReopen: false }, ['time-wait-syn', 'time-wait-syn-ts']],
  [{ sourceRouteOverride: false }, ['source-route-override']],
  [{ broadcast: [] }, ['app-open-broadcast', 'syn-to-broadcast']],
  [{ defaultMss: { 4: 1000, 6: 1220 } }, ['mss-default-536']],
  [{ maxPersistMs: 1000 }, ['zero-window-indefinite']],
  [{ keepAliveCount: 1 }, ['keepalive-lost-ack']],
  // MAY-6 allows the garbage octet as an option; SHLD-12 asks for probes without data.
  [{ keepAliveGarbageOctet: true }, ['keepalive-no-data']],
  [{ r2SynMs: 100_000 }, ['slow/syn-give-up']],
  // R2 past the scenario's four minutes: the RFC allows it, the scenario cannot tell it from never.
  [{ r2Ms: 300_000 }, ['slow/give-up']],
  // Choices no scenario asserts: nothing changes.
  [{ newReno: false }, []],
  [{ limitedTransmit: false }, []],
  [{ delayedAck: false }, []],
  [{ challengeAckScope: 'host' }, []],
  // D-SACK is optional (RFC 2883): dsack.ts takes an ACK without it as well as one with a right D-SACK block.
  [{ dsack: false }, []],
];

describe('reference stack: one setting flipped changes exactly the verdicts about it', function () {
  this.timeout(120_000);
  let entries: SuiteEntry[] = [];
  before(async () => {
    const files = DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.ts')).map((f) => `${d}/${f}`));
    entries = await Promise.all(files.map(async (file) => ({ file, name: file, scenario: await loadScenario(file) })));
  });

  const changed = async (settings: Partial<ReferenceSettings>): Promise<string[]> => {
    const o = await runSuite(entries, { backend: referenceBackend(settings), target: 'reference', learnFeatures: true });
    return o.results.filter((r) => r.verdict !== 'pass').map((r) => `${r.file.replace('scenarios/conformance/', '').replace(/\.ts$/, '')}${r.verdict === 'na' ? '(na)' : r.verdict === 'fail' ? '' : `(${r.verdict})`}`);
  };

  it('with the defaults, nothing but passes', async () => {
    expect(await changed({})).to.deep.equal([]);
  });

  it("Linux-like values change no verdict but one: the 200 ms RTO floor breaks RFC 6298 §2.4's SHOULD, which rto-minimum reports at its level", async () => {
    // A 40 ms delayed ACK, an initial window of 10 (RFC 6928, experimental), one challenge ACK per 500 ms per
    // connection (RFC 5961 §7 fixes no rate), and Linux's 200 ms RTO floor.
    const linuxLike: Partial<ReferenceSettings> = { minRtoMs: 200, delayedAckMs: 40, initialWindowSegments: 10, challengeAckLimit: 1, challengeAckWindowMs: 500 };
    expect(await changed(linuxLike)).to.deep.equal(['rto-minimum']);
    const rto = entries.find((e) => e.file.endsWith('/rto-minimum.ts'));
    expect(rto?.scenario?.level).to.equal('SHOULD');
  });

  for (const [settings, want] of FLIPS) {
    it(`${JSON.stringify(settings)}: ${want.length ? want.join(', ') : 'no verdict changes'}`, async () => {
      expect((await changed(settings)).sort()).to.deep.equal([...want].sort());
    });
  }
});
