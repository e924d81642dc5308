/**
 * Group B's mutants (src/reference/mutants-b.ts, and the core ones of its rows): each is killed by
 * a scenario naming the requirement it breaks, i.e. that scenario, which passes on the pure
 * reference (scenarios.test.ts), fails against the mutant. In memory; the whole matrix is
 * test/support/kill.ts.
 */
import { expect } from 'chai';
import { MUTANTS_B } from '../../src/reference/mutants-b.js';
import { mutantNamed } from '../../src/reference/mutants.js';
import { loadScenario } from '../../src/io/load.js';
import { names } from '../../src/suite/mutation.js';
import { runOnReference } from './helpers.js';

/** The scenario that kills each mutant. */
const KILLER: Readonly<Record<string, string>> = {
  'isn-no-clock': 'isn-clock',
  'isn-clock-only': 'isn-unpredictable',
  'no-simultaneous-open': 'simultaneous-open',
  'synrecv-forgets-listen': 'synrecv-rst',
  'syn-from-unspecified': 'active-open-source',
  'synack-from-wildcard': 'synack-from-address',
  'drop-rst-with-data': 'rst-with-data',
  'reset-unreported': 'app-abort-reported',
  'close-unread-fin': 'close-unread-rst',
  'time-wait-reopen-low-isn': 'time-wait-syn',
  'time-wait-no-timestamps': 'time-wait-syn-ts',
  'ack-data-then-fin': 'ack-data-fin',
  'ack-before-ooo-queue': 'ooo-fill-hole',
  'ooo-ack-past-hole': 'ooo-no-sack',
  'no-ooo-queue': 'ooo-fill-hole',
  'ack-delay-600ms': 'delayed-ack-bound',
  'ack-third-full-segment': 'ack-second-full-segment',
  'receiver-sws-off': 'receiver-sws',
  'sender-sws-off': 'sender-sws-nodelay',
  'no-nagle': 'nagle',
  'nodelay-ignored': 'nagle-off',
  // Core mutants of group B's rows.
  'linear-backoff': 'data-retransmit-backoff',
  'time-wait-one-second': 'time-wait-lasts',
  'answer-broadcast-syn': 'syn-to-broadcast',
};

describe("reference mutants, group B: each killed by a scenario naming its requirement", function () {
  this.timeout(60_000);
  it('every mutant of mutants-b.ts has its killer here', () => {
    expect(MUTANTS_B.map((m) => m.name).filter((n) => !(n in KILLER))).to.deep.equal([]);
  });
  for (const [name, scenario] of Object.entries(KILLER)) {
    it(`${name}: ${scenario} fails against it`, async () => {
      const m = mutantNamed(name);
      const file = `scenarios/conformance/${scenario}.ts`;
      expect(names((await loadScenario(file)).rfc, m.requirement), `${scenario} names ${m.requirement}`).to.equal(true);
      const r = await runOnReference(file, m.settings);
      expect(r.report?.passed, `${scenario} passed against ${name}: ${r.why}`).to.equal(false);
    });
  }
});
