/**
 * The code writer: the one way generated scenario source is put together (`tcpcraft import`,
 * `tcpcraft init`, and any later generator). Pure; imports nothing.
 *
 * Everything a generator did not write itself (file names, payloads, names, descriptions,
 * addresses) is untrusted. It may enter generated source in two forms only:
 *
 * - as a string literal made by {@link str} (JSON.stringify, plus escapes for U+2028/U+2029,
 *   lone surrogates, DEL and C1 controls and the bidirectional-text controls), or
 * - inside a comment made by {@link lineComment} or {@link blockComment}, which replace anything
 *   that could end the comment or the line (`*\/`, every JavaScript line terminator, NUL and the
 *   other control characters, `<!--` and `-->`) with a visible escape.
 *
 * Generated pieces have the type {@link Code}, which only this module's writers make; the
 * {@link code} template tag accepts Code and finite numbers between its literal parts, so a plain
 * string cannot be spliced into source by accident. {@link source} joins the lines of a file and
 * checks the result once more.
 */

declare const codeBrand: unique symbol;

/** A piece of generated source, made by this module's writers only. */
export type Code = string & { readonly [codeBrand]: true };

const made = (s: string): Code => s as Code;

/** `\uXXXX` for one UTF-16 code unit. */
const unitEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Characters that are legal in a string literal but that we still write as escapes: the line and
 * paragraph separators (legal in literals since ES2019, line terminators everywhere else), DEL and
 * the C1 controls, and the invisible characters that reorder or hide text (Trojan Source).
 */
const STRING_ESCAPED = /[\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * A string literal holding `text` exactly, in double quotes (JSON's) or single quotes. Whatever
 * `text` holds, the literal is one line of printable characters and well-formed UTF-16.
 */
export function str(text: string, quote: '"' | "'" = '"'): Code {
  if (typeof text !== 'string') throw new TypeError(`str() takes a string, got ${typeof text}`);
  const json = JSON.stringify(text).replace(LONE_SURROGATE, unitEscape).replace(STRING_ESCAPED, unitEscape);
  if (quote === '"') return made(json);
  // From JSON's double quotes to single: every escape pair stays as it is except \" (a plain "
  // inside single quotes); a bare ' gets a backslash.
  const inner = json.slice(1, -1).replace(/\\[\s\S]|'/g, (m) => (m === '\\"' ? '"' : m === "'" ? "\\'" : m));
  return made(`'${inner}'`);
}

/** What replaces each control character in a comment. */
const CONTROL_NAMES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` made safe to stand inside a block comment or a line comment: one line, nothing that ends
 * either kind of comment, no invisible characters. What is replaced shows as an escape (`\n`,
 * `\x00`, `\u2028`, `*\/`), so the comment still says what the text was.
 */
export function commentText(text: string): string {
  const out = String(text)
    .replace(LONE_SURROGATE, unitEscape)
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => CONTROL_NAMES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, unitEscape)
    // Each of these puts a backslash between two characters of the sequence; none of the
    // sequences has a backslash, so no replacement can make a new one.
    .replace(/\*\//g, '*\\/')
    .replace(/<!--/g, '<\\!--')
    .replace(/-->/g, '--\\>');
  if (!commentSafe(out)) throw new Error('commentText: text still unsafe after escaping (a bug in the code writer)');
  return out;
}

/** True when `text` can stand inside a comment as it is (what {@link commentText} guarantees). */
function commentSafe(text: string): boolean {
  return !/\*\/|<!--|-->|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/.test(text) && !new RegExp(LONE_SURROGATE.source).test(text);
}

/** A `// ...` comment saying `text` (on the current line: nothing in `text` can end it early). */
export function lineComment(text: string): Code {
  return made(`// ${commentText(text)}`);
}

/** Indentation: spaces only (it is written into the source as it is). */
function indentOf(indent: string): string {
  if (!/^ *$/.test(indent)) throw new TypeError(`indentation must be spaces, got ${JSON.stringify(indent)}`);
  return indent;
}

/**
 * A `/** ... *\/` comment, one ` * ` line per entry of `lines` (each made safe by
 * {@link commentText}: an entry never becomes two lines), indented by `indent` spaces; a single
 * entry makes a one-line comment, `/** text *\/`.
 */
export function blockComment(lines: readonly string[], indent = ''): Code {
  const pad = indentOf(indent);
  if (lines.length === 1) return made(`${pad}/** ${commentText(lines[0]!)} */`);
  const body = lines.map((l) => {
    const t = commentText(l);
    return t ? `${pad} * ${t}` : `${pad} *`;
  });
  return made([`${pad}/**`, ...body, `${pad} */`].join('\n'));
}

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null ' +
    'return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await ' +
    'arguments eval undefined NaN Infinity'
  ).split(' '),
);

/** True when `name` can be written bare as an identifier (ASCII letters, digits, _ and $; not a reserved word). */
export function isSafeIdentifier(name: string): boolean {
  return typeof name === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !RESERVED.has(name);
}

/** `name` as an identifier (a binding, a function to call). Throws unless it is a safe one: there is no quoting an identifier. */
export function ident(name: string): Code {
  if (!isSafeIdentifier(name)) throw new TypeError(`not a safe identifier: ${JSON.stringify(name)}`);
  return made(name);
}

/** `name` as a property name in an object literal: bare when it is a safe identifier, else a string literal. */
export function prop(name: string): Code {
  return typeof name === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? made(name) : str(name);
}

/** A number literal. Only finite numbers: NaN and ±Infinity would not round-trip (and are never what a generator means). */
export function num(n: number): Code {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`not a finite number: ${String(n)}`);
  return made(Object.is(n, -0) ? '0' : String(n));
}

/** A bigint literal, `123n`. */
export function bigint(n: bigint): Code {
  if (typeof n !== 'bigint') throw new TypeError(`not a bigint: ${String(n)}`);
  return made(`${n}n`);
}

/** `true` or `false`. */
export const bool = (b: boolean): Code => made(b ? 'true' : 'false');

/** Bytes as an array literal of numbers, `[1, 2, 3]` (what the option helpers take). */
export function byteList(bytes: Uint8Array | readonly number[]): Code {
  const list = Array.from(bytes, (b) => {
    if (!Number.isInteger(b) || b < 0 || b > 255) throw new RangeError(`not a byte: ${String(b)}`);
    return String(b);
  });
  return made(`[${list.join(', ')}]`);
}

/** Bytes as `new Uint8Array([1, 2, 3])`. */
export const uint8Array = (bytes: Uint8Array | readonly number[]): Code => made(`new Uint8Array(${byteList(bytes)})`);

/** Bytes as a string literal of hex digits, `'0a0b'`. */
export const hexString = (bytes: Uint8Array, quote: '"' | "'" = '"'): Code => str(Buffer.from(bytes).toString('hex'), quote);

/** The separators {@link join} puts between pieces. */
export type Separator = ', ' | ' ' | '' | '\n' | ',\n';

/** Pieces of code one after another, with `sep` between. */
export function join(parts: readonly Code[], sep: Separator = ', '): Code {
  return made(parts.join(sep));
}

/** `[a, b, c]`. */
export const array = (items: readonly Code[]): Code => made(`[${items.join(', ')}]`);

/**
 * `{ a: 1, "b c": 2 }` (or `{}`), each key written by {@link prop}; `__proto__` as a computed key,
 * so that it makes an own property rather than setting the object's prototype.
 */
export function object(fields: ReadonlyArray<readonly [string, Code]>): Code {
  const key = (k: string): string => (k === '__proto__' ? `[${str(k)}]` : prop(k));
  return made(fields.length ? `{ ${fields.map(([k, v]) => `${key(k)}: ${v}`).join(', ')} }` : '{}');
}

/** `fn(a, b)`, `fn` a safe identifier. */
export const call = (fn: string, args: readonly Code[] = []): Code => made(`${ident(fn)}(${args.join(', ')})`);

/**
 * A value as a literal: strings by {@link str}, finite numbers, booleans, null, undefined, bigints,
 * byte arrays as `new Uint8Array([...])`, arrays and plain objects of these. Anything else throws.
 */
export function literal(v: unknown, quote: '"' | "'" = '"'): Code {
  if (typeof v === 'string') return str(v, quote);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'bigint') return bigint(v);
  if (v === null) return made('null');
  if (v === undefined) return made('undefined');
  if (v instanceof Uint8Array) return uint8Array(v);
  if (Array.isArray(v)) return array(v.map((x) => literal(x, quote)));
  if (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    return object(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, literal(x, quote)] as const));
  }
  throw new TypeError(`no literal for a ${typeof v}`);
}

/**
 * Source text: the literal parts are the generator's own (written as in an ordinary template
 * literal); between them only {@link Code} from this module's writers and finite numbers.
 */
export function code(parts: TemplateStringsArray, ...values: ReadonlyArray<Code | number>): Code {
  let out = '';
  parts.forEach((p, i) => {
    if (p === undefined) throw new SyntaxError('code``: an invalid escape in the template');
    out += p;
    if (i < values.length) {
      const v = values[i];
      if (typeof v === 'number') out += num(v);
      else if (typeof v === 'string') out += v;
      else throw new TypeError(`code\`\`: cannot splice a ${typeof v} into source`);
    }
  });
  return made(out);
}

/** Characters no generated file holds: a writer let through something it should have escaped. */
const NEVER_IN_SOURCE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

/**
 * A whole file from its lines (with a final newline when the last line is empty, as callers pass
 * it). Throws if the result holds a control character other than tab and newline, a line or
 * paragraph separator, an invisible formatting character or a lone surrogate: the writers above
 * never produce them, so one would be a bug.
 */
export function source(lines: readonly Code[]): string {
  const text = lines.join('\n');
  const bad = NEVER_IN_SOURCE.exec(text) ?? new RegExp(LONE_SURROGATE.source).exec(text);
  if (bad) throw new Error(`generated source holds U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} at offset ${bad.index}: a writer let it through`);
  return text;
}
