/**
 * `tcpcraft init [DIR]`: a folder of the user's own scenarios, ready for their editor and `tsc`:
 * a starter scenario (the netcat seed's exchange), a tsconfig.json and a package.json naming
 * tcpcraft. Existing files are never overwritten.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EnvError } from '../errors.js';
import { code, source } from '../scenario/code.js';
import { VERSION } from '../version.js';
import { runCommandBody } from './output.js';

/**
 * The starter scenario: the netcat seed's handshake, data and close, with the numbers explained.
 * It is all our own text (nothing from the command line goes into it), written through the code
 * writer like every generated scenario.
 */
export const STARTER = source([
  code`// A first scenario: the handshake, 34 bytes of data and a close with the lab's nc (port 5000).
// seq and ack are relative to each side's ISN, as Wireshark shows them. Try it:
//   tcpcraft build first.ts                     (offline, against a model peer)
//   sudo tcpcraft lab up                        (a two-namespace lab with nc listening)
//   sudo tcpcraft lab exec client -- tcpcraft run first.ts
import { scenario, send, expect, mss } from 'tcpcraft';

export default scenario({
  name: 'first',
  peer: { host: '10.77.0.2', port: 5000 },
  steps: [
    send('S', { options: [mss(1460)] }), // our SYN has relative sequence number 0
    expect('SA', { seq: 0, ack: 1 }), // the SYN counts as one: the peer acknowledges 1
    send('A'),
    send('PA', { payload: 'hello from my first tcpcraft run\\n' }), // 33 bytes: seq 1 to 33
    expect('A', { ack: 34 }),
    send('FA'), // our FIN takes sequence number 34
    expect('A', { ack: 35, optional: true }), // the ACK of the FIN may come alone, or...
    expect('FA', { seq: 1, ack: 35 }), // ...folded into the peer's own FIN
    send('A'), // we acknowledge its FIN (its sequence number 1): done
  ],
});
`,
]);

/** The scenario folder's tsconfig: strict, ES modules, nothing emitted (tcpcraft compiles scenarios itself). */
export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    },
    include: ['*.ts', '**/*.ts'],
  },
  null,
  2,
)}\n`;

/** The scenario folder's package.json (ESM; tcpcraft and TypeScript for type-checking). */
export function packageJson(name: string): string {
  const safe = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'tcpcraft-scenarios';
  return `${JSON.stringify(
    {
      name: safe,
      private: true,
      type: 'module',
      scripts: { check: 'tsc -p .', build: 'tcpcraft build first.ts' },
      devDependencies: { tcpcraft: `^${VERSION}`, typescript: '^5.4.0' },
    },
    null,
    2,
  )}\n`;
}

/** Writes the starter files into `dir` (made if missing); returns the files written. */
export function initFolder(dir: string): string[] {
  const files: Array<[string, string]> = [
    ['first.ts', STARTER],
    ['tsconfig.json', TSCONFIG],
    ['package.json', packageJson(basename(resolve(dir)))],
  ];
  const taken = files.filter(([f]) => existsSync(join(dir, f))).map(([f]) => join(dir, f));
  if (taken.length) throw new EnvError(`${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}: tcpcraft init never overwrites; choose an empty or new directory.`);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of files) writeFileSync(join(dir, f), text);
  return files.map(([f]) => join(dir, f));
}

/** Adds `tcpcraft init` to `program`. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('start a folder of your own scenarios: a first scenario, a tsconfig.json and a package.json (never overwrites)')
    .argument('[dir]', 'the folder (made if missing)', '.')
    .addHelpText('after', `
Then, in that folder:
  npm install                 (tcpcraft and TypeScript, for your editor and 'npm run check'),
                              or 'npm link tcpcraft' to use a global install
  tcpcraft build first.ts     (offline: the exchange against a model peer)
  npm run check               (type-check every scenario with tsc)`)
    .action((dir: string) =>
      runCommandBody(async () => {
        const written = initFolder(dir);
        process.stdout.write(`wrote ${written.join(', ')}\nnext: cd ${dir} && npm install && tcpcraft build first.ts\n`);
        return 0;
      }),
    );
}
