/**
 * The puppet application on the host's Linux (the default lab target): a scenario's app() steps
 * open, write, read, half-close and close on the target, and connect from it, with every segment
 * and call checked (test/io/targets.test.ts does the same on every other target). Needs root.
 */
import { puppetRoundTrip } from '../support/puppet.js';
import { useLab } from '../support/live.js';

describe('the puppet on the linux target @live', function () {
  this.timeout(60_000);
  const lab = useLab('puppet');

  it('drives the application: open, write, read, half-close, close, and connect', async () => {
    await puppetRoundTrip(lab.cfg, lab.tmp);
  });
});
