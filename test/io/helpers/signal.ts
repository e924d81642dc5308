/**
 * Test helper: registers three cleanups, prints READY, then waits (bounded, 10 s) for a signal.
 * Each cleanup prints its label; the registry must run each once and exit 130/143.
 */
import { Cleanups } from '../../../src/io/cleanup.js';

const c = new Cleanups();
c.attachSignals();
c.add('first', () => void process.stdout.write('cleanup first\n'));
c.add('failing', () => {
  throw new Error('boom');
});
c.add('last', async () => {
  await new Promise((r) => setTimeout(r, 50));
  process.stdout.write('cleanup last\n');
});
process.stdout.write('READY\n');
setTimeout(() => process.exit(99), 10_000);
