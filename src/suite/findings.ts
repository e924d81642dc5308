/**
 * "Where the stacks differ": the table in scenarios/conformance/README.md, made from a matrix run's
 * JSON, never kept by hand. One row per scenario and target that did not simply pass: a failure
 * with its first difference, an expected failure with the reason the scenario records (and where
 * the stack's source decides it), or a feature the target lacks.
 *
 *   tcpcraft matrix scenarios/conformance --json m.json
 *   node dist/suite/findings.js m.json scenarios/conformance/README.md   (rewrites the marked section)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The part of `tcpcraft matrix --json` this reads. */
interface MatrixJson {
  readonly targets: ReadonlyArray<{ readonly name: string; readonly version: string }>;
  readonly scenarios: ReadonlyArray<{ readonly name: string; readonly file: string; readonly rfc: string | null }>;
  readonly cells: ReadonlyArray<{
    readonly scenario: string;
    readonly target: string;
    readonly verdict: string;
    readonly level?: string;
    readonly summary: string;
    readonly result: { readonly expectedFailure?: string | null; readonly message?: string | null } | null;
  }>;
}

export const BEGIN = '<!-- findings:begin (made by src/suite/findings.ts from a matrix run; do not edit) -->';
export const END = '<!-- findings:end -->';

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The findings table in Markdown, with a line naming the stacks and versions it was made from. */
export function findingsMarkdown(m: MatrixJson): string {
  const rfcOf = new Map(m.scenarios.map((s) => [s.name, s.rfc ?? '']));
  const order = new Map(m.targets.map((t, i) => [t.name, i]));
  const rows = m.cells
    .filter((c) => c.verdict !== 'pass')
    .sort((a, b) => a.scenario.localeCompare(b.scenario) || (order.get(a.target) ?? 0) - (order.get(b.target) ?? 0))
    .map((c) => {
      const verdict = { fail: 'differs', xfail: 'differs (known)', na: 'N/A', xpass: 'passes despite a mark', error: 'could not run' }[c.verdict] ?? c.verdict;
      const what = c.verdict === 'xfail' ? (c.result?.expectedFailure ?? c.summary) : c.summary;
      return `| ${esc(c.scenario)} | ${esc(rfcOf.get(c.scenario) ?? '')}${c.level && c.level !== 'MUST' ? ` (${c.level})` : ''} | ${esc(c.target)} | ${verdict} | ${esc(what)} |`;
    });
  return [
    `Made from a matrix run over ${m.targets.map((t) => `${t.name} (${t.version})`).join(', ')}: every scenario and target that did not simply pass.`,
    '',
    '| scenario | RFC | target | result | what differs, and why |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** `text` with the section between the markers replaced by `table` (the markers are added at the end when absent). */
export function replaceSection(text: string, table: string): string {
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  const section = `${BEGIN}\n${table}${END}`;
  if (a < 0 || b < a) return `${text.trimEnd()}\n\n## Where the stacks differ\n\n${section}\n`;
  return `${text.slice(0, a)}${section}${text.slice(b + END.length)}`;
}

/** `node dist/suite/findings.js MATRIX.json README.md`. */
function main(argv: readonly string[]): number {
  const [json, readme] = argv;
  if (!json || !readme) {
    process.stderr.write('usage: node dist/suite/findings.js MATRIX.json README.md\n');
    return 2;
  }
  const m = JSON.parse(readFileSync(json, 'utf8')) as MatrixJson;
  writeFileSync(readme, replaceSection(readFileSync(readme, 'utf8'), findingsMarkdown(m)));
  process.stdout.write(`${readme}: ${m.cells.filter((c) => c.verdict !== 'pass').length} findings from ${m.targets.length} targets\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
