/**
 * Colour for people at a terminal: verdicts (PASS green; FAIL, XPASS, ERROR red; XFAIL, N/A,
 * INTERRUPTED yellow), the fields that differ in a diagnostic, the segments of the ladder that
 * matched no step, and a non-zero failure count. Only on a TTY; never with `--no-color`, with
 * `NO_COLOR` set (https://no-color.org) or with TERM=dumb; `FORCE_COLOR` (non-zero) forces it.
 * Files and pipes never get escape codes. The painting is a pure function of the text, so every
 * formatter stays plain.
 */

const ESC = '\x1b[';
const wrap = (code: string, s: string): string => `${ESC}${code}m${s}${ESC}0m`;
const red = (s: string): string => wrap('1;31', s);
const green = (s: string): string => wrap('32', s);
const yellow = (s: string): string => wrap('33', s);

let cliSetting: boolean | undefined;

/** What the command line said (`--no-color` gives false); undefined: decide from the environment. */
export function setColourOption(v: boolean | undefined): void {
  cliSetting = v;
}

/** True when text written to `stream` should be coloured. */
export function colourFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env, option: boolean | undefined = cliSetting): boolean {
  if (option === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const VERDICT = /\b(XPASS|XFAIL|PASS|FAIL|ERROR|INTERRUPTED|N\/A)\b/g;
const DIFF = /^(\s+)(flags|seq|ack|rawSeq|valid|window|urgent|len|payload|options|ip|time)(: expected .* vs )(actual .*)$/;

function paintLine(line: string): string {
  const diff = DIFF.exec(line);
  if (diff) return `${diff[1]}${red(diff[2]!)}${diff[3]}${red(diff[4]!)}`;
  // The ladder's segments that matched no step.
  if (/^x {9}\|/.test(line)) return red(line);
  // The closing counts: a failure count above zero in red.
  if (/^\d+ passed, \d+ failed/.test(line)) return line.replace(/^(\d+ passed)/, (m) => green(m)).replace(/(\b[1-9]\d* failed)/, (m) => red(m));
  return line.replace(VERDICT, (v) => (v === 'PASS' ? green(v) : v === 'FAIL' || v === 'XPASS' || v === 'ERROR' ? red(v) : yellow(v)));
}

/** `text` with colour codes added (line by line; a trailing newline and `\r` progress lines kept). */
export function paint(text: string): string {
  return text
    .split('\n')
    .map((l) => l.split('\r').map(paintLine).join('\r'))
    .join('\n');
}

/** A writer for `stream` that paints when colour is on for it. */
export function painter(stream: NodeJS.WritableStream & { readonly isTTY?: boolean }): (s: string) => void {
  const on = colourFor(stream);
  return (s) => void stream.write(on ? paint(s) : s);
}
