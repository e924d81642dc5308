/**
 * Typed wildcards for expectations and references for sends. A matcher is an object tagged with
 * `$match`, never a sentinel number, so `window: any()` cannot be mistaken for a real window.
 */
import { str } from './code.js';

/** Matches any value (the same as leaving the field out, but says so explicitly). */
export interface AnyMatcher {
  readonly $match: 'any';
}
/** Matches an integer in [min, max] (relative numbers for seq and ack). */
export interface RangeMatcher {
  readonly $match: 'range';
  readonly min: number;
  readonly max: number;
}
/** Matches one of the listed values. */
export interface OneOfMatcher<T> {
  readonly $match: 'oneOf';
  readonly values: readonly T[];
}
/** Matches when `test` returns true; `label` says what it checks, for diagnostics. */
export interface WhereMatcher<T> {
  readonly $match: 'where';
  readonly label: string;
  readonly test: (value: T) => boolean;
}
/** Matches payload bytes whose text (latin1) matches a regular expression. */
export interface PatternMatcher {
  readonly $match: 'pattern';
  readonly re: RegExp;
}
/** Remembers the value under `name` (for `use(name)` in later sends); checks `inner` if given. */
export interface CaptureMatcher<T> {
  readonly $match: 'capture';
  readonly name: string;
  readonly inner?: Matcher<T>;
}

/** Any matcher over values of type T. */
export type Matcher<T> = AnyMatcher | RangeMatcher | OneOfMatcher<T> | WhereMatcher<T> | CaptureMatcher<T>;

/** An expected value: the value itself, or a matcher. */
export type Expected<T> = T | Matcher<T>;

/** A value captured earlier, used in a send: `window: use('peerWindow')`, `use('tsval', v => v + 1)`. */
export interface Ref {
  readonly $use: string;
  readonly map?: (value: number) => number;
}

/** A number in a send: literal, or captured from an earlier expectation. */
export type Value = number | Ref;

/** Matches anything. */
export function any(): AnyMatcher {
  return { $match: 'any' };
}

/** Matches an integer in [min, max]. */
export function range(min: number, max: number): RangeMatcher {
  return { $match: 'range', min, max };
}

/** Matches one of `values`. */
export function oneOf<T>(...values: T[]): OneOfMatcher<T> {
  return { $match: 'oneOf', values };
}

/** Matches when `test(value)` is true; `label` is shown in diagnostics. */
export function where<T>(label: string, test: (value: T) => boolean): WhereMatcher<T> {
  return { $match: 'where', label, test };
}

/** Matches a payload whose text matches `re`. */
export function pattern(re: RegExp): PatternMatcher {
  return { $match: 'pattern', re };
}

/** Captures the field's value as `name`, optionally also checking it against `inner`. */
export function capture<T = number>(name: string, inner?: Matcher<T>): CaptureMatcher<T> {
  return inner ? { $match: 'capture', name, inner } : { $match: 'capture', name };
}

/** The value captured as `name`, optionally transformed. */
export function use(name: string, map?: (value: number) => number): Ref {
  return map ? { $use: name, map } : { $use: name };
}

/** True for a matcher object (any kind, the payload pattern included). */
export function isMatcher(v: unknown): v is Matcher<unknown> | PatternMatcher {
  return typeof v === 'object' && v !== null && '$match' in v;
}

/** True for a `use()` reference. */
export function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && '$use' in v;
}

/** Text for an expected value: `any()`, `range(1, 5)`, `oneOf(1, 2)`, `capture('x')`, or the value. */
export function describeExpected(v: unknown, show: (x: unknown) => string = String): string {
  if (!isMatcher(v)) return show(v);
  switch (v.$match) {
    case 'any':
      return 'any()';
    case 'range':
      return `range(${v.min}, ${v.max})`;
    case 'oneOf':
      return `oneOf(${v.values.map(show).join(', ')})`;
    case 'where':
      return `where(${str(v.label)})`;
    case 'pattern':
      return `pattern(${String(v.re)})`;
    case 'capture':
      return v.inner ? `capture(${str(v.name)}, ${describeExpected(v.inner, show)})` : `capture(${str(v.name)})`;
  }
}
