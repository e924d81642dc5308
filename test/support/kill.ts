/**
 * The kill matrix from the command line, for working on mutants (the CLI's `suite --mutants` is
 * the user's way): `node_modules/.bin/tsx test/support/kill.ts [NAME...]` runs the conformance
 * suite (the slow set too) against the pure reference and against each named mutant (default:
 * all), and prints, per mutant, the scenarios that kill it, those naming its requirement, and
 * those it made N/A.
 */
import { readdirSync } from 'node:fs';
import { loadScenario } from '../../src/io/load.js';
import { MUTANTS } from '../../src/reference/mutants.js';
import { killMatrix } from '../../src/suite/mutation.js';
import { SLOWEST_TIMERS } from '../../src/reference/settings.js';

const DIRS = ['scenarios/conformance', 'scenarios/conformance/slow'];
const names = process.argv.slice(2);
const unknown = names.filter((n) => !MUTANTS.some((m) => m.name === n));
if (unknown.length) {
  process.stderr.write(`no such mutant: ${unknown.join(', ')}\n`);
  process.exit(2);
}
const files = DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => `${d}/${f}`));
const entries = await Promise.all(files.map(async (file) => ({ file, name: file, scenario: await loadScenario(file) })));
// KILL_SLOW=1: with the slowest timers the RFCs allow (src/reference/settings.ts SLOWEST_TIMERS).
const m = await killMatrix(entries, names.length ? MUTANTS.filter((x) => names.includes(x.name)) : MUTANTS, undefined, process.env['KILL_SLOW'] ? SLOWEST_TIMERS : {});
const short = (f: string): string => f.replace('scenarios/conformance/', '').replace(/\.ts$/, '');
const notPassing = [...m.baseline].filter(([, v]) => v !== 'pass').map(([f, v]) => `${short(f)} (${v})`);
if (notPassing.length) process.stdout.write(`against the pure reference, not passing: ${notPassing.join(', ')}\n`);
for (const r of m.mutants) {
  const mark = r.killedByOwn.length ? 'SHOWN ' : r.killedBy.length ? 'OTHER ' : 'ALIVE ';
  process.stdout.write(`${mark} ${r.mutant.name} [${r.mutant.requirement}]: own ${r.killedByOwn.map(short).join(' ') || '-'}; all ${r.killedBy.map(short).join(' ') || '-'}${r.madeNa.length ? `; N/A ${r.madeNa.map(short).join(' ')}` : ''}\n`);
}
process.stdout.write(`${m.mutants.length} mutants in ${(m.wallMs / 1000).toFixed(1)} s\n`);
