/**
 * Loads a scenario file: `.ts`, `.mts`, `.cts`, `.js`, `.mjs` or `.cjs`, anywhere on disk, compiled
 * on the fly by tsx, with `import ... from 'tcpcraft'` (or `require('tcpcraft')`) resolved to this
 * copy of tcpcraft wherever the file lives.
 * Its default export is validated before anything else happens.
 */
import { ScenarioError } from '../errors.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import Module, { register } from 'node:module';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ValidScenario } from '../scenario/model.js';
import { validateScenario } from '../scenario/validate.js';
import { bundledScenario, compiledScenario } from './compile.js';
import { API_KEY, enterSandbox, prestartHelper, willDrop, type SandboxOptions } from './sandbox.js';

/** This package's entry point, in the form the running copy uses (src under tsx, dist when built). */
function ownEntry(): string {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`../index.${ext}`, import.meta.url).href;
}

// A resolve hook, registered once per process, mapping the bare specifier 'tcpcraft' to ownEntry().
const HOOK = `
let target;
export function initialize(data) { target = data.target; }
export async function resolve(specifier, context, next) {
  if (specifier === 'tcpcraft') return { url: target, shortCircuit: true };
  const r = await next(specifier, context);
  // TypeScript outside an ESM package would be compiled to CommonJS: scenarios are ES modules.
  if (/\\.(ts|mts)(\\?|$)/.test(r.url) && r.url.startsWith('file:') && r.format !== 'module') return { ...r, format: 'module' };
  return r;
}`;

let hookRegistered = false;

/** Registers the resolution of 'tcpcraft' (and ESM for .ts files) once per process. */
function registerHook(): void {
  if (hookRegistered) return;
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, { data: { target: ownEntry() } });
  // CommonJS scenarios (.cjs, .cts, and .js/.ts outside an ESM package) resolve through require():
  // 'tcpcraft' is this copy there too.
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  const entry = fileURLToPath(ownEntry());
  M._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return request === 'tcpcraft' ? entry : original.call(this, request, ...rest);
  };
  hookRegistered = true;
}

/**
 * The compiler's syntax errors in `message` (esbuild, through tsx: "Transform failed with N
 * error(s):" then `FILE:LINE:COL: ERROR: TEXT` per error) as `file:line:col: syntax error: TEXT`,
 * each with its source line and a caret; undefined when the message is not of that kind.
 */
export function syntaxErrors(file: string, abs: string, message: string): string | undefined {
  const found = [...message.matchAll(/^(.*):(\d+):(\d+): ERROR: (.*)$/gm)];
  if (found.length === 0) return undefined;
  let lines: string[] = [];
  try {
    lines = readFileSync(abs, 'utf8').split('\n');
  } catch {
    // the location alone will do
  }
  return found
    .map(([, , line, col, text]) => {
      const src = lines[Number(line) - 1];
      const where = `${file}:${line}:${Number(col) + 1}: syntax error: ${text}`;
      return src === undefined ? where : `${where}\n  ${src}\n  ${' '.repeat(Number(col))}^`;
    })
    .join('\n');
}

/** A scenario file read and compiled, none of its code run yet (see {@link prepareScenario}). */
export interface PreparedScenario {
  readonly file: string;
  readonly abs: string;
  /** The bundle (src/io/compile.ts), for a process that will drop its privileges. */
  readonly bundle?: string;
}

/**
 * Reads and compiles the scenario at `file` without running any of its code: with `bundle`, into
 * one module that needs nothing more from disk (for a process about to drop its privileges, which
 * then evaluates it with {@link evaluateScenario}). Throws a ScenarioError for a missing file or
 * a syntax error.
 */
export async function prepareScenario(file: string, o: { readonly bundle?: boolean } = {}): Promise<PreparedScenario> {
  const abs = resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new ScenarioError(`${file}: no such scenario file`, file);
  return o.bundle ? { file, abs, bundle: await bundledScenario(file, abs, API_KEY) } : { file, abs };
}

/**
 * Runs a prepared scenario's code and validates its default export: a bundle from `path`, where
 * {@link enterSandbox} put it before the drop; otherwise the file, as {@link loadScenario} does.
 */
export async function evaluateScenario(p: PreparedScenario, path?: string): Promise<ValidScenario> {
  if (p.bundle === undefined || path === undefined) return loadScenario(p.file);
  let mod: { default?: unknown };
  try {
    process.setSourceMapsEnabled(true);
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    throw new ScenarioError(`${p.file}: cannot load the scenario: ${(err as Error).message.split('\n')[0]}`, p.file);
  }
  return validateScenario(defaultExport(mod), p.file);
}

/** The default export, also of a module compiled to CommonJS ({ default: module.exports }). */
function defaultExport(mod: { default?: unknown }): unknown {
  const value = mod.default;
  if (typeof value === 'object' && value !== null && 'default' in value && !('steps' in value)) return (value as { default: unknown }).default;
  return value;
}

/** Imports and validates the scenario at `file`. Throws ScenarioError with the file name on any problem. */
export async function loadScenario(file: string): Promise<ValidScenario> {
  const abs = resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new ScenarioError(`${file}: no such scenario file`, file);
  let mod: { default?: unknown };
  try {
    // Self-contained scenarios: compiled once, cached, imported without hooks (see compile.ts).
    const compiled = await compiledScenario(file, abs, ownEntry());
    if (compiled) {
      process.setSourceMapsEnabled(true);
      mod = (await import(pathToFileURL(compiled).href)) as { default?: unknown };
    } else {
      registerHook();
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(pathToFileURL(abs).href, import.meta.url)) as { default?: unknown };
    }
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const e = err as Error;
    throw new ScenarioError(syntaxErrors(file, abs, e.message) ?? `${file}: cannot load the scenario: ${e.message.split('\n')[0]}`, file);
  }
  // A file that still compiled to CommonJS (a .cts, say) comes back as { default: module.exports }.
  return validateScenario(defaultExport(mod), file);
}

/** A scenario file loaded for a run, or why it could not be. */
export type Loaded = { readonly file: string; readonly scenario: ValidScenario } | { readonly file: string; readonly error: ScenarioError };

/**
 * Loads scenario files for commands that run their code, with the least privilege: as root, every
 * file is read and compiled first, then the process drops to the unprivileged user (see
 * src/io/sandbox.ts, which `sandbox` configures) and only then is their code run. A problem with
 * one file is that file's `error`; an environment problem (no user to drop to) is thrown.
 */
export async function loadScenarios(files: readonly string[], sandbox: SandboxOptions): Promise<Loaded[]> {
  if (!willDrop(sandbox)) {
    await enterSandbox(sandbox);
    return Promise.all(files.map((file) => loadScenario(file).then((scenario): Loaded => ({ file, scenario }), (error: unknown) => scenarioError(file, error))));
  }
  prestartHelper(sandbox);
  const prepared: Array<PreparedScenario | Loaded> = [];
  for (const file of files) prepared.push(await prepareScenario(file, { bundle: true }).catch((error: unknown) => scenarioError(file, error)));
  const names = prepared.map((p, i) => `${i}-${basename(p.file)}`);
  const modules = prepared.flatMap((p, i) => ('bundle' in p && p.bundle !== undefined ? [{ name: names[i]!, text: p.bundle }] : []));
  const paths = await enterSandbox(sandbox, modules);
  const out: Loaded[] = [];
  for (const [i, p] of prepared.entries()) {
    out.push('abs' in p ? await evaluateScenario(p, paths.get(names[i]!)).then((scenario): Loaded => ({ file: p.file, scenario }), (error: unknown) => scenarioError(p.file, error)) : p);
  }
  return out;
}

/** The one scenario of a command like `run`: loaded as {@link loadScenarios} does, its error thrown. */
export async function loadOneScenario(file: string, sandbox: SandboxOptions): Promise<ValidScenario> {
  const [r] = await loadScenarios([file], sandbox);
  if (!r || 'error' in r) throw r?.error ?? new ScenarioError(`${file}: did not load`, file);
  return r.scenario;
}

function scenarioError(file: string, error: unknown): Loaded {
  if (error instanceof ScenarioError) return { file, error };
  throw error;
}
