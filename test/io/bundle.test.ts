/**
 * The bundle a process about to drop root makes of a scenario (issue 22): modules of the
 * scenario's own, from wherever it imports them, but no other file's text, JSON or bytes, which
 * esbuild, reading as root, would otherwise inline for the unprivileged scenario to read.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledScenario } from '../../src/io/compile.js';

describe('scenario bundles', () => {
  let dir = '';
  const saved = process.env.TCPCRAFT_CACHE;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-bundle-'));
    process.env.TCPCRAFT_CACHE = 'off';
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET\n');
    writeFileSync(join(dir, 'data.json'), '{"k":"TOP-SECRET"}\n');
    writeFileSync(join(dir, 'elsewhere', 'steps.ts'), "import { send } from 'tcpcraft';\nexport const syn = () => send('S');\n");
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.TCPCRAFT_CACHE;
    else process.env.TCPCRAFT_CACHE = saved;
  });

  const scenario = (imports: string) => `import { scenario } from 'tcpcraft';\n${imports}\nexport default scenario({ name: 'b', peer: { host: '10.77.0.2', port: 9 }, steps: [] });\n`;

  it('takes a module of its own from another folder (a twin imports its original by path)', async () => {
    writeFileSync(join(dir, 'a', 'ok.ts'), scenario(`import { syn } from ${JSON.stringify(join(dir, 'elsewhere', 'steps.ts'))};\nconsole.log(syn);`));
    const code = await bundledScenario('ok.ts', join(dir, 'a', 'ok.ts'), 'tcpcraft.api');
    expect(code).to.match(/\.send\)\("S"\)/).and.not.include('TOP-SECRET');
  });

  for (const [what, line] of [
    ['a text file through an import attribute', `import s from ${JSON.stringify(join(dir || '/x', 'secret.txt'))} with { type: 'text' };\nconsole.log(s);`],
    ['a JSON file', `import d from '../data.json';\nconsole.log(d);`],
    ['a text file by its default loader', `import s from '../secret.txt';\nconsole.log(s);`],
  ] as const) {
    it(`refuses ${what}, naming the file and line, and leaks nothing`, async () => {
      const file = join(dir, 'a', `bad-${what.length}.ts`);
      writeFileSync(file, scenario(line.replace('/x', dir)));
      let err: Error | undefined;
      try {
        await bundledScenario('bad.ts', file, 'tcpcraft.api');
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).to.match(/bad\.ts:2:\d+: a scenario may import only modules/);
      expect(err?.message).to.not.include('TOP-SECRET');
    });
  }
});
