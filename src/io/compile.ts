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
import { basename, dirname, extname, join } from 'node:path';
import { VERSION } from '../version.js';
import { messageOf, ScenarioError } from '../errors.js';

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

/**
 * The scenario at `abs` (given as `file`) and every module of its own that it imports, bundled by
 * esbuild into one ES module whose `'tcpcraft'` (imported or required) is the scenario language
 * found under `globalThis[Symbol.for(apiKey)]`: what a process that has dropped its privileges
 * imports, with nothing more to read from disk. Stack frames point at the original files through
 * the inline source map. Throws a ScenarioError for a syntax error or a missing module.
 */
export async function bundledScenario(file: string, abs: string, apiKey: string): Promise<string> {
  const dir = cacheDir();
  const source = readFileSync(abs);
  const key = createHash('sha256').update(`bundle\0${VERSION}\0${apiKey}\0${abs}\0`).update(source).digest('hex').slice(0, 40);
  const cached = dir ? cachedBundle(join(dir, `${key}.bundle.json`)) : undefined;
  if (cached !== undefined) return cached;
  const { build } = await import('esbuild');
  try {
    const r = await build({
      metafile: true,
      // The source as stdin, not as an entry point: esbuild would read '*' in a path as a glob.
      stdin: { contents: source.toString('utf8'), sourcefile: basename(abs), resolveDir: dirname(abs), loader: loaderOf(abs) },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // Sources as absolute file URLs wherever the bundle is put.
      absWorkingDir: '/',
      outfile: '/scenario.mjs',
      sourcemap: 'inline',
      sourceRoot: 'file:///',
      logLevel: 'silent',
      // CommonJS code in the bundle may require Node's built-in modules.
      banner: { js: "import { createRequire as __tcpcraftCreateRequire } from 'node:module'; const require = __tcpcraftCreateRequire(import.meta.url);" },
      plugins: [
        {
          name: 'tcpcraft-api',
          setup(b) {
            b.onResolve({ filter: /^tcpcraft$/ }, () => ({ path: 'tcpcraft', namespace: 'tcpcraft-api' }));
            // esbuild reads as root what it bundles: modules only (.ts, .js and the like), never
            // another file's text, JSON or bytes (a loader or an import attribute would inline any
            // file into the bundle the unprivileged scenario then reads).
            b.onLoad({ filter: /.*/, namespace: 'file' }, (args) => {
              if (!/\.(ts|mts|cts|js|mjs|cjs)$/.test(args.path) || Object.keys(args.with).length > 0) {
                return { errors: [{ text: `a scenario may import only modules (.ts, .js and the like, without import attributes), not ${args.path}` }] };
              }
              return undefined;
            });
            b.onLoad({ filter: /.*/, namespace: 'tcpcraft-api' }, () => ({ contents: `module.exports = globalThis[Symbol.for(${JSON.stringify(apiKey)})];`, loader: 'js' }));
          },
        },
      ],
    });
    const out = r.outputFiles[0];
    if (!out) throw new Error('esbuild produced no output');
    if (dir) storeBundle(join(dir, `${key}.bundle.json`), out.text, Object.keys(r.metafile?.inputs ?? {}).filter((p) => !p.includes(':')).map((p) => `/${p}`));
    return out.text;
  } catch (err) {
    const first = (err as { errors?: Array<{ text?: string; pluginName?: string; location?: { file: string; line: number; column: number; lineText: string } | null }> }).errors?.[0];
    if (first?.location && !/^Could not resolve/.test(first.text ?? '')) {
      const { line, column, lineText } = first.location;
      const where = `/${first.location.file}` === abs ? file : `/${first.location.file}`;
      // A plugin's refusal is not a syntax error.
      const what = first.pluginName ? '' : 'syntax error: ';
      throw new ScenarioError(`${where}:${line}:${column + 1}: ${what}${first.text ?? ''}\n  ${lineText}\n  ${' '.repeat(column)}^`, file);
    }
    throw new ScenarioError(`${file}: cannot load the scenario: ${first?.text ?? messageOf(err)}`, file);
  }
}

/** esbuild's loader for a scenario file, by its extension. */
function loaderOf(abs: string): 'ts' | 'js' {
  return /\.[cm]?ts$/.test(abs) ? 'ts' : 'js';
}

const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A cached bundle whose every input file is still as it was, else undefined. */
function cachedBundle(path: string): string | undefined {
  try {
    const entry = JSON.parse(readFileSync(path, 'utf8')) as { inputs: Array<[string, string]>; code: string };
    return entry.inputs.every(([p, sha]) => digest(p) === sha) ? entry.code : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a bundle with the digests of its input files (atomically; a failure only costs speed). */
function storeBundle(path: string, code: string, inputs: readonly string[]): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ inputs: inputs.map((p) => [p, digest(p)]), code }), { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    // no cache this time
  }
}
