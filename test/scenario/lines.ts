/** Finds the line of a source file that carries a marker comment, e.g. `@bad-flag` in a block comment. */
import { readFileSync } from 'node:fs';

/** 1-based line number of the only line of `file` with the block comment holding `marker`. */
export function lineOf(file: string, marker: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const tag = `/* ${marker} */`;
  const hits = lines.flatMap((l, i) => (l.includes(tag) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`marker ${marker} found ${hits.length} times in ${file}`);
  return hits[0]!;
}
