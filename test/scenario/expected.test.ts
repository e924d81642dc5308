/**
 * Which expected-failure mark applies to a target: a plain target name, or a name with the first
 * kernel release it holds from (`linux>=6.17`), compared with the release the target runs.
 */
import { expect } from 'chai';
import { compareRelease, expectedFailureOn } from '../../src/scenario/expected.js';
import { scenario, send, expect as expectStep } from '../../src/scenario/dsl.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { releaseOf } from '../../src/io/release.js';

const marks = { expectedFailures: { 'linux>=6.17': 'new drop', gvisor: 'no urgent data', 'linux-uml': 'old' } };

describe('expected failures by target and kernel release', () => {
  it('compares dotted releases numerically, ignoring what follows the numbers', () => {
    expect(compareRelease('6.18.44-fc-v782', '6.17')).to.be.greaterThan(0);
    expect(compareRelease('6.17', '6.17.0')).to.equal(0);
    expect(compareRelease('6.9', '6.17')).to.be.lessThan(0);
    expect(compareRelease('10.0', '6.17')).to.be.greaterThan(0);
  });

  it('a qualified mark applies from its release on, and only where the release is known', () => {
    expect(expectedFailureOn(marks, 'linux', '6.18.44-fc-v782')).to.equal('new drop');
    expect(expectedFailureOn(marks, 'linux', '6.17.0')).to.equal('new drop');
    expect(expectedFailureOn(marks, 'linux', '6.16.9')).to.equal(undefined);
    expect(expectedFailureOn(marks, 'linux', undefined)).to.equal(undefined);
    expect(expectedFailureOn(marks, 'gvisor', undefined)).to.equal('no urgent data');
    expect(expectedFailureOn(marks, 'linux-uml', '6.1')).to.equal('old');
    expect(expectedFailureOn({}, 'linux', '6.18')).to.equal(undefined);
  });

  it('a plain mark wins over a qualified one for the same target', () => {
    expect(expectedFailureOn({ expectedFailures: { linux: 'always', 'linux>=6.17': 'new' } }, 'linux', '6.18')).to.equal('always');
  });

  it('the linux target runs this machine\'s kernel; linux-uml is 6.1; the others have no release', () => {
    expect(releaseOf('linux')).to.match(/^\d+\.\d+/);
    expect(releaseOf('linux-uml')).to.equal('6.1');
    expect(releaseOf('lwip')).to.equal(undefined);
  });

  it('a malformed key is refused, naming it', () => {
    const sc = (expectedFailures: Record<string, string>) => scenario({ name: 'x', peer: { host: '10.77.0.2', port: 9 }, expectedFailures, steps: [send('S'), expectStep('SA')] });
    expect(() => validateScenario(sc({ 'linux>=six': 'why' }), 'x.ts')).to.throw(/expectedFailures\.linux>=six.*'linux>=6\.17'/);
    expect(() => validateScenario(sc({ 'linux >= 6.1': 'why' }), 'x.ts')).to.throw(/expectedFailures\.linux >= 6\.1/);
    expect(() => validateScenario(sc({ 'linux>=6.17': 'why' }), 'x.ts')).to.not.throw();
  });
});
