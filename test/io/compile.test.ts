/** The scenario compile cache (src/io/compile.ts): which files take it, where it lives, and that steps keep their file:line. */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, compiledScenario, importsOf } from '../../src/io/compile.js';
import { loadScenario } from '../../src/io/load.js';

describe('io/compile: the scenario cache', () => {
  let dir: string;
  let cache: string;
  const saved = process.env.TCPCRAFT_CACHE;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-compile-'));
    cache = join(dir, 'cache');
    process.env.TCPCRAFT_CACHE = cache;
  });
  after(() => {
    if (saved === undefined) delete process.env.TCPCRAFT_CACHE;
    else process.env.TCPCRAFT_CACHE = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('lives in TCPCRAFT_CACHE, else XDG_CACHE_HOME, else ~/.cache; off turns it off', () => {
    expect(cacheDir({ TCPCRAFT_CACHE: '/x' })).to.equal('/x');
    expect(cacheDir({ TCPCRAFT_CACHE: 'off' })).to.equal(undefined);
    expect(cacheDir({ XDG_CACHE_HOME: '/c' })).to.equal('/c/tcpcraft/scenarios');
    expect(cacheDir({})).to.match(/\/\.cache\/tcpcraft\/scenarios$/);
  });

  it('reads the imports of compiled code, and what needs tsx (require, import.meta, dynamic import)', () => {
    expect(importsOf('import { a } from "tcpcraft";\nimport x from "node:fs";\nexport { b } from "./b.js";\nimport "side";\n')).to.deep.equal({ specifiers: ['tcpcraft', 'node:fs', './b.js', 'side'], dynamic: false });
    expect(importsOf('const p = "data from \\"x\\"";').specifiers).to.deep.equal([]);
    for (const code of ['const m = await import("x");', 'const u = import.meta.url;', 'const f = require("fs");', 'module.exports = 1;']) expect(importsOf(code).dynamic, code).to.equal(true);
  });

  it('caches a self-contained scenario once, keyed by its text, and keeps the file:line of each step', async () => {
    const file = join(dir, 'one.ts');
    const text = (n: number) => `import { scenario, send, expect } from 'tcpcraft';\n\nexport default scenario({\n  name: 'one',\n  peer: { host: '10.77.0.2', port: ${n} },\n  steps: [\n    send('S'),\n    expect('SA', { ack: 1 }),\n  ],\n});\n`;
    writeFileSync(file, text(13));
    const first = await compiledScenario(file, file, 'file:///nowhere/index.js');
    expect(first).to.be.a('string');
    expect(readdirSync(cache)).to.have.length(1);
    expect(await compiledScenario(file, file, 'file:///nowhere/index.js')).to.equal(first);
    writeFileSync(file, text(5000));
    expect(await compiledScenario(file, file, 'file:///nowhere/index.js')).to.not.equal(first);
    const sc = await loadScenario(file);
    expect(sc.peer?.port).to.equal(5000);
    expect(sc.steps.map((s) => [s.site?.file, s.site?.line])).to.deep.equal([
      [file, 7],
      [file, 8],
    ]);
  });

  it('leaves scenarios with helpers of their own, CommonJS and .cts to tsx', async () => {
    writeFileSync(join(dir, 'helper.ts'), "export const n = 13;\n");
    const withHelper = join(dir, 'uses.ts');
    writeFileSync(withHelper, "import { scenario, send } from 'tcpcraft';\nimport { n } from './helper.js';\nexport default scenario({ name: 'u', peer: { host: '10.77.0.2', port: n }, steps: [send('S')] });\n");
    expect(await compiledScenario(withHelper, withHelper, 'file:///x.js')).to.equal(undefined);
    expect((await loadScenario(withHelper)).peer?.port).to.equal(13);
    const cts = join(dir, 'c.cts');
    writeFileSync(cts, "import { scenario, send } from 'tcpcraft';\nexport default scenario({ name: 'c', peer: { host: '10.77.0.2', port: 13 }, steps: [send('S')] });\n");
    expect(await compiledScenario(cts, cts, 'file:///x.js')).to.equal(undefined);
  });

  it('a syntax error is a ScenarioError naming file:line:col, and nothing is cached', async () => {
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, "import { scenario } from 'tcpcraft';\nexport default scenario({ name: 'b', steps: [ });\n");
    const before = readdirSync(cache).length;
    const err = await compiledScenario('bad.ts', bad, 'file:///x.js').then(() => undefined, (e: Error) => e);
    expect(err?.name).to.equal('ScenarioError');
    expect(err?.message.split('\n')[0]).to.match(/^bad\.ts:2:\d+: syntax error: /);
    expect(readdirSync(cache)).to.have.length(before);
  });

  it('TCPCRAFT_CACHE=off: compiled through tsx, nothing written', async () => {
    process.env.TCPCRAFT_CACHE = 'off';
    try {
      const file = join(dir, 'off.ts');
      writeFileSync(file, "import { scenario, send } from 'tcpcraft';\nexport default scenario({ name: 'off', peer: { host: '10.77.0.2', port: 13 }, steps: [send('S')] });\n");
      expect(await compiledScenario(file, file, 'file:///x.js')).to.equal(undefined);
      expect((await loadScenario(file)).name).to.equal('off');
    } finally {
      process.env.TCPCRAFT_CACHE = cache;
    }
  });
});
