/** Which files a suite runs: the scenario files named, and those directly inside the directories named. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { EnvError, UsageError } from '../errors.js';

const SCENARIO_EXT = /\.(ts|mts|cts|js|mjs|cjs)$/;

/** True for a file name a directory contributes: a script, not a declaration file, not `_helper.ts` or `.hidden.ts`. */
export function isScenarioFileName(name: string): boolean {
  return SCENARIO_EXT.test(name) && !/\.d\.[mc]?ts$/.test(name) && !name.startsWith('_') && !name.startsWith('.');
}

/**
 * The files of `paths`, in order: a file as given, a directory as its scenario files sorted by name
 * (not recursive, so helper modules and variants can live in subdirectories). Duplicates are
 * dropped. Throws an {@link EnvError} for a path that does not exist.
 */
export function discover(paths: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (f: string): void => {
    const abs = resolve(f);
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push(f);
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new EnvError(`${p}: no such file or directory.`);
    if (statSync(p).isDirectory()) {
      const names = readdirSync(p).filter((n) => isScenarioFileName(n) && statSync(join(p, n)).isFile()).sort();
      for (const n of names) add(join(p, n));
    } else {
      add(p);
    }
  }
  return out;
}

/** A display name for a file that did not load: its base name without extension. */
export function fallbackName(file: string): string {
  return basename(file).replace(SCENARIO_EXT, '');
}

/** One shard of a run split over `count` machines: `index` counts from 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * The files of shard `s`: every count-th file of the sorted list, starting at the index-th, so
 * shards are disjoint, cover every file, and differ in size by at most one.
 */
export function shardOf<T>(files: readonly T[], s: Shard | undefined): T[] {
  if (!s) return [...files];
  return files.filter((_, i) => i % s.count === s.index - 1);
}

/** `i/n` with 1 <= i <= n <= 1000, or a UsageError saying what is wrong. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > 1000 || index < 1 || index > count) throw new UsageError(`--shard takes i/n with 1 <= i <= n (e.g. 2/4), got '${text}'.`);
  return { index, count };
}
