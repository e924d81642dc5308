/**
 * `tcpcraft learn` on the command line, in memory (the reference and a mutant of it): the machine
 * file against its schema, the RFC labels, --compare naming the difference, --emit writing
 * scenarios that pass on the first machine's stack and fail on the second's, and bad input
 * refused with exit 2 naming what is wrong.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validatorFor } from '../support/schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function tcpcraft(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tcpcraft.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: tcpcraft learn', function () {
  this.timeout(180_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-learn-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('learns the reference: a machine file valid against schemas/machine.schema.json, states named after RFC 9293, an HTML page with the diagram', async () => {
    const json = join(dir, 'ref.json');
    const html = join(dir, 'ref.html');
    const r = tcpcraft('learn', '--json', json, '--html', html, '--dot', join(dir, 'ref.dot'));
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/reference \(server, basic alphabet of 7 inputs\): \d+ states, \d+ queries/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    const validate = await validatorFor('machine');
    expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
    expect(doc.states[0].rfc).to.equal('LISTEN');
    expect(doc.states.map((s: { rfc?: string }) => s.rfc)).to.include('CLOSE-WAIT');
    expect(readFileSync(html, 'utf8')).to.include('<svg').and.include('LISTEN');
    expect(readFileSync(join(dir, 'ref.dot'), 'utf8')).to.match(/^digraph/);
  });

  it('--compare names the shortest word where a mutant differs; --emit writes scenarios that pass on the reference and fail on the mutant', () => {
    const inputs = ['--alphabet', 'full', '--inputs', 'SYN,ACK,DATA,RST~'];
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    expect(tcpcraft('learn', ...inputs, '--json', a).code).to.equal(0);
    const m = tcpcraft('learn', ...inputs, '--mutant', 'accept-inexact-rst', '--json', b);
    expect(m.code, m.stderr).to.equal(0);
    const out = join(dir, 'emitted');
    const c = tcpcraft('learn', '--compare', a, b, '--emit', out);
    expect(c.code, c.stderr).to.equal(1);
    expect(c.stdout).to.match(/on RST~: reference .*, reference\/accept-inexact-rst /);
    const files = readdirSync(out).filter((f) => f.endsWith('.ts'));
    expect(files.length).to.be.greaterThan(0);
    const pass = tcpcraft('suite', out, '--target', 'reference');
    expect(pass.code, pass.stdout + pass.stderr).to.equal(0);
    expect(pass.stdout).to.match(new RegExp(`${files.length} passed, 0 failed`));
    const fail = tcpcraft('suite', out, '--target', 'reference', '--mutant', 'accept-inexact-rst');
    expect(fail.code, fail.stdout + fail.stderr).to.equal(1);
    expect(fail.stdout).to.match(/0 passed/);
    // Three machines or more: a table of counts.
    const t = tcpcraft('learn', '--compare', a, b, a);
    expect(t.stdout).to.match(/row against column/);
  });

  it('bad input: exit 2 and a message naming the file, the field or the option', () => {
    const bad = join(dir, 'bad.json');
    const good = JSON.parse(readFileSync(join(dir, 'ref.json'), 'utf8'));
    good.transitions[0].to = 99;
    writeFileSync(bad, JSON.stringify(good));
    let r = tcpcraft('learn', '--compare', bad, join(dir, 'ref.json'));
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('bad.json: transitions[0].to: 99 is not a state');
    r = tcpcraft('learn', '--compare', join(dir, 'missing.json'), bad);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('missing.json: cannot read it');
    r = tcpcraft('learn', '--inputs', 'SYN,BOGUS');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('"BOGUS" not in the server role');
    r = tcpcraft('learn', '--target', 'linux', '--mutant', 'accept-inexact-rst', '--lab', 'x');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('--mutant changes the reference stack');
    r = tcpcraft('learn', '--compare', join(dir, 'ref.json'));
    expect(r.code).to.equal(2);
  });
});
