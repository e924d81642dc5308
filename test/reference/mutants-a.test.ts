/**
 * The mutants of group A (RFC 9293 Appendix B's PUSH and window rows, src/reference/mutants-a.ts):
 * each fails the scenario that names its row, which the pure reference passes (the kill matrix of
 * src/suite/mutation.ts, one scenario per mutant, so a change that lets one live is seen here).
 */
import { expect } from 'chai';
import { MUTANTS_A } from '../../src/reference/mutants-a.js';
import { requirementIds } from '../../src/suite/requirements.js';
import { loadScenario } from '../../src/io/load.js';
import { runOnReference } from './helpers.js';

/** The scenario that shows each mutant. */
const KILLER: Record<string, string> = {
  'split-at-pushes': 'push-collapse',
  'hold-short-data': 'echo-push',
  'never-push': 'echo-push',
  'half-mss-segments': 'sender-sws',
  'signed-window': 'window-unsigned',
  'window-16-bit': 'window-scaled',
  'shrink-window': 'window-right-edge',
  'unsigned-usable-window': 'window-shrink',
  'no-retransmit-into-shrunk-window': 'window-shrink-retransmit',
  'time-out-past-right-edge': 'window-shrink-retransmit',
  'reset-on-shrink': 'window-shrink',
  'no-probe-after-shrink': 'zero-window-shrink',
  'no-zero-window-probe': 'zero-window-probe',
  'late-first-probe': 'zero-window-probe',
  'constant-probe-interval': 'zero-window-indefinite',
  'give-up-on-zero-window': 'zero-window-indefinite',
  'zero-window-drops-rst': 'zero-window-rst',
  'zero-window-drops-urg': 'zero-window-urgent',
};

describe('reference stack: the mutants of group A (PUSH, window) are shown', function () {
  this.timeout(20_000);

  it('every mutant of the group has its scenario here', () => expect(MUTANTS_A.map((m) => m.name).sort()).to.deep.equal(Object.keys(KILLER).sort()));

  for (const m of MUTANTS_A) {
    const file = `scenarios/conformance/${KILLER[m.name]}.ts`;
    it(`${m.name} [${m.requirement}] fails ${KILLER[m.name]}, which names the row: ${m.breaks}`, async () => {
      expect(requirementIds((await loadScenario(file)).rfc)).to.include(m.requirement);
      expect((await runOnReference(file)).report?.passed, 'the pure reference').to.equal(true);
      const r = await runOnReference(file, m.settings);
      expect(r.report?.passed, r.why).to.not.equal(true);
    });
  }
});
