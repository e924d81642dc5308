/**
 * `replay` runs a capture as data (issue 22): the scenario it builds without writing or running
 * any code is the one `import` writes, step for step, on every fixture capture and both sides, and
 * hostile payloads come through as the bytes they are.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCapture } from '../../src/cli/capture.js';
import { importedScenario, importScenario, type ImportSide } from '../../src/capture/import.js';
import { loadScenario } from '../../src/io/load.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures');

/** A scenario's steps without where they were written (a file's steps have sites, data's do not). */
function bare(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(bare);
  if (value instanceof Uint8Array) return [...value];
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'site').map(([k, v]) => [k, bare(v)]));
  return value;
}

describe('replay: the capture as data is the scenario import writes', function () {
  this.timeout(120_000);
  let tmp = '';
  before(() => (tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-replaydata-'))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const files = readdirSync(FIXTURES).filter((f) => /\.pcap$/.test(f));
  for (const f of files) {
    for (const as of ['client', 'server'] as ImportSide[]) {
      it(`${f} as the ${as}`, async () => {
        const file = join(FIXTURES, f);
        const scan = await scanCapture(file, 0);
        const conv = scan.selected!;
        const o = { as, name: `${f}-${as}`, source: file };
        const generated = join(tmp, `${f}-${as}.ts`);
        writeFileSync(generated, importScenario(conv, scan.frames, o));
        const fromCode = await loadScenario(generated);
        const fromData = importedScenario(conv, scan.frames, o);
        expect(bare(fromData)).to.deep.equal(bare(fromCode));
        expect(fromData.steps.length).to.be.greaterThan(2);
      });
    }
  }
});
