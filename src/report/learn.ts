/**
 * The HTML page of a learnt machine (`tcpcraft learn --html`): the state diagram (SVG, from
 * src/learn/machinefile.ts), the states with their RFC 9293 labels, every transition, how it was
 * learnt, and the answers that were put to a vote. Self-contained, no script; every text from the
 * document is escaped (a machine file is untrusted).
 */
import type { MachineDoc } from '../learn/machinefile.js';
import { esc } from './html.js';

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.4em}h2{font-size:1.2em;margin-top:2em;border-top:1px solid #ccc;padding-top:1em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
code,td.mono{font-family:ui-monospace,monospace}.diagram{overflow:auto;border:1px solid #ddd;max-width:100%}`;

/** The page of `doc`, with `svg` (its diagram) inline. */
export function learnHtml(doc: MachineDoc, svg: string): string {
  const l = doc.learning;
  const title = `${doc.target}: learnt TCP state machine (${doc.role} role, ${doc.alphabet} alphabet)`;
  const figures = l
    ? `<p>${doc.states.length} states over ${doc.inputs.length} inputs; ${l.queries} queries (${l.symbols} inputs), ${l.equivalenceQueries} hypotheses, ${l.seconds.toFixed(1)} s` +
      `${l.waitMs !== undefined ? `, ${l.waitMs} ms waited for answers after each input` : ''}.</p>`
    : '';
  const rows = doc.states
    .map((s) => {
      const ts = doc.transitions.filter((t) => t.from === s.id);
      return ts
        .map((t, i) => `<tr>${i === 0 ? `<td rowspan="${ts.length}">${esc(s.name)}${s.rfc ? `<br>${esc(s.rfc)}` : ''}</td>` : ''}<td class="mono">${esc(t.input)}</td><td class="mono">${esc(t.output)}</td><td>${esc(doc.states[t.to]?.name ?? String(t.to))}</td></tr>`)
        .join('\n');
    })
    .join('\n');
  const votes = l?.nondeterministic?.length
    ? `<h2>Answers put to a vote</h2><ul>${l.nondeterministic.map((n) => `<li><code>${esc(n.word.join(' '))}</code>: ${n.outputs.map((o) => `<code>${esc(o.join(' '))}</code>`).join(' | ')}</li>`).join('')}</ul>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><h1>${esc(title)}</h1>
${figures}
<div class="diagram">${svg}</div>
<h2>Transitions</h2>
<p>Outputs: the target's segments (flags, then how the sequence and acknowledgment numbers relate to what was expected), '-' when nothing came; after '/', what the application's call returned when it failed.</p>
<table><thead><tr><th>state</th><th>input</th><th>output</th><th>next</th></tr></thead><tbody>
${rows}
</tbody></table>
${votes}
</body></html>
`;
}
