/**
 * Reports people look at: one self-contained HTML file (inline CSS, SVG and a little script; a
 * Content-Security-Policy that forbids fetching anything), readable with scripts disabled.
 *
 * - A run: its verdict in words, an SVG ladder (time-scaled, or evenly spaced with a toggle that
 *   is plain CSS), each arrow labelled like the seed captures (flags, relative seq/ack/len), the
 *   segment that differed and the expected one that never came drawn apart (red and dashed) with a
 *   text label; a packet table with relative and raw numbers; per packet, every IP and TCP field
 *   with its byte range, the options decoded, and the bytes in hex (the script highlights a
 *   field's bytes and selects a packet from its arrow; without it, each packet's details open by
 *   hand).
 * - A suite: the totals, the verdict table (a CSS filter keeps only the failing rows), each row
 *   linking to its run's ladder in the same file.
 * - A matrix: scenario x target, each cell linking to its run.
 *
 * Pure: it renders the JSON documents (src/report/json.ts, src/report/suite.ts), so a matrix,
 * whose runs come back as JSON from its suites, renders like anything else.
 */
import type { EventJson, FailureJson, RunJson, RunReportJson, SegmentJson } from './json.js';
import type { MatrixJson, SuiteJson, SuiteResultJson } from './suite.js';
import { isIpv6Header, ipHeaderBytes, parsePacket, type Packet } from '../wire/packet.js';
import { formatOptions } from '../wire/options.js';
import { flagNames, parseFlagLetters } from '../wire/tcp.js';
import { endpointText } from '../engine/flow.js';

/** Text safe in HTML content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const VERDICT_TEXT: Record<string, string> = { pass: 'PASS', fail: 'FAIL', xfail: 'XFAIL', xpass: 'XPASS', error: 'ERROR', na: 'N/A', interrupted: 'INTERRUPTED' };
const isBad = (v: string): boolean => v === 'fail' || v === 'xpass' || v === 'error';

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.4em}h2{font-size:1.2em;margin-top:2em;border-top:1px solid #ccc;padding-top:1em}
code,pre,.mono,td.num{font-family:ui-monospace,monospace}
.verdict{display:inline-block;padding:.1em .5em;border-radius:.3em;font-weight:bold;border:1px solid}
.v-pass{color:#0a5c0a;border-color:#0a5c0a;background:#e6f4e6}.v-fail,.v-error,.v-xpass{color:#8b0000;border-color:#8b0000;background:#fbe9e9}
.v-xfail,.v-na,.v-interrupted{color:#7a5200;border-color:#7a5200;background:#fdf3e1}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.15em .5em;text-align:left;vertical-align:top}
td.num{text-align:right}tr.sel{outline:2px solid #1b5fb8}
svg.ladder text{font:12px ui-monospace,monospace}svg .life{stroke:#555;stroke-width:2}
svg .seg{stroke:#1b5fb8;stroke-width:1.6}svg .seg.in{stroke:#3c763d}svg .seg.cleanup,svg .seg.drained{stroke:#888}
svg .seg.fail{stroke:#c00;stroke-width:2.6}svg .seg.missing{stroke:#c00;stroke-dasharray:6 4}
svg text.fail,svg text.missing{fill:#c00;font-weight:bold}svg g.arrow{cursor:pointer}svg g.arrow.sel line{stroke-width:3.5}
.ladders svg{display:block}.ladders svg.even{display:none}.even-toggle:checked ~ .ladders svg.even{display:block}.even-toggle:checked ~ .ladders svg.timed{display:none}
.only-failing:checked ~ table.verdicts tr.ok{display:none}
.hex span{padding:0 1px}.hex span.hl{background:#ffe066}.fields tr{cursor:default}.fields tr:hover{background:#f3f3f3}
details{margin:.3em 0}details[open]{background:#fafafa;padding:.3em}
.failure{white-space:pre-wrap;border-left:4px solid #c00;padding-left:.6em}
`;

const SCRIPT = `
(function(){
  function select(id){
    document.querySelectorAll('.sel').forEach(function(e){e.classList.remove('sel')});
    document.querySelectorAll('[data-pkt="'+id+'"]').forEach(function(e){e.classList.add('sel')});
    var d=document.getElementById('detail-'+id); if(d){d.open=true; d.scrollIntoView({block:'nearest'});}
  }
  document.querySelectorAll('[data-pkt]').forEach(function(e){e.addEventListener('click',function(){select(e.getAttribute('data-pkt'))})});
  document.querySelectorAll('.fields tr[data-from]').forEach(function(r){
    var hex=r.closest('details').querySelector('.hex');
    function mark(on){var a=+r.getAttribute('data-from'),b=+r.getAttribute('data-to');
      hex.querySelectorAll('span').forEach(function(s){var o=+s.getAttribute('data-o'); s.classList.toggle('hl', on&&o>=a&&o<b)})}
    r.addEventListener('mouseenter',function(){mark(true)}); r.addEventListener('mouseleave',function(){mark(false)});
    r.addEventListener('click',function(){mark(true)});
  });
})();`;

/** A whole page around `body`. */
function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may be fetched: styles and the script are inline, images are data: URLs.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    body,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** `SYN, ACK seq=0 ack=1 len=34`: an arrow's label. */
function label(s: SegmentJson): string {
  const flags = flagNames(flagBits(s.flags));
  const parts = [flags || 'no flags', `seq=${s.seq ?? `raw ${s.rawSeq}`}`];
  if (s.ack !== null) parts.push(`ack=${s.ack}`);
  if (s.len) parts.push(`len=${s.len}`);
  return parts.join(' ');
}

/** The flag bits of the letters a JSON segment carries (they are tcpcraft's own, so they parse). */
function flagBits(letters: string): number {
  const r = parseFlagLetters(letters);
  return r.ok ? r.flags : 0;
}

/** What the failure says, in one line for a label. */
function failureLine(f: FailureJson): string {
  switch (f.kind) {
    case 'mismatch':
      return `step ${f.step} differs: ${f.diffs.map((d) => d.text).join('; ')}`;
    case 'timeout':
      return `step ${f.step}: nothing arrived within ${f.waitedMs} ms`;
    case 'unexpected':
      return `step ${f.step}: a segment arrived during the expected silence`;
    case 'error':
      return `${f.step !== null ? `step ${f.step}: ` : ''}${f.message}`;
    case 'interrupted':
      return `interrupted at step ${f.step} (${f.reason})`;
    case 'app':
      return `step ${f.step}: the application's ${f.call.call}: ${f.problems.join('; ')}`;
  }
}

/** The ladder of one run as SVG: arrows placed by time (`timed`) or evenly. */
function ladderSvg(id: string, r: RunReportJson, timed: boolean): string {
  const events = r.events;
  const server = r.role === 'server';
  const xC = 190;
  const xS = 650;
  const top = 50;
  const gap = 34;
  const t0 = events.length ? BigInt(events[0]!.timeUs) : 0n;
  const tEnd = events.length ? BigInt(events.at(-1)!.timeUs) : 0n;
  const span = Number(tEnd - t0) || 1;
  const height = Math.max(events.length, 1) * gap;
  const ys: number[] = [];
  for (const [i, e] of events.entries()) {
    const want = timed ? top + (Number(BigInt(e.timeUs) - t0) / span) * height : top + i * gap;
    ys.push(Math.max(want, i ? ys[i - 1]! + 24 : top));
  }
  const f = r.failure;
  const failingTime = f && (f.kind === 'mismatch' || f.kind === 'unexpected') ? f.actual.timeUs : undefined;
  const missing = f && f.kind === 'timeout' ? f : undefined;
  const bottom = (ys.at(-1) ?? top) + (missing ? 70 : 40);
  const us = endpointText(r.flow.localIp, r.flow.localPort);
  const peer = endpointText(r.flow.peerIp, r.flow.peerPort);
  const out: string[] = [
    `<svg class="ladder ${timed ? 'timed' : 'even'}" xmlns="http://www.w3.org/2000/svg" width="${xS + 200}" height="${bottom + 10}" role="img" aria-label="ladder diagram of ${esc(r.scenario)}${timed ? ', time-scaled' : ', evenly spaced'}">`,
    '<defs><marker id="ah" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
    `<text x="${xC}" y="20" text-anchor="middle">client ${esc(server ? peer : us)}</text>`,
    `<text x="${xS}" y="20" text-anchor="middle">server ${esc(server ? `${us} (tcpcraft)` : peer)}</text>`,
    `<line class="life" x1="${xC}" y1="30" x2="${xC}" y2="${bottom}"/><line class="life" x1="${xS}" y1="30" x2="${xS}" y2="${bottom}"/>`,
  ];
  events.forEach((e, i) => {
    const toServer = (e.dir === 'out') === !server;
    const [x1, x2] = toServer ? [xC, xS] : [xS, xC];
    const y = ys[i]!;
    const fail = failingTime !== undefined && e.kind === 'unmatched' && e.timeUs === failingTime;
    const cls = ['seg', e.dir, e.kind, fail ? 'fail' : ''].filter(Boolean).join(' ');
    const tag = e.kind === 'cleanup' ? 'cleanup' : e.kind === 'unmatched' ? (fail ? 'step ' + String(f && 'step' in f ? f.step : '') : 'no step') : e.step !== null ? `step ${e.step}` : '';
    const text = fail && f ? `✗ ${failureLine(f)}` : label(e);
    out.push(
      `<g class="arrow" data-pkt="${id}-${i}"><title>${esc(`packet ${i + 1}: ${label(e)}`)}</title>`,
      `<line class="${cls}" x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" marker-end="url(#ah)"/>`,
      `<text x="${(xC + xS) / 2}" y="${y - 5}" text-anchor="middle" class="${fail ? 'fail' : ''}">${esc(fail ? `${label(e)} — ${text}` : text)}</text>`,
      `<text x="8" y="${y + 4}"${fail ? ' class="fail"' : ''}>${esc(tag)}</text></g>`,
    );
  });
  if (missing) {
    const y = (ys.at(-1) ?? top) + 40;
    out.push(
      `<g class="arrow missing"><line class="seg missing" x1="${server ? xC : xS}" y1="${y}" x2="${server ? xS : xC}" y2="${y}" marker-end="url(#ah)"/>`,
      `<text x="${(xC + xS) / 2}" y="${y - 5}" text-anchor="middle" class="missing">${esc(`✗ expected (step ${missing.step}), never came: nothing within ${missing.waitedMs} ms`)}</text>`,
      `<text x="8" y="${y + 4}" class="missing">step ${missing.step}</text></g>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Every field of a packet with its byte range, for the detail view. */
function fieldsOf(p: Packet): Array<{ name: string; value: string; from: number; to: number }> {
  const out: Array<{ name: string; value: string; from: number; to: number }> = [];
  const ip = p.ip;
  if (isIpv6Header(ip)) {
    out.push(
      { name: 'IPv6 version, traffic class, flow label', value: `${ip.version}, 0x${ip.trafficClass.toString(16)}, 0x${ip.flowLabel.toString(16).padStart(5, '0')}`, from: 0, to: 4 },
      { name: 'payload length', value: String(ip.payloadLength), from: 4, to: 6 },
      { name: 'next header', value: String(ip.nextHeader), from: 6, to: 7 },
      { name: 'hop limit', value: String(ip.hopLimit), from: 7, to: 8 },
      { name: 'source', value: ip.src, from: 8, to: 24 },
      { name: 'destination', value: ip.dst, from: 24, to: 40 },
    );
    let at = 40;
    for (const e of ip.extensions) {
      out.push({ name: `extension header ${e.type}`, value: `next header ${e.nextHeader}, ${e.bytes.length} bytes`, from: at, to: at + e.bytes.length });
      at += e.bytes.length;
    }
  } else {
    out.push(
      { name: 'IPv4 version, IHL', value: `${ip.version}, ${ip.ihl} (${ip.ihl * 4} bytes)`, from: 0, to: 1 },
      { name: 'DSCP, ECN', value: `${ip.dscp}, ${ip.ecn}`, from: 1, to: 2 },
      { name: 'total length', value: String(ip.totalLength), from: 2, to: 4 },
      { name: 'identification', value: String(ip.id), from: 4, to: 6 },
      { name: 'flags, fragment offset', value: `0x${ip.flags.toString(16)}, ${ip.fragmentOffset}`, from: 6, to: 8 },
      { name: 'TTL', value: String(ip.ttl), from: 8, to: 9 },
      { name: 'protocol', value: String(ip.protocol), from: 9, to: 10 },
      { name: 'header checksum', value: `0x${ip.checksum.toString(16).padStart(4, '0')}`, from: 10, to: 12 },
      { name: 'source', value: ip.src, from: 12, to: 16 },
      { name: 'destination', value: ip.dst, from: 16, to: 20 },
    );
    if (ip.options.length) out.push({ name: 'IP options', value: `${ip.options.length} bytes`, from: 20, to: ip.ihl * 4 });
  }
  const t = ipHeaderBytes(ip);
  const tcp = p.tcp;
  out.push(
    { name: 'source port', value: String(tcp.srcPort), from: t, to: t + 2 },
    { name: 'destination port', value: String(tcp.dstPort), from: t + 2, to: t + 4 },
    { name: 'sequence number (raw)', value: String(tcp.seq), from: t + 4, to: t + 8 },
    { name: 'acknowledgment number (raw)', value: String(tcp.ack), from: t + 8, to: t + 12 },
    { name: 'data offset, flags', value: `${tcp.dataOffset} (${tcp.dataOffset * 4} bytes), [${flagNames(tcp.flags)}]`, from: t + 12, to: t + 14 },
    { name: 'window', value: String(tcp.window), from: t + 14, to: t + 16 },
    { name: 'TCP checksum', value: `0x${tcp.checksum.toString(16).padStart(4, '0')}`, from: t + 16, to: t + 18 },
    { name: 'urgent pointer', value: String(tcp.urgent), from: t + 18, to: t + 20 },
  );
  if (tcp.dataOffset > 5) out.push({ name: 'TCP options', value: formatOptions(tcp.options) || '(padding only)', from: t + 20, to: t + tcp.dataOffset * 4 });
  if (p.payload.length) out.push({ name: 'payload', value: `${p.payload.length} bytes`, from: t + tcp.dataOffset * 4, to: p.bytes.length });
  return out;
}

/** One packet's details: fields (with byte ranges) and the hex dump. */
function packetDetails(id: string, i: number, s: SegmentJson): string {
  const bytes = Uint8Array.from(Buffer.from(s.packetHex, 'hex'));
  const parsed = parsePacket(bytes);
  const rows = parsed.ok
    ? fieldsOf(parsed.value).map((f) => `<tr data-from="${f.from}" data-to="${f.to}"><td>${esc(f.name)}</td><td class="mono">${esc(f.value)}</td><td class="num">${f.from}-${f.to - 1}</td></tr>`)
    : [`<tr><td colspan="3">${esc(parsed.error.message)}</td></tr>`];
  const hex = [...bytes].map((b, k) => `${k && k % 16 === 0 ? '<br>' : ''}<span data-o="${k}">${b.toString(16).padStart(2, '0')}</span>`).join('');
  return [
    `<details id="detail-${id}-${i}"><summary>packet ${i + 1}: ${esc(s.dir === 'out' ? 'sent' : 'received')} [${esc(flagNames(flagBits(s.flags)))}] ${esc(label(s))}</summary>`,
    `<table class="fields"><tr><th>field</th><th>value</th><th>bytes</th></tr>${rows.join('')}</table>`,
    `<p>checksums: IP ${esc(s.checksums.ip)}, TCP ${esc(s.checksums.tcp)}; relative seq ${s.seq ?? '-'}, relative ack ${s.ack ?? '-'}</p>`,
    `<div class="hex mono">${hex}</div></details>`,
  ].join('\n');
}

/** The section of one run: verdict, failure, ladders, packet table, details. */
export function runSection(id: string, r: RunReportJson, o: { readonly title?: string; readonly verdict?: string } = {}): string {
  const verdict = o.verdict ?? (r.failure?.kind === 'interrupted' ? 'interrupted' : r.passed ? 'pass' : 'fail');
  const events: readonly EventJson[] = r.events;
  const t0 = events.length ? BigInt(events[0]!.timeUs) : 0n;
  const rows = events.map((e, i) => {
    const secs = (Number(BigInt(e.timeUs) - t0) / 1e6).toFixed(6);
    return `<tr data-pkt="${id}-${i}"><td class="num">${i + 1}</td><td>${e.step ?? (e.kind === 'cleanup' ? 'cleanup' : '-')}</td><td class="num">${secs}</td><td>${e.dir === 'out' ? 'sent' : 'received'}${e.kind === 'unmatched' ? ' (no step)' : ''}</td><td>[${esc(flagNames(flagBits(e.flags)))}]</td><td class="num">${e.seq ?? '-'}</td><td class="num">${e.ack ?? '-'}</td><td class="num">${e.len}</td><td class="num">${e.rawSeq}</td><td class="num">${e.rawAck}</td><td class="num">${e.window}</td><td class="mono">${esc(e.options)}</td></tr>`;
  });
  return [
    `<section id="run-${id}">`,
    `<h2>${esc(o.title ?? r.scenario)} <span class="verdict v-${verdict}">${VERDICT_TEXT[verdict] ?? verdict}</span></h2>`,
    `<p class="mono">${esc(endpointText(r.flow.localIp, r.flow.localPort))} &gt; ${esc(endpointText(r.flow.peerIp, r.flow.peerPort))} · ${esc(r.file)} · ISN ${r.isn}, peer ISN ${r.peerIsn ?? 'unknown'} · ${events.length} segments</p>`,
    r.failure ? `<p class="failure"><strong>${verdict === 'interrupted' ? 'Interrupted' : 'Why it failed'}:</strong> ${esc(failureLine(r.failure))}</p>` : '',
    `<input type="checkbox" class="even-toggle" id="even-${id}"><label for="even-${id}"> evenly spaced (unchecked: time-scaled)</label>`,
    `<div class="ladders">${ladderSvg(id, r, true)}${ladderSvg(id, r, false)}</div>`,
    '<table class="packets"><tr><th>#</th><th>step</th><th>time (s)</th><th>dir</th><th>flags</th><th>seq</th><th>ack</th><th>len</th><th>raw seq</th><th>raw ack</th><th>win</th><th>options</th></tr>',
    rows.join('\n'),
    '</table>',
    appTable(r, t0),
    events.map((e, i) => packetDetails(id, i, e)).join('\n'),
    '</section>',
  ].join('\n');
}

/** The calls app() steps made the target's application do, with what each returned. */
function appTable(r: RunReportJson, t0: bigint): string {
  if (!r.app?.length) return '';
  const side = r.role === 'server' ? 'client' : 'server';
  const rows = r.app.map((a) => {
    const secs = (Number(BigInt(a.endUs ?? a.startUs) - t0) / 1e6).toFixed(6);
    const result = a.ret === undefined ? '(did not return)' : `${a.ret}${a.errno ? ` ${a.errno}` : ''}`;
    const took = a.durationUs !== undefined ? (a.durationUs / 1000).toFixed(1) : '-';
    return `<tr><td>${a.step}</td><td class="num">${secs}</td><td class="mono">${esc(a.call)}${a.background ? ` (background '${esc(a.background)}')` : ''}</td><td class="mono">${esc(result)}</td><td class="num">${took}</td></tr>`;
  });
  return [`<h3>The ${side}'s application (app() steps)</h3>`, '<table class="packets app"><tr><th>step</th><th>reply (s)</th><th>call</th><th>returned</th><th>ms on the target</th></tr>', ...rows, '</table>'].join('\n');
}

/** The page of one run (`run --html`, `build --html`, `show --html`). */
export function runHtml(doc: RunJson | RunReportJson, title?: string): string {
  const verdict = 'verdict' in doc ? doc.verdict : undefined;
  return page(title ?? `tcpcraft: ${doc.scenario}`, `<h1>${esc(title ?? doc.scenario)}</h1>\n${runSection('0', doc, verdict ? { verdict } : {})}`);
}

function verdictRow(r: SuiteResultJson, link: string | undefined): string {
  return `<tr class="${isBad(r.verdict) ? 'bad' : 'ok'}"><td>${link ? `<a href="#run-${link}">${esc(r.name)}</a>` : esc(r.name)}</td><td><span class="verdict v-${r.verdict}">${VERDICT_TEXT[r.verdict] ?? r.verdict}</span></td><td class="num">${r.durationMs}</td><td>${esc(r.rfc ?? '')}</td><td>${esc(r.verdict === 'pass' ? '' : r.summary)}</td></tr>`;
}

/** The page of a suite (`suite --html`). */
export function suiteHtml(doc: SuiteJson): string {
  const t = doc.totals;
  const rows = doc.results.map((r, i) => verdictRow(r, r.report ? String(i) : undefined));
  const sections = doc.results.flatMap((r, i) => (r.report ? [runSection(String(i), r.report, { title: r.name, verdict: r.verdict })] : []));
  const body = [
    `<h1>tcpcraft suite, target ${esc(doc.target)}</h1>`,
    `<p>${t.passed} passed, ${t.failed} failed, ${t.expectedFailures} expected failures, ${t.notApplicable} not applicable${t.interrupted ? `, ${t.interrupted} interrupted (${esc(doc.interrupted ?? '')})` : ''} · ${t.total} scenarios in ${(doc.wallMs / 1000).toFixed(2)} s · ${esc(doc.startedAt)} · ${esc(doc.tool.name)} ${esc(doc.tool.version)}</p>`,
    '<input type="checkbox" class="only-failing" id="only-failing"><label for="only-failing"> only failures</label>',
    '<table class="verdicts"><tr><th>scenario</th><th>verdict</th><th>ms</th><th>RFC</th><th>first difference</th></tr>',
    rows.join('\n'),
    '</table>',
    sections.join('\n'),
  ].join('\n');
  return page(`tcpcraft suite (${doc.target})`, body);
}

/** The page of a matrix (`matrix --html`): scenario x target, each cell linking to its run. */
export function matrixHtml(doc: MatrixJson): string {
  const targets = doc.targets.map((t) => t.name);
  const sections: string[] = [];
  const rows = doc.scenarios.map((s, si) => {
    const cells = targets.map((t, ti) => {
      const c = doc.cells.find((x) => x.file === s.file && x.target === t);
      if (!c) return '<td>-</td>';
      const id = `${ti}-${si}`;
      if (c.result?.report) sections.push(runSection(id, c.result.report, { title: `${s.name} on ${t}`, verdict: c.verdict }));
      const text = `<span class="verdict v-${c.verdict}">${VERDICT_TEXT[c.verdict] ?? c.verdict}</span>${isBad(c.verdict) && c.summary ? ` ${esc(c.summary)}` : ''}`;
      return `<td class="${isBad(c.verdict) ? 'bad' : 'ok'}">${c.result?.report ? `<a href="#run-${id}">${text}</a>` : text}</td>`;
    });
    const bad = doc.cells.some((c) => c.file === s.file && isBad(c.verdict));
    return `<tr class="${bad ? 'bad' : 'ok'}"><td>${esc(s.name)}</td><td>${esc(s.rfc ?? '')}</td>${cells.join('')}</tr>`;
  });
  const body = [
    `<h1>tcpcraft matrix</h1>`,
    `<p>${doc.targets.map((t) => `${esc(t.name)}: ${esc(t.version)}`).join(' · ')} · ${doc.totals.failed} failing cells of ${doc.totals.total}</p>`,
    '<input type="checkbox" class="only-failing" id="only-failing"><label for="only-failing"> only rows with a failing cell</label>',
    `<table class="verdicts matrix"><tr><th>scenario</th><th>RFC</th>${targets.map((t) => `<th>${esc(t)}</th>`).join('')}</tr>`,
    rows.join('\n'),
    '</table>',
    sections.join('\n'),
  ].join('\n');
  return page('tcpcraft matrix', body);
}
