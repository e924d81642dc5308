/**
 * The fast way in for a scenario: compiled once by esbuild into an ES module in a cache directory
 * and imported from there, with no module hooks (hooks slow every later import of the process).
 *
 * Only self-contained scenarios take this way: ES module syntax, importing nothing but 'tcpcraft'
 * and Node's built-in modules, not using import.meta, require() or dynamic import(). Anything else
 * (helpers of its own, CommonJS, .cts/.cjs) goes through tsx as before. Stack frames, which give
 * every step its file:line, point at the original file through the inline source map.
 *
 * The cache key is the file's path and text, tcpcraft's version and entry point; entries are
 * written atomically. Where: $TCPCRAFT_CACHE, else $XDG_CACHE_HOME/tcpcraft, else
 * ~/.cache/tcpcraft, else the system's temporary directory; TCPCRAFT_CACHE=off turns it off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { VERSION } from '../version.js';
import { ScenarioError } from '../scenario/errors.js';

/** The cache directory, or undefined when caching is off. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.TCPCRAFT_CACHE;
  if (set === 'off' || set === '0') return undefined;
  if (set) return set;
  const base = env.XDG_CACHE_HOME || (homedir() ? join(homedir(), '.cache') : join(tmpdir(), `tcpcraft-${process.getuid?.() ?? 'user'}`));
  return join(base, 'tcpcraft', 'scenarios');
}

/** The module specifiers `code` (esbuild output) imports, and whether it does anything else that needs tsx. */
export function importsOf(code: string): { readonly specifiers: string[]; readonly dynamic: boolean } {
  const specifiers = [...code.matchAll(/(?:^|[\s;}])(?:import|export)\b[^"'`;]*?\bfrom\s*"([^"]+)"|(?:^|[\s;])import\s*"([^"]+)"/gm)].map((m) => (m[1] ?? m[2])!);
  const dynamic = /\bimport\s*\(|\bimport\.meta\b|\brequire\s*\(|\bmodule\.exports\b|\bexports\.\w/.test(code);
  return { specifiers, dynamic };
}

/** esbuild's first error as `file:line:col: syntax error: TEXT` with the line and a caret. */
function syntaxError(file: string, err: unknown): ScenarioError | undefined {
  const first = (err as { errors?: Array<{ text?: string; location?: { line: number; column: number; lineText: string } | null }> }).errors?.[0];
  if (!first?.location) return undefined;
  const { line, column, lineText } = first.location;
  return new ScenarioError(`${file}:${line}:${column + 1}: syntax error: ${first.text ?? ''}\n  ${lineText}\n  ${' '.repeat(column)}^`, file);
}

/**
 * The path of the compiled module of the scenario at `abs` (given as `file`), importing
 * tcpcraft from `entryUrl`; undefined when it must go through tsx instead. Throws a
 * ScenarioError for a syntax error.
 */
export async function compiledScenario(file: string, abs: string, entryUrl: string): Promise<string | undefined> {
  const ext = extname(abs);
  if (!['.ts', '.mts', '.js', '.mjs'].includes(ext)) return undefined;
  const dir = cacheDir();
  if (!dir) return undefined;
  const source = readFileSync(abs, 'utf8');
  const key = createHash('sha256').update(`${VERSION}\0${entryUrl}\0${abs}\0${source}`).digest('hex').slice(0, 40);
  const out = join(dir, `${key}.mjs`);
  if (existsSync(out)) return out;
  const { transform } = await import('esbuild');
  let code: string;
  try {
    code = (await transform(source, { loader: ext.endsWith('ts') ? 'ts' : 'js', format: 'esm', sourcemap: 'inline', sourcefile: abs, target: 'node20', logLevel: 'silent' })).code;
  } catch (err) {
    throw syntaxError(file, err) ?? err;
  }
  const { specifiers, dynamic } = importsOf(code);
  if (dynamic || specifiers.some((s) => s !== 'tcpcraft' && !isBuiltin(s))) return undefined;
  const linked = code.replace(/(\bfrom\s*|(?:^|[\s;])import\s*)"tcpcraft"/gm, (_m, lead: string) => `${lead}${JSON.stringify(entryUrl)}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, linked, { mode: 0o600 });
    renameSync(tmp, out);
  } catch {
    return undefined;
  }
  return out;
}
