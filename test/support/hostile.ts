/**
 * Hostile text for the tests of generated source (test/scenario/code.test.ts, test/capture/
 * import.test.ts, test/cli/generated.test.ts): pieces that end comments, lines and strings, code
 * that would leave a trace if it ever ran, lone surrogates and text decoded from invalid UTF-8,
 * mixed with random UTF-16 code units. Plus the checks every generated file must pass.
 */
import fc from 'fast-check';
import { transformSync } from 'esbuild';

/** Code that calls `hit()` (a trap the vm tests give) once it escapes whatever it was put in. */
export const ESCAPES = [
  '*/ hit(); /*',
  '*/hit()/*',
  '\nhit();//',
  '\rhit();//',
  '\r\nhit();//',
  '\u2028hit();//',
  '\u2029hit();//',
  '"); hit(); ("',
  "'); hit(); ('",
  '`); hit(); (`',
  '${hit()}',
  '\\"); hit(); //',
  '\n-->hit()\n',
  '<!--\nhit()\n',
  '\u0000hit()',
];

/** Characters and sequences with a meaning in source, or none anywhere. */
export const PIECES = [
  '*/', '/*', '//', '*', '/', '\n', '\r', '\u2028', '\u2029', '\u0085', '\t', '\v', '\f', '"', "'", '`', '${', '}', '\\', '\\u2028', '\\n',
  '\u0000', '\u0001', '\u001b[31m', '\u007f', '<!--', '-->', '\ud800', '\udfff', '\ude00\ud83d', '\ud83d\ude00', '\u202e', '\u2066', '\ufeff', '\u200b',
  // What invalid UTF-8 and Latin-1 byte soup look like once decoded.
  Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]).toString('utf8'),
  Buffer.from([0x80, 0x85, 0x9b, 0xa0, 0xad, 0xff]).toString('latin1'),
];

/** Code that writes `sentinel` (an absolute path) if it ever runs, in the forms a generated file could let through. */
export function sentinelWriters(sentinel: string): string[] {
  const w = `process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(sentinel)},'x')`;
  return [`*/${w};/*`, `*/;${w};//`, `\n${w};//`, `\u2028${w};//`, `\r${w};//`, `");${w};//`, `');${w};//`, `\${${w}}`, `\`;${w};//`];
}

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** Hostile text: escapes, pieces and `extra` mixed with random code units (lone surrogates included) and ordinary text. */
export function hostileText(extra: readonly string[] = [], maxPieces = 12): fc.Arbitrary<string> {
  const token = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ESCAPES, ...PIECES, ...extra) },
    { weight: 2, arbitrary: fc.string({ unit: codeUnit, maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  return fc.array(token, { maxLength: maxPieces }).map((parts) => parts.join(''));
}

/** 100,000 characters of every piece above, over and over. */
export function longHostileText(extra: readonly string[] = []): string {
  const unit = [...ESCAPES, ...PIECES, ...extra].join('');
  return unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000);
}

/** `text` with its lone surrogates replaced, as anything written to disk or passed on a command line has it. */
export const wellFormed = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

/** Hostile text as one file name: well-formed, no NUL or slash, not `.`/`..`, at most 200 bytes. */
export function fileName(text: string): string {
  const c = wellFormed(text).replace(/\0/g, '').replace(/\//g, '_');
  let part = c === '' || c === '.' || c === '..' ? `x${c}` : c;
  while (Buffer.byteLength(part) > 200) part = part.slice(0, -1);
  return wellFormed(part);
}

/** Hostile text as a relative directory path that stays inside its parent (each part made by {@link fileName}). */
export const relativeDir = (text: string): string => wellFormed(text).split('/').map(fileName).join('/');

/**
 * What every generated file must be: valid UTF-8 once written (no lone surrogates), no raw line or
 * paragraph separators, and TypeScript that esbuild parses. Returns the JavaScript esbuild made.
 */
export function checkGenerated(text: string, file = 'generated.ts'): string {
  if (wellFormed(text) !== text) throw new Error(`${file}: holds a lone surrogate`);
  const bad = /[\u2028\u2029\u0000]/.exec(text);
  if (bad) throw new Error(`${file}: holds U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${bad.index}`);
  return transformSync(text, { loader: 'ts', format: 'esm', sourcefile: file, logLevel: 'silent' }).code;
}
