/**
 * Expected failures pinned to where the target differs (issue 26): a failure at the pinned step
 * (and field) is XFAIL; a failure anywhere else is a FAIL whose message names the pin and what
 * happened instead. Against the reference stack with a 200 ms RTO floor, which makes rto-minimum
 * fail at step 5 on its `time` field; in memory.
 */
import { expect } from 'chai';
import { loadScenario } from '../../src/io/load.js';
import { validateScenario } from '../../src/scenario/validate.js';
import type { Scenario } from '../../src/scenario/types.js';
import { referenceBackend } from '../../src/suite/backend.js';
import { runSuite } from '../../src/suite/runner.js';

const FILE = 'scenarios/conformance/rto-minimum.ts';

async function verdictWith(mark: Scenario['expectedFailures']): Promise<{ verdict: string; message: string }> {
  const base = await loadScenario(FILE);
  const sc = validateScenario({ ...base, expectedFailures: mark }, FILE);
  const o = await runSuite([{ file: FILE, name: sc.name, scenario: sc }], { backend: referenceBackend({ minRtoMs: 200 }), target: 'reference' });
  return { verdict: o.results[0]!.verdict, message: o.results[0]!.message ?? '' };
}

describe('pinned expected failures', function () {
  this.timeout(20_000);

  it('the failure at the pinned step and field is an expected failure', async () => {
    expect((await verdictWith({ reference: { step: 5, field: 'time', why: 'a floor of 200 ms' } })).verdict).to.equal('xfail');
    expect((await verdictWith({ reference: { step: 5, why: 'a floor of 200 ms' } })).verdict, 'a pin without a field').to.equal('xfail');
  });

  it('a failure at another step, or in another field, is a FAIL that says where the pin was', async () => {
    const step = await verdictWith({ reference: { step: 3, field: 'time', why: 'elsewhere' } });
    expect(step.verdict).to.equal('fail');
    expect(step.message).to.contain('expected to fail at step 3 (time), but failed at step 5 (time)');
    const field = await verdictWith({ reference: { step: 5, field: 'flags', why: 'other field' } });
    expect(field.verdict).to.equal('fail');
    expect(field.message).to.contain('expected to fail at step 5 (flags), but failed at step 5 (time)');
  });

  it('an unpinned mark still takes any failure (for scenarios outside the conformance suite)', async () => {
    expect((await verdictWith({ reference: 'anything' })).verdict).to.equal('xfail');
  });

  it('a pin names a step that exists and a known field, or the scenario does not load', async () => {
    const base = await loadScenario(FILE);
    expect(() => validateScenario({ ...base, expectedFailures: { linux: { step: 99, why: 'x' } } }, FILE)).to.throw(/expectedFailures\.linux\.step: must be the step \(1 to \d+\)/);
    expect(() => validateScenario({ ...base, expectedFailures: { linux: { step: 2, field: 'colour', why: 'x' } } }, FILE)).to.throw(/expectedFailures\.linux\.field: must be one of flags/);
  });
});
