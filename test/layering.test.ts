/**
 * The shape of src/: no import cycle between files or folders (the shared checker,
 * /work/shared/tools/import-cycles.mjs, when it is there), and no folder importing one on a
 * higher floor. Type-only imports and dynamic import() count like the others.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
const CYCLES_TOOL = '/work/shared/tools/import-cycles.mjs';

/**
 * Floors, low to high: a folder (or a top-level file) may import from its own floor or lower ones.
 * flood (wire only) and exercise (engine's report) sit with the engine; capture reads reports
 * (ladder, trace), so it sits just above them; reference (the RFC reference stack, a memory peer
 * with no I/O) sits just above the engine; index.ts, the public API, is the top.
 */
const FLOOR: Readonly<Record<string, number>> = {
  'errors.ts': 0,
  'version.ts': 0,
  lab: 0,
  learn: 0,
  wire: 1,
  scenario: 2,
  engine: 3,
  flood: 3,
  exercise: 3,
  reference: 4,
  session: 5,
  io: 6,
  suite: 7,
  report: 8,
  capture: 9,
  cli: 10,
  'index.ts': 11,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.ts$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
  });
}

/** The relative imports (static, re-exports, type-only and dynamic) of every file under `src`, as resolved files. */
export function importsOf(src: string): Array<{ from: string; to: string }> {
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;
  const out: Array<{ from: string; to: string }> = [];
  for (const file of sourceFiles(src)) {
    for (const m of readFileSync(file, 'utf8').matchAll(re)) {
      const base = resolve(dirname(file), (m[1] ?? m[2])!).replace(/\.js$/, '');
      const to = [`${base}.ts`, join(base, 'index.ts')].find((c) => existsSync(c));
      if (to) out.push({ from: relative(src, file), to: relative(src, to) });
    }
  }
  return out;
}

/** The folder under `src` a file belongs to (a top-level file is its own). */
const top = (file: string): string => file.split('/')[0]!;

/** Every import from a lower floor to a higher one, and every folder the table does not place. */
export function upwardImports(src: string): string[] {
  const problems = new Set<string>();
  for (const { from, to } of importsOf(src)) {
    const a = top(from);
    const b = top(to);
    for (const f of [a, b]) if (FLOOR[f] === undefined) problems.add(`${f} has no floor in test/layering.test.ts`);
    if (a !== b && FLOOR[a] !== undefined && FLOOR[b] !== undefined && FLOOR[a]! < FLOOR[b]!) problems.add(`${from} (${a}, floor ${FLOOR[a]}) imports ${to} (${b}, floor ${FLOOR[b]})`);
  }
  return [...problems].sort();
}

/** Groups of nodes that reach each other (cycles), each sorted, from a list of edges. */
export function cyclesOf(edges: ReadonlyArray<readonly [string, string]>): string[][] {
  const next = new Map<string, Set<string>>();
  for (const [a, b] of edges) if (a !== b) (next.get(a) ?? next.set(a, new Set()).get(a)!).add(b);
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length) for (const n of next.get(todo.pop()!) ?? []) if (!seen.has(n)) todo.push(n), seen.add(n);
    return seen;
  };
  const reached = new Map([...next.keys()].map((n) => [n, reach(n)] as const));
  const groups = new Map<string, string[]>();
  for (const [n, r] of reached) {
    if (!r.has(n)) continue;
    const group = [...r].filter((m) => reached.get(m)?.has(n)).sort();
    groups.set(group.join(' '), group);
  }
  return [...groups.values()];
}

describe('src layering', () => {
  it('no file or folder import cycle in src/ (own check)', () => {
    const edges = importsOf(SRC);
    expect(cyclesOf(edges.map((e) => [e.from, e.to])), 'file cycles').to.deep.equal([]);
    expect(cyclesOf(edges.map((e) => [top(e.from), top(e.to)])), 'folder cycles').to.deep.equal([]);
  });


  it('no file or folder import cycle in src/ (the shared checker, when present)', function () {
    if (!existsSync(CYCLES_TOOL)) this.skip();
    const r = spawnSync(process.execPath, [CYCLES_TOOL, 'src'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.split('\n').filter((l) => /cycle:/.test(l)), r.stdout).to.deep.equal([]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
  });

  it('no folder imports one on a higher floor', () => {
    expect(upwardImports(SRC)).to.deep.equal([]);
  });

  it('sees the imports it checks (a file with none would make the check vacuous)', () => {
    const edges = importsOf(SRC);
    expect(edges).to.deep.include({ from: 'cli/main.ts', to: 'cli/failure.ts' });
    // type-only imports count
    expect(edges).to.deep.include({ from: 'report/html.ts', to: 'report/suite.ts' });
    // dynamic import() counts
    expect(edges).to.deep.include({ from: 'cli/capture.ts', to: 'cli/run.ts' });
  });
});
