/// <reference lib="dom" />
/**
 * The HTML reports in a real headless browser (Debian's chromium, driven by puppeteer-core): a
 * passing run, a failing run (a differing segment, and one that never came), a suite and a matrix.
 * The ladder has one arrow per segment with the seed's labels; the failing step and the missing
 * segment are drawn apart with a text label; selecting an arrow opens that packet's fields;
 * hovering a field marks its bytes; the page makes no network request and logs no error; a
 * screenshot is not blank; with scripts disabled the ladder, table and details are all there.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { runScenario } from '../../src/engine/run.js';
import type { RunReport } from '../../src/engine/report.js';
import { loadScenario } from '../../src/io/load.js';
import { matrixHtml, runHtml, suiteHtml } from '../../src/report/html.js';
import { runJson } from '../../src/report/json.js';
import { suiteJson, suiteResultJson } from '../../src/report/suite.js';
import { matrixJson, type MatrixOutcome } from '../../src/report/matrix.js';
import type { SuiteResult } from '../../src/suite/result.js';
import { Flag } from '../../src/wire/tcp.js';
import { MemLink, seedPeer, VirtualClock, type PeerScript } from '../support/memlink.js';
import { SEED_FLOW, SEED_ISN } from '../engine/helpers.js';

const FILE = 'scenarios/netcat-5000.ts';
const CHROMIUM = '/usr/bin/chromium';

async function report(script: PeerScript): Promise<RunReport> {
  const clock = new VirtualClock();
  const link = new MemLink(SEED_FLOW, clock, script, true);
  return runScenario(await loadScenario(FILE), { file: FILE, flow: SEED_FLOW, localIsn: SEED_ISN }, { link, frames: link.frames, clock });
}

describe('HTML reports in a headless browser', function () {
  this.timeout(120_000);
  let dir: string;
  let browser: Browser;
  const files: Record<string, string> = {};

  before(async () => {
    try {
      execFileSync(CHROMIUM, ['--version'], { stdio: 'ignore', timeout: 30_000 });
    } catch {
      throw new Error(`${CHROMIUM} is needed for this test: install the Debian package chromium ('make setup')`);
    }
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-html-'));
    const pass = await report(seedPeer());
    const mismatch = await report(seedPeer({ onData: (p, l) => [l.reply({ flags: Flag.PSH | Flag.ACK, seq: 547479087, ack: p.tcp.seq + 33, window: 10233, payload: 'no' })] }));
    const timeout = await report(seedPeer({ answerFirst: 1 }));
    files.pass = join(dir, 'pass.html');
    files.mismatch = join(dir, 'mismatch.html');
    files.timeout = join(dir, 'timeout.html');
    writeFileSync(files.pass, runHtml(runJson(pass)));
    writeFileSync(files.mismatch, runHtml(runJson(mismatch)));
    writeFileSync(files.timeout, runHtml(runJson(timeout)));
    const results: SuiteResult[] = [
      { index: 0, file: FILE, name: 'netcat-5000', verdict: 'pass', durationMs: 12, startMs: 0, endMs: 12, report: pass },
      { index: 1, file: 'b.ts', name: 'wrong-answer', verdict: 'fail', message: 'differs', durationMs: 5, startMs: 1, endMs: 6, report: mismatch },
      { index: 2, file: 'c.ts', name: 'no-answer', verdict: 'fail', message: 'timeout', durationMs: 3000, startMs: 2, endMs: 3002, report: timeout },
      { index: 3, file: 'd.ts', name: 'needs-sack', verdict: 'na', message: 'requires sack', durationMs: 0, startMs: 3, endMs: 3 },
    ];
    files.suite = join(dir, 'suite.html');
    writeFileSync(files.suite, suiteHtml(suiteJson(results, { target: 'linux', startedAt: new Date('2026-11-30T12:00:00Z'), wallMs: 3010 })));
    const m: MatrixOutcome = {
      targets: [
        { name: 'linux', stack: 'Linux', version: 'Linux 6.18', startupMs: 100, suiteMs: 2000 },
        { name: 'lwip', stack: 'lwIP', version: 'lwIP 2.1.3', startupMs: 90, suiteMs: 2100 },
      ],
      scenarios: results.map((r) => ({ name: r.name, file: r.file, rfc: null })),
      cells: results.flatMap((r) => [
        { scenario: r.name, file: r.file, target: 'linux' as const, verdict: r.verdict, level: 'MUST' as const, summary: r.message ?? '', result: suiteResultJson(r, 'linux') },
        { scenario: r.name, file: r.file, target: 'lwip' as const, verdict: 'pass' as const, level: 'MUST' as const, summary: '', result: suiteResultJson({ ...r, verdict: 'pass' }, 'lwip') },
      ]),
      wallMs: 4200,
      startedAt: new Date('2026-11-30T12:00:00Z'),
      results: new Map(),
    };
    files.matrix = join(dir, 'matrix.html');
    writeFileSync(files.matrix, matrixHtml(matrixJson(m)));
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens `file` and collects any request that is not the file itself, and any error. */
  async function open(file: string, scripts = true): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(scripts);
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (r.url() !== `file://${file}` && !r.url().startsWith('data:')) requests.push(r.url());
    });
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push((e as Error).message));
    page.on('requestfailed', (r) => void errors.push(`request failed: ${r.url()}`));
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    return { page, requests, errors };
  }

  /** How many pixels of a screenshot are not (near) white, counted in a canvas. */
  async function inkedPixels(png: Uint8Array): Promise<number> {
    const page = await browser.newPage();
    try {
      await page.setContent(`<img id="s" src="data:image/png;base64,${Buffer.from(png).toString('base64')}">`, { waitUntil: 'load' });
      return await page.$eval('#s', (img) => {
        const i = img as HTMLImageElement;
        const c = document.createElement('canvas');
        c.width = i.naturalWidth;
        c.height = i.naturalHeight;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(i, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let k = 0; k < d.length; k += 4) if (d[k]! < 200 || d[k + 1]! < 200 || d[k + 2]! < 200) n++;
        return n;
      });
    } finally {
      await page.close();
    }
  }

  it('a passing run: one arrow per segment labelled like the seed, a packet table, nothing fetched, no error, not blank', async () => {
    const { page, requests, errors } = await open(files.pass!);
    const labels = await page.$$eval('svg.ladder.timed g.arrow text:not([x="8"])', (ts) => ts.map((t) => t.textContent));
    expect(labels).to.deep.equal([
      'SYN seq=0',
      'SYN, ACK seq=0 ack=1',
      'ACK seq=1 ack=1',
      'PSH, ACK seq=1 ack=1 len=34',
      'ACK seq=1 ack=35',
      'FIN, ACK seq=35 ack=1',
      'ACK seq=1 ack=36',
      'FIN, ACK seq=1 ack=36',
      'ACK seq=36 ack=2',
    ]);
    expect(await page.$$eval('table.packets tr[data-pkt]', (rs) => rs.length)).to.equal(9);
    expect(await page.$eval('h2 .verdict', (e) => e.textContent)).to.equal('PASS');
    const shot = await page.screenshot({ fullPage: true });
    expect(await inkedPixels(shot)).to.be.greaterThan(5000);
    expect(requests, 'network requests').to.deep.equal([]);
    expect(errors, 'console errors').to.deep.equal([]);
    await page.close();
  });

  it('selecting an arrow opens its packet: every field with its bytes; hovering a field marks them in the hex', async () => {
    const { page, errors } = await open(files.pass!);
    await page.click('svg.ladder.timed g.arrow[data-pkt="0-3"] text');
    expect(await page.$eval('#detail-0-3', (d) => (d as HTMLDetailsElement).open)).to.equal(true);
    const fields = await page.$$eval('#detail-0-3 table.fields tr[data-from] td:first-child', (ts) => ts.map((t) => t.textContent));
    expect(fields).to.include.members(['total length', 'TTL', 'source', 'source port', 'sequence number (raw)', 'window', 'TCP checksum', 'payload']);
    await page.hover('#detail-0-3 table.fields tr[data-from="2"]');
    expect(await page.$$eval('#detail-0-3 .hex span.hl', (s) => s.map((x) => x.textContent))).to.have.length(2);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('a failing run: the differing segment in red with its fields named; a segment that never came drawn dashed, with a text label', async () => {
    const m = await open(files.mismatch!);
    const fail = await m.page.$$eval('svg.ladder.timed line.seg.fail', (ls) => ls.length);
    expect(fail).to.equal(1);
    const failText = await m.page.$eval('svg.ladder.timed text.fail', (t) => t.textContent);
    expect(failText).to.match(/✗ step 5 differs: flags: expected 'A' vs actual 'PA'; seq: expected 1 \(raw \d+\) vs actual 2/);
    expect(await m.page.$eval('h2 .verdict', (e) => e.textContent)).to.equal('FAIL');
    await m.page.close();
    const t = await open(files.timeout!);
    expect(await t.page.$$eval('svg.ladder.timed line.seg.missing', (ls) => ls.map((l) => getComputedStyle(l).strokeDasharray))).to.deep.equal(['6px, 4px']);
    expect(await t.page.$eval('svg.ladder.timed text.missing', (x) => x.textContent)).to.equal('✗ expected (step 5), never came: nothing within 3000 ms');
    await t.page.close();
  });

  it('the toggle switches the ladder between time-scaled and evenly spaced (CSS only)', async () => {
    const { page } = await open(files.pass!, false);
    const shown = () => page.$$eval('svg.ladder', (ss) => ss.map((s) => `${s.getAttribute('class')}:${getComputedStyle(s).display}`));
    expect(await shown()).to.deep.equal(['ladder timed:block', 'ladder even:none']);
    await page.click('label[for="even-0"]');
    expect(await shown()).to.deep.equal(['ladder timed:none', 'ladder even:block']);
    await page.close();
  });

  it('a suite: the verdict table links to each ladder in the same file; the filter keeps only failures', async () => {
    const { page, requests, errors } = await open(files.suite!);
    const links = await page.$$eval('table.verdicts a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).to.deep.equal(['#run-0', '#run-1', '#run-2']);
    for (const l of links) expect(await page.$(l!)).to.not.equal(null);
    const visible = () => page.$$eval('table.verdicts tr.ok, table.verdicts tr.bad', (rs) => rs.filter((r) => getComputedStyle(r).display !== 'none').length);
    expect(await visible()).to.equal(4);
    await page.click('label[for="only-failing"]');
    expect(await visible()).to.equal(2);
    expect(requests).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('a matrix: scenario x target, each cell with a run linking to its ladder', async () => {
    const { page, errors } = await open(files.matrix!);
    expect(await page.$$eval('table.matrix th', (ts) => ts.map((t) => t.textContent))).to.deep.equal(['scenario', 'RFC', 'linux', 'lwip']);
    const hrefs = await page.$$eval('table.matrix td a', (as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).to.have.length(6);
    for (const h of hrefs) expect(await page.$(h!)).to.not.equal(null);
    expect(await page.$$eval('table.matrix td.bad', (ts) => ts.length)).to.equal(2);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('with scripts disabled the ladder, the table and every packet\'s details are there', async () => {
    const { page } = await open(files.mismatch!, false);
    const rows = await page.$$eval('table.packets tr[data-pkt]', (r) => r.length);
    expect(rows).to.equal(7);
    expect(await page.$$eval('svg.ladder.timed g.arrow', (g) => g.length)).to.equal(rows);
    expect(await page.$$eval('details', (d) => d.length)).to.equal(await page.$$eval('table.packets tr[data-pkt]', (r) => r.length));
    await page.click('#detail-0-0 summary');
    expect(await page.$eval('#detail-0-0', (d) => (d as HTMLDetailsElement).open)).to.equal(true);
    await page.close();
  });
});
