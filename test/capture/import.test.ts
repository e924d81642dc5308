/**
 * `tcpcraft import` with hostile input (issue 22): the path of the capture, the scenario name and
 * the payloads are untrusted, and reach the scenario only as string literals and in comments
 * made safe by the code writer. Whatever they hold, the scenario parses, loads with the name and
 * payloads it was given, and runs nothing of theirs: the sentinel file their code would write is
 * never written. In process (a property over hostile text) and through the real entry point
 * (`node bin/tcpcraft.js import`, then `build`), including the reported case: a capture under a
 * directory named `y*` / `process.getBuiltinModule('fs').writeFileSync('PWNED9','x');`.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCapture } from '../../src/cli/capture.js';
import { importScenario, type ImportSide } from '../../src/capture/import.js';
import { loadScenario } from '../../src/io/load.js';
import { payloadBytes } from '../../src/scenario/model.js';
import { buildPacket, encodePcap, LinkType } from '../../src/wire/index.js';
import { checkGenerated, fileName, hostileText, longHostileText, relativeDir, sentinelWriters } from '../support/hostile.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = join(ROOT, 'test/fixtures/nc-opts-eth.pcap');

const A = { ip: '10.9.0.1', port: 40000 };
const B = { ip: '10.9.0.2', port: 5000 };

/** A pcap of one conversation: handshake, our data, their data, our FIN; `ours`/`theirs` as the payloads. */
function conversationPcap(ours: Uint8Array, theirs: Uint8Array): Uint8Array {
  const isnA = 1000;
  const isnB = 50000;
  const seg = (from: typeof A, to: typeof A, seq: number, ack: number, flags: number, payload: Uint8Array = new Uint8Array(0)) =>
    buildPacket({ ip: { src: from.ip, dst: to.ip }, tcp: { srcPort: from.port, dstPort: to.port, seq, ack, flags, window: 64240, options: [] }, payload });
  const packets = [
    seg(A, B, isnA, 0, 0x02),
    seg(B, A, isnB, isnA + 1, 0x12),
    seg(A, B, isnA + 1, isnB + 1, 0x10),
    seg(A, B, isnA + 1, isnB + 1, 0x18, ours),
    seg(B, A, isnB + 1, isnA + 1 + ours.length, 0x18, theirs),
    seg(A, B, isnA + 1 + ours.length, isnB + 1 + theirs.length, 0x11),
  ];
  return encodePcap(LinkType.RAW, packets.map((data, i) => ({ timestampUs: 1_700_000_000_000_000n + BigInt(i * 1000), data })));
}

/** The bytes of `text` as a payload: UTF-8 or Latin-1 (so that printable ASCII comes as a string literal), at most `max`. */
const bytesOf = (text: string, latin1: boolean, max = 1400): Uint8Array => new Uint8Array(Buffer.from(text, latin1 ? 'latin1' : 'utf8').subarray(0, max));

/** `node bin/tcpcraft.js ARGS` in `cwd`, with its own scenario cache. */
function cli(cwd: string, cache: string, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tcpcraft.js'), ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TCPCRAFT_CACHE: cache } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('import: untrusted text never becomes code', function () {
  this.timeout(180_000);
  let tmp = '';
  let sentinel = '';
  const saved = process.env.TCPCRAFT_CACHE;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-hostile-'));
    // Started as root, build runs the scenario's code as nobody (src/io/sandbox.ts): the sentinel's
    // directory must be one nobody could write, or a write that got out would fail unseen.
    chmodSync(tmp, 0o777);
    sentinel = join(tmp, 'PWNED');
    process.env.TCPCRAFT_CACHE = join(tmp, 'cache');
  });
  after(() => {
    if (saved === undefined) delete process.env.TCPCRAFT_CACHE;
    else process.env.TCPCRAFT_CACHE = saved;
    rmSync(tmp, { recursive: true, force: true });
  });

  /** Imports the conversation with `name` and `source`, loads the scenario, checks it said what it was given. */
  async function importAndLoad(n: number, name: string, source: string, ours: Uint8Array, theirs: Uint8Array, as: ImportSide): Promise<string> {
    const pcap = join(tmp, `c${n}.pcap`);
    writeFileSync(pcap, conversationPcap(ours, theirs));
    const scan = await scanCapture(pcap, 0);
    const text = importScenario(scan.selected!, scan.frames, { as, name, source });
    checkGenerated(text, `import ${n}`);
    const file = join(tmp, `s${n}.ts`);
    writeFileSync(file, text);
    const sc = await loadScenario(file);
    expect(existsSync(sentinel), 'the sentinel was written').to.equal(false);
    expect(sc.name).to.equal(name);
    // Our one data segment is sent with its payload exactly, whatever it held.
    const sent = sc.steps.filter((s) => s.kind === 'send' && s.fields.payload !== undefined).map((s) => (s.kind === 'send' ? Buffer.from(payloadBytes(s.fields.payload)).toString('hex') : ''));
    expect(sent).to.deep.equal([Buffer.from(as === 'client' ? ours : theirs).toString('hex')]);
    return text;
  }

  it('property: hostile names, capture paths and payloads (in process, loaded with loadScenario)', async () => {
    const hostile = hostileText(sentinelWriters(join(tmpdir(), 'never', 'PWNED')));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, hostile, fc.boolean(), fc.constantFrom<ImportSide>('client', 'server'), async (name, source, ours, theirs, latin1, as) => {
        n += 1;
        // A name is never blank (validation wants one); the rest may be anything.
        await importAndLoad(n, `n${name}`, source, bytesOf(ours || 'x', latin1), bytesOf(theirs || 'y', !latin1), as);
      }),
      { seed: 2205, numRuns: 60 },
    );
  });

  it('the sentinel writers themselves, as name, path and payloads (which hit the sentinel if they ever ran)', async () => {
    const writers = sentinelWriters(sentinel);
    let n = 1000;
    for (const w of writers) {
      for (const latin1 of [true, false]) {
        n += 1;
        await importAndLoad(n, `n${w}`, `/captures/${w}/${w}.pcap`, bytesOf(w, latin1), bytesOf(w, latin1), n % 2 ? 'client' : 'server');
      }
    }
    // A write that did run would have made it: the sentinel's directory is there to write into.
    expect(existsSync(tmp)).to.equal(true);
  });

  it('100,000 characters of hostile text as name and path, and 20,000 bytes of it as payloads', async () => {
    const long = longHostileText(sentinelWriters(sentinel));
    const text = await importAndLoad(2000, `n${long}`, long, bytesOf(long, true, 20_000), bytesOf(long, false, 20_000), 'client');
    expect(text.length).to.be.greaterThan(200_000);
  });

  describe('through the real entry point: tcpcraft import, then tcpcraft build', () => {
    before(() => {
      // dist from the current sources (tsc emits even where someone's work in progress has type errors).
      spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
      if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js was not built');
    });

    /** A directory to run the CLI in, writable by whoever the scenario's code runs as. */
    function workDir(): string {
      const work = mkdtempSync(join(tmp, 'cli-'));
      chmodSync(work, 0o777);
      return work;
    }

    it('control: a scenario that does write files, built the same way, is seen writing them', () => {
      const work = workDir();
      const control = join(tmp, 'CONTROL');
      const file = join(work, 'control.ts');
      writeFileSync(
        file,
        `import { scenario, send } from 'tcpcraft';\nprocess.getBuiltinModule('fs').writeFileSync(${JSON.stringify(control)}, 'x');\nprocess.getBuiltinModule('fs').writeFileSync('CONTROL9', 'x');\nexport default scenario({ name: 'control', peer: { host: '10.77.0.2', port: 5000 }, steps: [send('S')] });\n`,
      );
      const build = cli(work, join(work, 'cache'), 'build', file, '--no-ladder');
      expect(build.code, build.err).to.equal(0);
      expect(existsSync(control), 'absolute').to.equal(true);
      expect(existsSync(join(work, 'CONTROL9')), 'relative to the working directory').to.equal(true);
    });

    /** Copies the fixture to DIR/FILE, imports it with the CLI, builds the result; both must succeed and write nothing else. */
    function importThenBuild(dir: string, file: string, mark: string): string {
      const work = workDir();
      const cache = join(work, 'cache');
      mkdirSync(dir, { recursive: true });
      const capture = join(dir, file);
      copyFileSync(FIXTURE, capture);
      const out = join(work, 'imported.ts');
      const imp = cli(work, cache, 'import', capture, '-o', out);
      expect(imp.code, `${mark}: import: ${imp.err}`).to.equal(0);
      const text = readFileSync(out, 'utf8');
      checkGenerated(text, out);
      const build = cli(work, cache, 'build', out, '--no-ladder');
      expect(build.err, `${mark}: build`).to.equal('');
      expect(build.code, `${mark}: build`).to.equal(0);
      expect(build.out).to.contain('C -> S');
      return text;
    }

    it("the reported case: a capture under y*/process.getBuiltinModule('fs').writeFileSync('PWNED9','x');", () => {
      // As reported (a relative sentinel, so each command runs in its own directory and we look
      // there), and with an absolute sentinel inside our temporary directory. A file named `*.pcap`
      // reopens a comment after the code, which made the old header comment run it.
      const absolute = join(tmp, 'PWNED9');
      const dirs = [join(tmp, 'reported', "y*/process.getBuiltinModule('fs').writeFileSync('PWNED9','x');"), join(tmp, 'absolute', `y*/process.getBuiltinModule('fs').writeFileSync('${absolute}','x');`)];
      for (const dir of dirs) {
        for (const file of ['*.pcap', 'capture.pcap']) {
          const text = importThenBuild(dir, file, `${dir}/${file}`);
          expect(text.split('\n')[1]).to.equal(` * Imported by \`tcpcraft import\` from ${`${dir}/${file}`.replace(/\*\//g, '*\\/')}: stream 0, 10.99.0.2:43926 -> 10.99.0.1:5000,`);
          expect(text).to.contain(`description: ${JSON.stringify(`Replay of stream 0 of ${file} as the client`)},`);
        }
      }
      expect(existsSync(absolute), 'absolute sentinel').to.equal(false);
      const relative = spawnSync('find', [tmp, '-name', 'PWNED9'], { encoding: 'utf8' });
      expect(relative.stdout, 'a PWNED9 anywhere under the temporary directory').to.equal('');
    });

    it('property: hostile directory and file names (16 seeded cases)', () => {
      const hostile = hostileText(sentinelWriters(sentinel), 8);
      const cases = fc.sample(fc.tuple(hostile, hostile), { seed: 2206, numRuns: 16 });
      cases.forEach(([d, f], i) => {
        const dir = join(tmp, 'paths', String(i), relativeDir(d));
        const file = `${fileName(f)}.pcap`;
        importThenBuild(dir, file, `case ${i}`);
        expect(existsSync(sentinel), `case ${i}: the sentinel`).to.equal(false);
      });
    });
  });
});
