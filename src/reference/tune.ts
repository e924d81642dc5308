/**
 * Changing the reference stack's settings from text (`--set NAME=VALUE` on the command line): the
 * name must be a setting, the value of the setting's own type (a number, true/false, a list of
 * addresses separated by commas, or `default` for an optional number left to the RFC's rule).
 */
import { UsageError } from '../errors.js';
import { DEFAULT_SETTINGS, type ReferenceSettings } from './settings.js';

/** Settings whose text value is one of a few words. */
const CHOICES: Readonly<Record<string, readonly string[]>> = { challengeAckScope: ['connection', 'host'], icmpHardErrors: ['abort', 'report'] };

/** The setting names, in declaration order. */
export const SETTING_NAMES: readonly string[] = Object.keys(DEFAULT_SETTINGS);

/** `NAME=VALUE` as one changed setting; a UsageError naming what is wrong. */
export function parseSetting(text: string): Partial<ReferenceSettings> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set takes NAME=VALUE, got '${text}' (settings: ${SETTING_NAMES.join(', ')}).`);
  const name = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1).trim();
  if (!Object.prototype.hasOwnProperty.call(DEFAULT_SETTINGS, name)) {
    throw new UsageError(`--set ${name}: no such reference setting (settings: ${SETTING_NAMES.join(', ')}).`);
  }
  const current = (DEFAULT_SETTINGS as unknown as Record<string, unknown>)[name];
  const value = valueOf(name, raw, current);
  return { [name]: value } as Partial<ReferenceSettings>;
}

function valueOf(name: string, raw: string, current: unknown): unknown {
  const number = (): number => {
    if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new UsageError(`--set ${name}=${raw}: a number is expected (default ${String(current)}).`);
    return Number(raw);
  };
  if (typeof current === 'boolean') {
    if (raw === 'true' || raw === 'on' || raw === '1') return true;
    if (raw === 'false' || raw === 'off' || raw === '0') return false;
    throw new UsageError(`--set ${name}=${raw}: true or false is expected (default ${String(current)}).`);
  }
  if (typeof current === 'number') return number();
  if (current === undefined) return raw === 'default' ? undefined : number();
  if (Array.isArray(current)) return raw === '' ? [] : raw.split(',').map((x) => x.trim());
  if (typeof current === 'string') {
    const choices = CHOICES[name];
    if (choices && !choices.includes(raw)) throw new UsageError(`--set ${name}=${raw}: one of ${choices.join(', ')} is expected (default ${current}).`);
    return raw;
  }
  throw new UsageError(`--set ${name}: this setting cannot be changed from the command line.`);
}

/** Every `NAME=VALUE` of `texts`, merged (a later one wins). */
export function parseSettings(texts: readonly string[]): Partial<ReferenceSettings> {
  return Object.assign({}, ...texts.map(parseSetting)) as Partial<ReferenceSettings>;
}
