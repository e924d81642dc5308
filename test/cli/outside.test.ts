/**
 * Scenario files load from anywhere on disk, not only inside this package: a .ts file in a temp
 * directory (no package.json around it), importing 'tcpcraft' and a helper module of its own; the
 * same scenario as .mts, .cts, .js, .mjs and .cjs (require()); a syntax error named by file:line:col.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function tcpcraft(args: string[], cwd: string) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/tcpcraft.js'), ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
}

describe('cli: scenarios outside the package', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    const tsc = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'tsconfig.json')], { encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`tsc failed: ${tsc.stdout}${tsc.stderr}`);
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-outside-'));
    writeFileSync(join(dir, 'steps.ts'), `import { send, expect } from 'tcpcraft';\nexport const handshake = () => [send('S'), expect('SA', { seq: 0, ack: 1 }), send('A')];\n`);
    writeFileSync(
      join(dir, 'ok.ts'),
      `import { scenario, send } from 'tcpcraft';\nimport { handshake } from './steps.js';\n\nexport default scenario({\n  name: 'outside',\n  peer: { host: '10.77.0.2', port: 13 },\n  steps: [...handshake(), send('R')],\n});\n`,
    );
    writeFileSync(join(dir, 'bad.ts'), `import { scenario, send, expect } from 'tcpcraft';\n\nexport default scenario({\n  name: 'bad',\n  peer: { host: '10.77.0.2', port: 13 },\n  steps: [send('S'), expect('QA')],\n});\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a scenario from a temp directory that imports a helper module', () => {
    const r = tcpcraft(['build', join(dir, 'ok.ts'), '--isn', '0', '--peer-isn', '0', '--no-ladder'], dir);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^outside {2}/);
    expect(r.stdout.trim().split('\n')).to.have.length(2 + 4);
  });

  it('names the file and line of a bad step written there', () => {
    const r = tcpcraft(['build', 'bad.ts'], dir);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim()).to.equal("tcpcraft: bad.ts:6: step 2 (expect 'QA'): flags: unknown flag letter 'Q' in 'QA' (use F S R P A U E W N, e.g. 'SA', 'PA', 'FA')");
  });

  it('loads .ts, .mts, .cts, .js, .mjs and .cjs alike (import or require of tcpcraft)', () => {
    const body = (name: string) => `scenario({ name: '${name}', peer: { host: '10.77.0.2', port: 13 }, steps: [send('S'), expect('SA', { ack: 1 })] })`;
    const esm = (name: string) => `import { scenario, send, expect } from 'tcpcraft';\nexport default ${body(name)};\n`;
    const files: Record<string, string> = {
      'x.mts': esm('x-mts'),
      'x.cts': esm('x-cts'),
      'x.js': esm('x-js'),
      'x.mjs': esm('x-mjs'),
      'x.cjs': `const { scenario, send, expect } = require('tcpcraft');\nmodule.exports = ${body('x-cjs')};\n`,
    };
    for (const [file, text] of Object.entries(files)) {
      writeFileSync(join(dir, file), text);
      const r = tcpcraft(['build', file, '--no-ladder'], dir);
      expect(r.status, `${file}: ${r.stderr}`).to.equal(0);
      expect(r.stdout, file).to.match(new RegExp(`^x-${file.split('.')[1]} {2}`));
    }
  });

  it('a syntax error names file:line:col and the compiler\'s message, and shows the line with a caret', () => {
    const line = "export default scenario({ name: 's', peer: { host: '10.77.0.2', port: 13 }, steps: [send('S') });";
    writeFileSync(join(dir, 'syntax.ts'), `import { scenario, send } from 'tcpcraft';\n${line}\n`);
    const col = line.lastIndexOf('}'); // where the ']' is missing (0-based)
    const r = tcpcraft(['build', 'syntax.ts'], dir);
    expect(r.status).to.equal(2);
    expect(r.stderr.split('\n').slice(0, 3)).to.deep.equal([`tcpcraft: syntax.ts:2:${col + 1}: syntax error: Expected "]" but found "}"`, `  ${line}`, `  ${' '.repeat(col)}^`]);
  });
});
