/**
 * A classroom LAN, simulated: one server namespace running `tcpcraft lab serve` on a bridge, and
 * four student namespaces on that bridge (no default route anywhere), each checking exercises
 * against the one server at the same time, with its own guard and its own ports. All pass; no
 * student's run disturbs another's; afterwards no namespace, guard table or process is left.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EXERCISES, fileNameOf } from '../../src/exercise/catalog.js';
import { ROOT, must, outputOf, runBounded } from '../support/live.js';

const SERVER_ADDR = '10.88.0.1';
const STUDENTS = 4;
/** Exercises that may run side by side against one server (the nc of exercise 3 serves one connection at a time). */
const CHECKS = [1, 2, 4, 5, 6, 9];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a classroom LAN: one server, four students at once @live', function () {
  this.timeout(180_000);
  const id = randomBytes(3).toString('hex');
  const srv = `cr${id}s`;
  const students = Array.from({ length: STUDENTS }, (_, i) => `cr${id}${i + 1}`);
  const bridge = `c${id}br`;
  let serve: ChildProcess | undefined;
  let served: Promise<number | null> | undefined;

  before(async () => {
    for (const ns of [srv, ...students]) {
      await must(['ip', 'netns', 'add', ns]);
      await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await must(['ip', '-n', srv, 'link', 'add', bridge, 'type', 'bridge']);
    await must(['ip', '-n', srv, 'addr', 'add', `${SERVER_ADDR}/24`, 'dev', bridge]);
    await must(['ip', '-n', srv, 'link', 'set', bridge, 'up']);
    for (const [i, ns] of students.entries()) {
      const v = `c${id}v${i + 1}`;
      const b = `c${id}b${i + 1}`;
      await must(['ip', 'link', 'add', v, 'netns', ns, 'type', 'veth', 'peer', 'name', b, 'netns', srv]);
      await must(['ip', '-n', srv, 'link', 'set', b, 'master', bridge, 'up']);
      await must(['ip', '-n', ns, 'addr', 'add', `10.88.0.${11 + i}/24`, 'dev', v]);
      await must(['ip', '-n', ns, 'link', 'set', v, 'up']);
      // Real checksums in captures (as on the lab's veth).
      await runBounded(['ip', 'netns', 'exec', ns, 'ethtool', '-K', v, 'tx', 'off', 'rx', 'off', 'tso', 'off', 'gso', 'off', 'gro', 'off'], 10_000);
      await runBounded(['ip', 'netns', 'exec', srv, 'ethtool', '-K', b, 'tx', 'off', 'rx', 'off', 'tso', 'off', 'gso', 'off', 'gro', 'off'], 10_000);
    }
    for (const ns of [srv, ...students]) {
      const r = await runBounded(['ip', '-n', ns, 'route', 'show', 'default'], 5000);
      expect(r.stdout.toString().trim(), `${ns} has no default route`).to.equal('');
    }
    serve = spawn('ip', ['netns', 'exec', srv, process.execPath, `${ROOT}bin/tcpcraft.js`, 'lab', 'serve', '--addr', SERVER_ADDR, '--lifetime', '300'], { stdio: ['ignore', 'pipe', 'pipe'] });
    served = new Promise((r) => serve!.on('exit', (code) => r(code)));
    let out = '';
    serve.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    for (let k = 0; k < 100 && !/serving on/.test(out); k++) await sleep(50);
    expect(out).to.match(/serving on 10\.88\.0\.1/);
    // The services listen once the line is printed; give them a moment.
    for (let k = 0; k < 50; k++) {
      const ss = await runBounded(['ip', 'netns', 'exec', srv, 'ss', '-Hltn'], 5000);
      if ([':9 ', ':13 ', ':5000 '].every((p) => ss.stdout.toString().includes(`${SERVER_ADDR}${p}`))) break;
      await sleep(100);
    }
  });

  after(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGTERM');
      await served;
    }
    for (const ns of [srv, ...students]) await runBounded(['ip', 'netns', 'del', ns], 10_000);
    const left = await runBounded(['ip', 'netns', 'list'], 5000);
    expect(left.stdout.toString()).to.not.include(`cr${id}`);
  });

  it('every student checks the exercises at the same time against the one server: all pass, nothing left behind', async () => {
    const results = await Promise.all(
      students.map(async (ns, i) => {
        const problems: string[] = [];
        // Each student in a different order, so that different exercises overlap.
        const order = [...CHECKS.slice(i % CHECKS.length), ...CHECKS.slice(0, i % CHECKS.length)];
        for (const n of order) {
          const e = EXERCISES.find((x) => x.n === n)!;
          const r = await runBounded(['ip', 'netns', 'exec', ns, process.execPath, `${ROOT}bin/tcpcraft.js`, 'exercise', 'check', join(ROOT, 'scenarios/exercises/answers', fileNameOf(e)), '--dst', SERVER_ADDR, '--no-ladder'], 60_000);
          if (r.code !== 0) problems.push(`${ns} exercise ${n}: ${outputOf(r)}`);
        }
        const tables = await runBounded(['ip', 'netns', 'exec', ns, 'nft', 'list', 'tables'], 5000);
        if (tables.stdout.toString().includes('tcpcraft_')) problems.push(`${ns}: guard tables left: ${tables.stdout.toString()}`);
        return problems;
      }),
    );
    const problems = results.flat();
    expect(problems, problems.join('\n\n')).to.deep.equal([]);
    // The server stops on SIGTERM, with its services.
    serve!.kill('SIGTERM');
    expect(await served).to.equal(143);
    const ss = await runBounded(['ip', 'netns', 'exec', srv, 'ss', '-Hltn'], 5000);
    expect(ss.stdout.toString().trim(), 'no service listening after the server stopped').to.equal('');
  });
});
