import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { Cleanups } from '../../src/io/cleanup.js';
import { ROOT, tsNode } from './helpers/proc.js';

describe('io/cleanup', () => {
  it('runs every cleanup once, newest first, and keeps going after a failure', async () => {
    const order: string[] = [];
    const failures: string[] = [];
    const c = new Cleanups({ report: (label, err) => failures.push(`${label}: ${(err as Error).message}`) });
    c.add('a', () => void order.push('a'));
    c.add('b', () => {
      throw new Error('b broke');
    });
    c.add('c', async () => void order.push('c'));
    await Promise.all([c.runAll(), c.runAll()]);
    await c.runAll();
    expect(order).to.deep.equal(['c', 'a']);
    expect(failures).to.deep.equal(['b: b broke']);
    expect(c.size).to.equal(0);
  });

  it('an unregistered cleanup does not run; a hung one is abandoned after the step timeout', async () => {
    const order: string[] = [];
    const failures: string[] = [];
    const c = new Cleanups({ stepTimeoutMs: 50, report: (l) => failures.push(l) });
    const off = c.add('gone', () => void order.push('gone'));
    c.add('hang', () => new Promise<void>(() => undefined));
    c.add('ok', () => void order.push('ok'));
    off();
    await c.runAll();
    expect(order).to.deep.equal(['ok']);
    expect(failures).to.deep.equal(['hang']);
  });

  it('guarded() cleans up when the body throws, and detaches its signal handlers', async () => {
    const before = process.listenerCount('SIGINT');
    const order: string[] = [];
    const c = new Cleanups();
    let err: unknown;
    try {
      await c.guarded(async (cl) => {
        cl.add('x', () => void order.push('x'));
        expect(process.listenerCount('SIGINT')).to.equal(before + 1);
        throw new Error('scenario failed');
      });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.equal('scenario failed');
    expect(order).to.deep.equal(['x']);
    expect(process.listenerCount('SIGINT')).to.equal(before);
  });

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`on ${sig} runs each cleanup once, then exits ${code}`, async function () {
      this.timeout(15_000);
      const argv = tsNode('test/io/helpers/signal.ts');
      const child = spawn(argv[0] as string, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exit = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`helper not ready: ${err}`)), 10_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('READY')) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      child.kill(sig);
      expect(await exit).to.equal(code);
      expect(out.split('\n').filter((l) => l.startsWith('cleanup'))).to.deep.equal(['cleanup last', 'cleanup first']);
      expect(err).to.contain("cleanup 'failing' failed: boom");
    });
  }
});
