/**
 * What the suite shows of RFC 9293 Appendix B, from a kill matrix (src/suite/mutation.ts): one
 * document (`tcpcraft-coverage`, schemas/coverage.schema.json) with every mutant and the scenarios
 * that kill it, and every Appendix B row with its status: `shown` (every mutant violating the row
 * is killed by a scenario naming it, and those scenarios pass against the pure reference),
 * `claimed` (a scenario names it, not shown), `untestable` (no scenario can, with the reason).
 * The same document is written beside scenarios/conformance/REQUIREMENTS.md, whose table is made
 * from it; `suite --mutants` writes it with --json, and as HTML with --html.
 */
import { esc } from './html.js';
import { JSON_FORMAT_VERSION, type ToolJson } from './json.js';
import { APPENDIX_B, noScenarioText } from '../suite/requirements.js';
import { names, statusOf, type CoverageStatus, type KillMatrix } from '../suite/mutation.js';

/** One mutant in the document. */
export interface MutantJson {
  readonly name: string;
  readonly requirement: string;
  readonly breaks: string;
  /** Scenario paths (relative to the scenarios' directory) that kill it. */
  readonly killedBy: readonly string[];
  /** Of those, the ones naming its requirement. */
  readonly killedByOwn: readonly string[];
  /** Scenarios it made N/A (no kill). */
  readonly madeNa: readonly string[];
}

/** One Appendix B row in the document. */
export interface RequirementJson {
  readonly id: string;
  readonly level: 'MUST' | 'SHOULD' | 'MAY';
  readonly group: string;
  readonly what: string;
  readonly status: CoverageStatus;
  /** Scenarios naming the row. */
  readonly scenarios: readonly string[];
  /** Mutants violating it (their names). */
  readonly mutants: readonly string[];
  /** Why no scenario can check it (untestable rows). */
  readonly why: string | null;
}

export interface CoverageJson {
  readonly format: 'tcpcraft-coverage';
  readonly formatVersion: number;
  readonly tool: ToolJson;
  /** Rows shown / claimed / untestable, overall and per level. */
  readonly counts: Readonly<Record<'all' | 'MUST' | 'SHOULD' | 'MAY', Readonly<Record<CoverageStatus, number>>>>;
  readonly mutants: readonly MutantJson[];
  readonly requirements: readonly RequirementJson[];
  /** Scenarios that do not pass against the pure reference (they show nothing). */
  readonly notPassing: readonly string[];
}

/** The level an Appendix B ID is at (REC counts as SHOULD). */
export const levelOf = (id: string): 'MUST' | 'SHOULD' | 'MAY' => (id.startsWith('MUST') ? 'MUST' : id.startsWith('MAY') ? 'MAY' : 'SHOULD');

/**
 * The coverage document of `m`; `rfcOf` maps each scenario file to its `rfc:` text, `path` turns a
 * file into the path the document shows (relative to the scenarios' directory).
 */
export function coverageJson(m: KillMatrix, rfcOf: ReadonlyMap<string, string | undefined>, tool: ToolJson, path: (file: string) => string = (f) => f): CoverageJson {
  const counts = { all: zero(), MUST: zero(), SHOULD: zero(), MAY: zero() };
  const requirements = APPENDIX_B.map((r): RequirementJson => {
    const status = statusOf(r.id, m, rfcOf);
    const level = levelOf(r.id);
    counts.all[status] += 1;
    counts[level][status] += 1;
    return {
      id: r.id,
      level,
      group: r.group,
      what: r.what,
      status,
      scenarios: [...rfcOf].filter(([, rfc]) => names(rfc, r.id)).map(([f]) => path(f)),
      mutants: m.mutants.filter((x) => x.mutant.requirement === r.id).map((x) => x.mutant.name),
      why: status === 'untestable' ? (noScenarioText(r.id) ?? null) : null,
    };
  });
  return {
    format: 'tcpcraft-coverage',
    formatVersion: JSON_FORMAT_VERSION,
    tool,
    counts,
    mutants: m.mutants.map((x) => ({ name: x.mutant.name, requirement: x.mutant.requirement, breaks: x.mutant.breaks, killedBy: x.killedBy.map(path), killedByOwn: x.killedByOwn.map(path), madeNa: x.madeNa.map(path) })),
    requirements,
    notPassing: [...m.baseline].filter(([, v]) => v !== 'pass').map(([f]) => path(f)),
  };
}

function zero(): Record<CoverageStatus, number> {
  return { shown: 0, claimed: 0, untestable: 0 };
}

const STATUS_TEXT: Readonly<Record<CoverageStatus, string>> = { shown: '**shown**', claimed: 'claimed, not shown', untestable: 'not testable from the wire' };

const link = (p: string): string => `[${p}](${p})`;

/** scenarios/conformance/REQUIREMENTS.md: the headline counts only rows shown. */
export function coverageMarkdown(doc: CoverageJson): string {
  const c = doc.counts;
  const byMutant = new Map(doc.mutants.map((x) => [x.name, x]));
  const lines = [
    '# RFC 9293 requirements: what the conformance suite shows',
    '',
    '<!-- Made by `tcpcraft suite --requirements` from the scenarios, the reference stack\'s mutants and',
    '     the list in src/suite/requirements.ts; do not edit by hand (make requirements rewrites it,',
    '     and REQUIREMENTS.json beside it). -->',
    '',
    `A row is **shown** when every mutant of tcpcraft's RFC reference stack that violates it (src/reference/mutants*.ts) is`,
    'killed by a scenario naming the row (the scenario passes against the pure reference and fails against the mutant);',
    'a row a scenario names without that is only *claimed*. Every row of RFC 9293 Appendix B, once:',
    '',
    '| level | shown | claimed, not shown | not testable from the wire |',
    '| --- | --- | --- | --- |',
    ...(['MUST', 'SHOULD', 'MAY'] as const).map((l) => `| ${l} | ${c[l].shown} | ${c[l].claimed} | ${c[l].untestable} |`),
    `| all | ${c.all.shown} of ${APPENDIX_B.length} | ${c.all.claimed} | ${c.all.untestable} |`,
    '',
    'Scenarios in `slow/` run in `make slow`, not `make test`; the kill matrix runs them all in memory.',
    ...(doc.notPassing.length ? ['', `Not passing against the pure reference (they show nothing): ${doc.notPassing.join(', ')}.`] : []),
    '',
    '| ID | group | requirement | status | scenarios | mutants (killed by) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of doc.requirements) {
    const scen = r.status === 'untestable' ? (r.why ?? '') : r.scenarios.map(link).join(', ');
    const muts = r.mutants.map((n) => {
      const x = byMutant.get(n)!;
      return `\`${n}\` (${x.killedByOwn.length ? x.killedByOwn.join(', ') : x.killedBy.length ? `only ${x.killedBy.length} other scenario${x.killedBy.length === 1 ? '' : 's'}` : 'alive'})`;
    });
    lines.push(`| ${r.id} | ${r.group} | ${r.what} | ${STATUS_TEXT[r.status]} | ${scen.replace(/\|/g, '\\|')} | ${muts.join('; ').replace(/\|/g, '\\|') || '-'} |`);
  }
  const other = doc.mutants.filter((x) => !APPENDIX_B.some((r) => r.id === x.requirement));
  if (other.length) {
    lines.push('', 'Mutants of rules of other RFCs:', '', '| mutant | rule | breaks | killed by |', '| --- | --- | --- | --- |');
    for (const x of other) lines.push(`| \`${x.name}\` | ${x.requirement} | ${x.breaks} | ${x.killedByOwn.join(', ') || (x.killedBy.length ? `only ${x.killedBy.join(', ')}` : 'alive')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** A self-contained HTML page of the kill matrix: mutants x scenarios that kill them, and the rows. */
export function coverageHtml(doc: CoverageJson): string {
  const e = esc;
  const rows = doc.mutants
    .map((x) => `<tr class="${x.killedByOwn.length ? 'shown' : x.killedBy.length ? 'other' : 'alive'}"><td><code>${e(x.name)}</code></td><td>${e(x.requirement)}</td><td>${e(x.breaks)}</td><td>${x.killedByOwn.map(e).join('<br>') || '-'}</td><td>${x.killedBy.filter((k) => !x.killedByOwn.includes(k)).map(e).join('<br>') || '-'}</td></tr>`)
    .join('\n');
  const reqs = doc.requirements.map((r) => `<tr class="${r.status}"><td>${e(r.id)}</td><td>${e(r.what)}</td><td>${e(r.status)}</td><td>${r.mutants.map(e).join('<br>')}</td></tr>`).join('\n');
  const c = doc.counts;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tcpcraft kill matrix</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #bbb;padding:3px 6px;vertical-align:top;font-size:13px}
tr.shown td:first-child{background:#d9f2d9}tr.alive td:first-child,tr.claimed td:first-child{background:#f6d5d5}tr.other td:first-child{background:#f6ecc8}</style></head>
<body><h1>Kill matrix: the suite against the reference stack's mutants</h1>
<p>${e(`${doc.tool.name} ${doc.tool.version}`)}: ${doc.mutants.length} mutants; RFC 9293 rows shown ${c.all.shown} (MUST ${c.MUST.shown}, SHOULD ${c.SHOULD.shown}, MAY ${c.MAY.shown}), claimed not shown ${c.all.claimed}, not testable ${c.all.untestable}.</p>
<table><tr><th>mutant</th><th>requirement</th><th>breaks</th><th>killed by scenarios naming it</th><th>killed by others</th></tr>
${rows}</table>
<h2>RFC 9293 Appendix B</h2>
<table><tr><th>ID</th><th>requirement</th><th>status</th><th>mutants</th></tr>
${reqs}</table></body></html>
`;
}
