/**
 * Learning a real stack from the wire (issue 27): the host's Linux in a lab of the test's own,
 * over a small alphabet so that it takes seconds. The machine must show what RFC 9293 requires in
 * LISTEN and ESTABLISHED; its differences from the reference, written as scenarios, must replay on
 * Linux with the verdict claimed (they pass there: they replay what Linux did).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromDoc } from '../../src/learn/machinefile.js';
import { run } from '../../src/learn/mealy.js';
import { outputOf, runBounded, ROOT, tcpcraftIn, useLab } from '../support/live.js';

describe('learn: the host Linux in a lab, a small alphabet @live', function () {
  this.timeout(240_000);
  const lab = useLab('learn');
  const INPUTS = 'SYN,ACK,FIN,RST';

  it('LISTEN and ESTABLISHED as RFC 9293 has them; the differences from the reference replay on Linux', async () => {
    const linux = join(lab.tmp, 'linux.json');
    const r = await tcpcraftIn(lab.cfg, 'client', ['learn', '--target', 'linux', '--lab', lab.cfg.name, '--inputs', INPUTS, '--walks', '100', '--json', linux], 180_000);
    expect(r.code, outputOf(r)).to.equal(0);
    const { doc, machine } = fromDoc(readFileSync(linux, 'utf8'), linux);
    expect(doc.target).to.equal('linux');
    expect(doc.learning!.waitMs).to.be.within(30, 1500);
    // LISTEN: SYN → SYN/ACK; ACK → RST with the ACK's ack as its seq; RST → nothing (§3.10.7.2).
    const last = (w: string[]): string => run(machine, w).at(-1)!;
    expect(last(['SYN'])).to.equal('SA(isn,next)');
    expect(last(['ACK'])).to.equal('R(next,0)');
    expect(last(['RST'])).to.equal('-');
    // ESTABLISHED: a FIN is acknowledged; an exact RST resets (and a later ACK meets LISTEN's RST).
    expect(last(['SYN', 'ACK', 'FIN'])).to.equal('A(next,next)');
    expect(last(['SYN', 'ACK', 'RST', 'ACK'])).to.equal('R(next,0)');
    expect(doc.states[0]!.rfc).to.equal('LISTEN');

    // The reference over the same inputs, and the differences written as scenarios replaying Linux.
    const ref = join(lab.tmp, 'ref.json');
    const rr = await runBounded([process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'learn', '--inputs', INPUTS, '--json', ref], 60_000);
    expect(rr.code, outputOf(rr)).to.equal(0);
    const out = join(lab.tmp, 'emitted');
    const c = await tcpcraftIn(lab.cfg, 'client', ['learn', '--compare', linux, ref, '--emit', out, '--lab', lab.cfg.name], 120_000);
    expect(c.code, outputOf(c)).to.be.oneOf([0, 1]);
    const files = c.code === 0 ? [] : readdirSync(out).filter((f) => f.endsWith('.ts'));
    if (files.length === 0) return; // the same machine: nothing to replay
    const s = await tcpcraftIn(lab.cfg, 'client', ['suite', out, '--lab', lab.cfg.name], 120_000);
    expect(s.code, outputOf(s)).to.equal(0);
    expect(s.stdout.toString()).to.match(new RegExp(`${files.length} passed, 0 failed`));
  });
});
