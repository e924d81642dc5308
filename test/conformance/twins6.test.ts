/**
 * The conformance scenarios and their mutated twins over IPv6 (`run --family 6` in a dual-stack
 * lab against Linux): every original that applies passes (or is an expected failure), those
 * about IPv4 only are not applicable (exit 2, saying so), and every twin of a passing original
 * fails at its mutated step. Part of `make flake` (about two minutes), not `make test`.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finished } from '../io/helpers/proc.js';
import { outputOf, tcpcraftIn, testLab } from '../support/live.js';
import { DIR, TWINS, twinSource } from './twins-table.js';

const JOBS = 6;

describe('conformance scenarios and their twins over IPv6 @live @flake', function () {
  this.timeout(600_000);
  const lab = testLab();
  let tmp: string;
  const originals = new Map<string, Finished>();
  const twins = new Map<string, Finished>();

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-twins6-'));
    for (const t of TWINS) writeFileSync(join(tmp, t.file), twinSource(t));
    await lab.up();
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts')).sort();
    const runs = [...files.map((f) => ({ original: true, f, path: join(DIR, f) })), ...TWINS.map((t) => ({ original: false, f: t.file, path: join(tmp, t.file) }))];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let k = next++; k < runs.length; k = next++) {
        const r = runs[k]!;
        const res = await tcpcraftIn(lab.cfg, 'client', ['run', r.path, '--family', '6', '--no-ladder', '--target', 'linux', '--lab', lab.cfg.name], 60_000);
        (r.original ? originals : twins).set(r.f, res);
      }
    };
    await Promise.all(Array.from({ length: JOBS }, worker));
  });
  after(async () => {
    await lab.down();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('every original passes over IPv6, or is an IPv4 matter and says it is not applicable', () => {
    const wrong = [...originals].filter(([, r]) => !(r.code === 0 || (r.code === 2 && /not applicable here: requires IPv4/.test(r.stderr)))).map(([f, r]) => `${f}: ${outputOf(r)}`);
    expect(wrong, wrong.join('\n\n')).to.deep.equal([]);
  });

  it('every twin of an original that passed over IPv6 fails at its mutated step', () => {
    const wrong: string[] = [];
    for (const t of TWINS) {
      const o = originals.get(t.file);
      if (o?.code !== 0 || o.stdout.toString().includes('XFAIL:')) continue;
      const r = twins.get(t.file)!;
      if (r.code !== 1 || !new RegExp(`: step ${t.step} \\(`).test(r.stdout.toString())) wrong.push(`${t.file}: twin ${outputOf(r)}`);
    }
    expect(wrong, wrong.join('\n\n')).to.deep.equal([]);
  });
});
