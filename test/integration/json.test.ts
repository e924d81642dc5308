/**
 * `--json -`: the JSON report alone on stdout (every human line on stderr), meeting its schema, for
 * a run that passes, one whose answer differs and one whose answer never comes; the same for a
 * suite; `--tap` and `--json -` together is a usage error. Lab runs only.
 */
import { expect } from 'chai';
import { ROOT, outputOf, tcpcraftIn, useLab } from '../support/live.js';
import { assertValid, validatorFor } from '../support/schema.js';

const NETCAT = `${ROOT}scenarios/netcat-5000.ts`;
const DAYTIME = `${ROOT}scenarios/daytime-13.ts`;
const WRONG = `${ROOT}test/integration/scenarios/wrong-ack.ts`;

describe('--json -: machine-readable reports on stdout @live', function () {
  this.timeout(120_000);
  const lab = useLab('json');

  async function runJson(args: string[], code: number): Promise<{ verdict: string; failure: { kind: string } | null; tool: { version: string } }> {
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', ...args, '--json', '-']);
    expect(r.code, outputOf(r)).to.equal(code);
    const doc = JSON.parse(r.stdout.toString()) as { verdict: string; failure: { kind: string } | null; tool: { version: string } };
    assertValid(validatorFor('run'), doc);
    // The people's part went to stderr.
    expect(r.stderr).to.match(/^#  step  time/m);
    return doc;
  }

  it('run: pass, mismatch and timeout reports alone on stdout, each meeting run.schema.json', async () => {
    expect(await runJson([NETCAT], 0)).to.deep.include({ verdict: 'pass', failure: null });
    expect((await runJson([WRONG], 1)).failure?.kind).to.equal('mismatch');
    // The discard service never sends the date.
    expect((await runJson([DAYTIME, '--dport', '9', '--timeout', '400'], 1)).failure?.kind).to.equal('timeout');
  });

  it('the bare flag means stdout too', async () => {
    const r = await tcpcraftIn(lab.cfg, 'client', ['run', WRONG, '--json']);
    expect(r.code).to.equal(1);
    expect((JSON.parse(r.stdout.toString()) as { verdict: string }).verdict).to.equal('fail');
  });

  it('suite: the JSON document alone on stdout; --tap with --json - is a usage error', async () => {
    const r = await tcpcraftIn(lab.cfg, 'client', ['suite', NETCAT, WRONG, '--json', '-']);
    expect(r.code, outputOf(r)).to.equal(1);
    const doc = JSON.parse(r.stdout.toString()) as { totals: unknown };
    assertValid(validatorFor('suite'), doc);
    expect(doc.totals).to.deep.equal({ total: 2, passed: 1, failed: 1, expectedFailures: 0, notApplicable: 0, interrupted: 0 });
    expect(r.stderr).to.match(/^1 passed, 1 failed, 0 expected failures$/m);
    const both = await tcpcraftIn(lab.cfg, 'client', ['suite', NETCAT, '--tap', '--json', '-']);
    expect(both.code).to.equal(2);
    expect(both.stderr).to.match(/--tap and --json - both want stdout/);
  });
});
