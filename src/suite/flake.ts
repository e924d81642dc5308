/**
 * `make flake`: compares the verdicts of several runs of the same suite (their `--json` reports) and
 * lists every scenario whose verdict changed from one run to another.
 */
import { readFileSync } from 'node:fs';

/** The part of a `--json` result this needs. */
export interface VerdictRecord {
  readonly file: string;
  readonly name: string;
  readonly verdict: string;
}

/** A scenario whose verdict was not the same in every run. */
export interface Flake {
  readonly file: string;
  readonly name: string;
  /** Verdict of each run, in run order ('missing' when a run has no result for it). */
  readonly verdicts: readonly string[];
}

/** The scenarios whose verdict differs between `runs` (each run: its results). */
export function findFlakes(runs: ReadonlyArray<readonly VerdictRecord[]>): Flake[] {
  const files = new Map<string, string>();
  for (const run of runs) for (const r of run) if (!files.has(r.file)) files.set(r.file, r.name);
  const flakes: Flake[] = [];
  for (const [file, name] of files) {
    const verdicts = runs.map((run) => run.find((r) => r.file === file)?.verdict ?? 'missing');
    if (new Set(verdicts).size > 1) flakes.push({ file, name, verdicts });
  }
  return flakes;
}

/** `name (file): pass x18, fail x2 (runs 4, 11 differ)`. */
export function formatFlake(f: Flake): string {
  const counts = new Map<string, number>();
  for (const v of f.verdicts) counts.set(v, (counts.get(v) ?? 0) + 1);
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const odd = f.verdicts.flatMap((v, i) => (v === common ? [] : [i + 1]));
  return `${f.name} (${f.file}): ${[...counts.entries()].map(([v, n]) => `${v} x${n}`).join(', ')} (run${odd.length === 1 ? '' : 's'} ${odd.join(', ')} differ)`;
}

/**
 * Reads the JSON reports `files` (one per run; an unreadable one counts as a run with no result),
 * prints the verdict changes, and returns the exit status: 0 when no verdict changed, 1 otherwise.
 */
export function flakeMain(files: readonly string[], out: (s: string) => void = (s) => void process.stdout.write(s)): number {
  const runs = files.map((f) => {
    try {
      return (JSON.parse(readFileSync(f, 'utf8')) as { results: VerdictRecord[] }).results;
    } catch {
      out(`${f}: no readable report (the run crashed or was stopped)\n`);
      return [];
    }
  });
  const flakes = findFlakes(runs);
  const failing = runs[0]?.filter((r) => r.verdict !== 'pass' && r.verdict !== 'xfail' && !flakes.some((f) => f.file === r.file)) ?? [];
  if (failing.length) out(`failing in every run (not flaky, but failing): ${failing.map((r) => r.name).join(', ')}\n`);
  if (flakes.length === 0) {
    out(`no verdict changed over ${runs.length} runs of ${new Set(runs.flat().map((r) => r.file)).size} scenarios\n`);
    return 0;
  }
  out(`${flakes.length} scenario${flakes.length === 1 ? '' : 's'} changed verdict over ${runs.length} runs:\n`);
  for (const f of flakes) out(`  ${formatFlake(f)}\n`);
  return 1;
}
