/** The one mapping from what a command throws to what is printed and the exit status. */
import { expect } from 'chai';
import { CommanderError } from 'commander';
import { CaptureError, EnvError, ScenarioError, UsageError } from '../../src/errors.js';
import { exitStatusOf, reportFailure } from '../../src/cli/failure.js';

function reported(err: unknown): { status: number; text: string } {
  let text = '';
  const status = reportFailure(err, (s) => void (text += s));
  return { status, text };
}

describe('cli failure', () => {
  it('usage, environment, scenario and capture errors: one line, exit 2', () => {
    for (const e of [new UsageError('bad --vary'), new EnvError('not root'), new ScenarioError('x.ts: step 1', 'x.ts'), new CaptureError('c.pcap: broken', 'c.pcap')]) {
      expect(reported(e)).to.deep.equal({ status: 2, text: `tcpcraft: ${e.message}\n` });
    }
  });

  it('a bug (TypeError, a RangeError from a DataView) is not a usage error: its stack, exit 70', () => {
    let bug: unknown;
    try {
      new DataView(new ArrayBuffer(2)).getUint32(0);
    } catch (e) {
      bug = e;
    }
    expect(bug).to.be.instanceOf(RangeError);
    for (const e of [bug, new TypeError('x is undefined'), 'a string']) {
      const r = reported(e);
      expect(r.status).to.equal(70);
      expect(r.text).to.match(/^tcpcraft: internal error/);
    }
    expect(reported(new TypeError('x is undefined')).text).to.match(/TypeError: x is undefined\n\s+at /);
  });

  it("commander's errors have printed their text: exit 0 for help, 2 otherwise", () => {
    expect(reported(new CommanderError(0, 'commander.helpDisplayed', ''))).to.deep.equal({ status: 0, text: '' });
    expect(exitStatusOf(new CommanderError(1, 'commander.invalidArgument', 'bad'))).to.equal(2);
  });
});
