/**
 * lab/puppet.c speaks the protocol of src/lab/puppet.ts: driven over its stdin and stdout on the
 * host's loopback only (127.0.0.1, a port of 47000-47999), with the protocol's own parseReply and
 * writePattern. Needs build/lab-puppet (`make setup` builds it); skipped without it.
 */
import { expect } from 'chai';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BAD_REQUEST, PUPPET_PROTOCOL, parseReply, writePattern, type PuppetReply } from '../../src/lab/puppet.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PUPPET = join(ROOT, 'build/lab-puppet');

/** A running puppet: requests by session, replies matched to them by SID and ID. */
class Puppet {
  readonly child: ChildProcessByStdio<Writable, Readable, null>;
  readonly ready: Promise<string>;
  private readonly waiting = new Map<string, (r: PuppetReply) => void>();
  private readonly early = new Map<string, PuppetReply>();
  private readonly ids = new Map<number, number>();
  /** Reply lines that were no reply of the protocol's form. */
  readonly strays: string[] = [];

  constructor() {
    this.child = spawn(PUPPET, ['--lifetime', '60'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: this.child.stdout });
    let gotReady: (line: string) => void = () => {};
    this.ready = new Promise((resolve) => (gotReady = resolve));
    lines.on('line', (line) => {
      if (line.startsWith('0 0 ready ')) return gotReady(line);
      const m = /^(\d+) (.*)$/.exec(line);
      const reply = m ? parseReply(m[2]!) : undefined;
      if (!m || !reply) return void this.strays.push(line);
      const key = `${m[1]} ${reply.id}`;
      const w = this.waiting.get(key);
      if (w) {
        this.waiting.delete(key);
        w(reply);
      } else this.early.set(key, reply);
    });
  }

  /** Sends a line as it is (the test's own malformed ones). */
  raw(line: string): void {
    this.child.stdin.write(line + '\n');
  }

  /** The next request number of session sid. */
  nextId(sid: number): number {
    const id = (this.ids.get(sid) ?? 0) + 1;
    this.ids.set(sid, id);
    return id;
  }

  /** The reply to request id of session sid, when it comes. */
  reply(sid: number, id: number): Promise<PuppetReply> {
    const key = `${sid} ${id}`;
    const r = this.early.get(key);
    if (r) {
      this.early.delete(key);
      return Promise.resolve(r);
    }
    return new Promise((resolve) => this.waiting.set(key, resolve));
  }

  /** Sends `SID ID CALL ARG...` and waits for its reply. */
  call(sid: number, request: string): Promise<PuppetReply> {
    const id = this.nextId(sid);
    this.raw(`${sid} ${id} ${request}`);
    return this.reply(sid, id);
  }

  /** Reads from h until n bytes came (or the end of the stream). */
  async readAll(sid: number, h: number, n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const r = await this.call(sid, `read ${h} ${n - got} -`);
      expect(r.errno, 'read').to.equal(undefined);
      if (r.ret === 0) break;
      parts.push(Buffer.from(r.data!));
      got += r.ret;
    }
    return Buffer.concat(parts);
  }

  /** Ends the puppet by closing its stdin; resolves with its exit code. */
  stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.stdin.end();
    return exited;
  }
}

/** A listening socket of session sid on 127.0.0.1, at a free port of 47000-47999 found by trying. */
async function listener(p: Puppet, sid: number): Promise<{ h: number; port: number }> {
  const s = await p.call(sid, 'socket 4');
  expect(s.errno, 'socket').to.equal(undefined);
  for (let tries = 0; tries < 50; tries++) {
    const port = 47000 + Math.floor(Math.random() * 1000);
    const b = await p.call(sid, `bind ${s.ret} 127.0.0.1 ${port}`);
    if (b.errno === 'EADDRINUSE') continue;
    expect(b.errno, 'bind').to.equal(undefined);
    expect((await p.call(sid, `listen ${s.ret} 4`)).ret).to.equal(0);
    return { h: s.ret, port };
  }
  throw new Error('no free port in 47000-47999');
}

/** A connection over the loopback: the server's end in session server, the client's in client. */
async function connection(p: Puppet, server: number, client: number): Promise<{ listen: number; accepted: number; connected: number }> {
  const l = await listener(p, server);
  const acceptId = p.nextId(server);
  p.raw(`${server} ${acceptId} accept ${l.h}`);
  const c = await p.call(client, 'socket 4');
  const conn = await p.call(client, `connect ${c.ret} 127.0.0.1 ${l.port}`);
  expect([conn.ret, conn.errno], 'connect').to.deep.equal([0, undefined]);
  const a = await p.reply(server, acceptId);
  expect(a.errno, 'accept').to.equal(undefined);
  expect(a.ret).to.be.greaterThan(0);
  expect([l.h, c.ret]).to.not.include(a.ret);
  return { listen: l.h, accepted: a.ret, connected: c.ret };
}

describe('lab/puppet.c (build/lab-puppet) on the loopback', function () {
  let p: Puppet;
  const running: Puppet[] = [];

  before(function () {
    if (!existsSync(PUPPET)) this.skip();
  });

  beforeEach(async () => {
    p = new Puppet();
    running.push(p);
    expect(await p.ready).to.equal(`0 0 ready ${PUPPET_PROTOCOL} linux`);
  });

  afterEach(async () => {
    const q = running.pop();
    if (!q) return;
    expect(await q.stop(), 'exit code at the end of stdin').to.equal(0);
    expect(q.strays, 'lines that are no reply').to.deep.equal([]);
  });

  it('listen, accept, connect, write, read, shutdown and close between two sessions', async () => {
    const { accepted, connected } = await connection(p, 1, 2);
    // A handle is its session's only.
    expect((await p.call(2, `read ${accepted} 10 -`)).errno).to.equal('EBADF');

    const sent = Buffer.from('hello, puppet');
    const s = await p.call(2, `send ${connected} ${sent.toString('hex')} -`);
    expect([s.ret, s.errno]).to.deep.equal([sent.length, undefined]);
    expect(await p.readAll(1, accepted, sent.length)).to.deep.equal(sent);

    // The server's half close: the client reads the end, then can still write.
    expect((await p.call(1, `shutdown ${accepted} wr`)).ret).to.equal(0);
    const end = await p.call(2, `read ${connected} 100 -`);
    expect([end.ret, end.errno]).to.deep.equal([0, undefined]);
    expect(end.data).to.deep.equal(new Uint8Array(0));
    expect((await p.call(2, `write ${connected} 3 -`)).ret).to.equal(3);
    expect(await p.readAll(1, accepted, 3)).to.deep.equal(Buffer.from('abc'));

    // Options and nonblock on the way.
    expect((await p.call(2, `setsockopt ${connected} TCP_NODELAY 1`)).ret).to.equal(0);
    expect((await p.call(2, `getsockopt ${connected} TCP_NODELAY`)).ret).to.equal(1);
    expect((await p.call(2, `getsockopt ${connected} NO_SUCH_OPTION`)).errno).to.equal('ENOPROTOOPT');
    expect((await p.call(1, `nonblock ${accepted} 1`)).ret).to.equal(0);
    const none = await p.call(1, `read ${accepted} 10 -`);
    expect([none.ret, none.errno, none.data]).to.deep.equal([-1, 'EAGAIN', undefined]);

    expect((await p.call(2, `close ${connected}`)).ret).to.equal(0);
    expect((await p.call(2, `close ${connected}`)).errno).to.equal('EBADF');
    expect((await p.call(1, `nonblock ${accepted} 0`)).ret).to.equal(0);
    expect((await p.call(1, `read ${accepted} 10 -`)).ret).to.equal(0);
  });

  it('a blocked read is woken by the end of its session', async () => {
    const { accepted } = await connection(p, 3, 4);
    const id = p.nextId(3);
    p.raw(`3 ${id} read ${accepted} 10 -`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    p.raw('3 0 end');
    const r = await p.reply(3, id);
    expect([r.ret, r.errno]).to.deep.equal([0, undefined]);
    expect((await p.call(3, `read ${accepted} 10 -`)).errno).to.equal('EBADF');
  });

  it('write sends the write pattern, from `a` again at each write', async () => {
    const { accepted, connected } = await connection(p, 5, 6);
    for (const n of [1, 30, 1000]) {
      const w = await p.call(6, `write ${connected} ${n} -`);
      expect([w.ret, w.errno]).to.deep.equal([n, undefined]);
      expect(new Uint8Array(await p.readAll(5, accepted, n))).to.deep.equal(writePattern(n));
    }
  });

  it(`answers ${BAD_REQUEST} to a line it cannot parse, and nothing to one without SID and ID`, async () => {
    for (const line of ['garbage', '', 'x 1 socket 4', '1 x socket 4', '0 1 socket 4', '7 0 socket 4']) p.raw(line);
    const bad = ['frob 1', 'socket 5', 'socket', 'socket 4 4', 'read 1 0 -', 'read 1 65537 -', 'read 1 1 more', 'send 1 abc -', 'send 1 zz -', 'shutdown 1 both', 'nonblock 1 2', 'setsockopt 1 SO_LINGER -2', ' socket 4', 'socket 4 ', 'socket 4\r', 'socket \u00e9', `send 1 ${'ab'.repeat(70_000)} -`];
    for (const req of bad) {
      const r = await p.call(7, req);
      expect([r.ret, r.errno, r.durationUs], JSON.stringify(req.slice(0, 40))).to.deep.equal([-1, BAD_REQUEST, 0]);
    }
    // Still there, and the unparsable lines got no reply.
    const s = await p.call(7, 'socket 6');
    expect([s.errno, s.ret > 0]).to.deep.equal([undefined, true]);
    expect(p.strays).to.deep.equal([]);
  });
});
