/**
 * Loads a scenario file: a `.ts` (or `.js`/`.mts`) file anywhere on disk, compiled on the fly by
 * tsx, with `import ... from 'tcpcraft'` resolved to this copy of tcpcraft wherever the file lives.
 * Its default export is validated before anything else happens.
 */
import { existsSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioError } from '../scenario/errors.js';
import type { ValidScenario } from '../scenario/model.js';
import { validateScenario } from '../scenario/validate.js';

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
  hookRegistered = true;
}

/** Imports and validates the scenario at `file`. Throws ScenarioError with the file name on any problem. */
export async function loadScenario(file: string): Promise<ValidScenario> {
  const abs = resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new ScenarioError(`${file}: no such scenario file`, file);
  registerHook();
  let mod: { default?: unknown };
  try {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(pathToFileURL(abs).href, import.meta.url)) as { default?: unknown };
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const e = err as Error;
    throw new ScenarioError(`${file}: cannot load the scenario: ${e.message.split('\n')[0]}`, file);
  }
  // A file that still compiled to CommonJS (a .cts, say) comes back as { default: module.exports }.
  let value = mod.default;
  if (typeof value === 'object' && value !== null && 'default' in value && !('steps' in value)) value = (value as { default: unknown }).default;
  return validateScenario(value, file);
}
