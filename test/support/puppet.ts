/** The puppet's round trip on a lab target, for the live tests of every target. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabConfig } from '../../src/io/lab.js';
import { outputOf, ROOT, tcpcraftIn } from './live.js';

interface Json {
  events: Array<{ kind: string; flags: string; seq: number | null; ack: number | null; len: number }>;
}

const PUPPET_OPEN = `${ROOT}test/fixtures/app/open-write-read-close.ts`;
const PUPPET_CONNECT = `${ROOT}test/fixtures/app/connect-write-close.ts`;

/** The segments of a run's JSON report as [flags, seq, ack, len], cleanup left out. */
const wire = (rep: Json): Array<[string, number | null, number | null, number]> => rep.events.filter((e) => e.kind !== 'cleanup').map((e) => [e.flags, e.seq, e.ack, e.len]);

/**
 * The puppet on `cfg`'s target: the application listens, accepts, writes 10 bytes, reads 5,
 * half-closes, reads the end and closes, and the wire shows exactly that; then (unless the target
 * cannot) it connects to us, writes 3 bytes and closes.
 */
export async function puppetRoundTrip(cfg: LabConfig, dir: string, connects = true): Promise<void> {
  const json = join(dir, 'puppet.json');
  const r = await tcpcraftIn(cfg, 'client', ['run', PUPPET_OPEN, '--lab', cfg.name, '--json', json]);
  expect(r.code, outputOf(r)).to.equal(0);
  const rep = JSON.parse(readFileSync(json, 'utf8')) as Json & { app: Array<{ call: string; ret: number }> };
  expect(wire(rep)).to.deep.equal([
    ['S', 0, null, 0],
    ['SA', 0, 1, 0],
    ['A', 1, 1, 0],
    ['PA', 1, 1, 10],
    ['A', 1, 11, 0],
    ['PA', 1, 11, 5],
    ['A', 11, 6, 0],
    ['FA', 11, 6, 0],
    ['FA', 6, 12, 0],
    ['A', 12, 7, 0],
  ]);
  expect(rep.app.map((a) => `${a.call} ${a.call === 'accept' && a.ret > 0 ? '>0' : a.ret}`)).to.deep.equal([
    'setsockopt TCP_NODELAY 1 0',
    'listen 0',
    'accept >0',
    'write 10 10',
    'read 100 5',
    'shutdown wr 0',
    'read 100 0',
    'close 0',
  ]);
  if (!connects) return;
  const json2 = join(dir, 'connect.json');
  const c = await tcpcraftIn(cfg, 'client', ['run', PUPPET_CONNECT, '--lab', cfg.name, '--json', json2]);
  expect(c.code, outputOf(c)).to.equal(0);
  expect(wire(JSON.parse(readFileSync(json2, 'utf8')) as Json)).to.deep.equal([
    ['S', 0, null, 0],
    ['SA', 0, 1, 0],
    ['A', 1, 1, 0],
    ['PA', 1, 1, 3],
    ['A', 1, 4, 0],
    ['FA', 4, 1, 0],
    ['FA', 1, 5, 0],
    ['A', 5, 2, 0],
  ]);
}
