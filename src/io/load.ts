/**
 * Loads a scenario file: `.ts`, `.mts`, `.cts`, `.js`, `.mjs` or `.cjs`, anywhere on disk, compiled
 * on the fly by tsx, with `import ... from 'tcpcraft'` (or `require('tcpcraft')`) resolved to this
 * copy of tcpcraft wherever the file lives.
 * Its default export is validated before anything else happens.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import Module, { register } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ScenarioError } from '../scenario/errors.js';
import type { ValidScenario } from '../scenario/model.js';
import { validateScenario } from '../scenario/validate.js';
import { compiledScenario } from './compile.js';

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
  let value = mod.default;
  if (typeof value === 'object' && value !== null && 'default' in value && !('steps' in value)) value = (value as { default: unknown }).default;
  return validateScenario(value, file);
}
