/**
 * A scenario's own ISN (`isn`, src/scenario/types.ts): a raw 32-bit sequence number, for a
 * behaviour tied to particular sequence numbers (seq-wrap.ts: data across 2^32). The validator
 * takes 0 to 2^32 - 1 and nothing else.
 */
import { expect as chaiExpect } from 'chai';
import { send } from '../../src/scenario/dsl.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { base, rejections } from './lines.js';

const { self: SELF, scenarioFails } = rejections(import.meta.url);

describe('scenario/validate: isn', () => {
  it('takes 0 and 2^32 - 1', () => {
    for (const isn of [0, 2 ** 32 - 100, 2 ** 32 - 1]) chaiExpect(validateScenario(base([send('S')], { isn }), SELF).isn).to.equal(isn);
  });
  it('rejects what is not a 32-bit unsigned integer', () => {
    for (const isn of [-1, 2 ** 32, 1.5, '100', null]) {
      chaiExpect(scenarioFails(base([send('S')], { isn }), 'isn').message).to.contain('is not an integer in 0..4294967295');
    }
  });
});
