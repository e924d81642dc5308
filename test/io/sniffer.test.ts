import { expect } from 'chai';
import net from 'node:net';
import { EnvError, UsageError } from '../../src/errors.js';
import { openSniffer } from '../../src/io/sniffer.js';
import { summarize } from './helpers/packets.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A loopback TCP server on an ephemeral port that echoes and closes. */
async function loopbackServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.end('pong');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function connectOnce(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('error', reject);
    c.on('data', () => undefined);
    c.on('close', () => resolve());
    c.setTimeout(3000, () => c.destroy());
  });
}

describe('io/sniffer', () => {
  it('rejects bad options before opening anything', () => {
    expect(() => openSniffer({ iface: '../etc', filter: '' })).to.throw(UsageError);
    expect(() => openSniffer({ iface: 'lo', filter: '', snaplen: 10 })).to.throw(UsageError, /snaplen/);
  });
});

describe('io/sniffer on loopback @live', function () {
  this.timeout(20_000);

  it('a missing interface is an EnvError, a bad filter a plain Error naming the filter', () => {
    expect(() => openSniffer({ iface: 'tcpcraftnone0', filter: 'tcp' })).to.throw(EnvError, /tcpcraftnone0 does not exist/);
    let err: unknown;
    try {
      openSniffer({ iface: 'lo', filter: 'tcp and frobnicate' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(Error).and.not.instanceOf(EnvError);
    expect((err as Error).message).to.match(/filter 'tcp and frobnicate'.*syntax error/);
  });

  it('delivers filtered frames promptly (immediate mode) as private copies with monotonic timestamps', async () => {
    const srv = await loopbackServer();
    const other = await loopbackServer();
    const sn = openSniffer({ iface: 'lo', filter: `tcp port ${srv.port}` });
    const frames: Array<{ frame: Uint8Array; ts: bigint; at: number }> = [];
    try {
      expect(sn.linkType).to.equal(1);
      sn.onFrame((frame, ts) => frames.push({ frame, ts, at: performance.now() }));
      const t0 = performance.now();
      const wall0 = BigInt(Date.now()) * 1000n;
      await connectOnce(srv.port);
      await connectOnce(other.port); // filtered out
      for (let i = 0; i < 20 && frames.length < 8; i++) await sleep(25);
      const seen = frames.map((f) => summarize(f.frame, sn.linkType, f.ts));
      expect(seen.every((s) => s !== undefined && (s.sport === srv.port || s.dport === srv.port))).to.equal(true);
      const syn = seen.findIndex((s) => s?.flags === 0x02);
      expect(syn).to.be.greaterThanOrEqual(0);
      // immediate mode: the SYN reached JS well before cap's 1000 ms read timeout would expire
      expect((frames[syn]?.at ?? Infinity) - t0).to.be.lessThan(300);
      const firstTs = frames[0]?.ts ?? 0n;
      expect(Number(firstTs - wall0)).to.be.within(-50_000, 1_000_000);
      for (let i = 1; i < frames.length; i++) expect((frames[i]?.ts ?? 0n) >= (frames[i - 1]?.ts ?? 0n)).to.equal(true);
      // copies: later frames did not overwrite the first one's bytes
      expect(seen[syn]?.flags).to.equal(0x02);
      expect(new Set(frames.map((f) => f.frame.buffer)).size).to.equal(frames.length);
    } finally {
      sn.close();
      sn.close();
      await srv.close();
      await other.close();
    }
    const n = frames.length;
    const late = await loopbackServer();
    try {
      await connectOnce(late.port);
      await sleep(100);
    } finally {
      await late.close();
    }
    expect(frames.length).to.equal(n);
  });

  it('truncates frames longer than snaplen instead of failing', async () => {
    const big = net.createServer((s) => {
      s.on('error', () => undefined);
      s.end(Buffer.alloc(3000, 0x61));
    });
    await new Promise<void>((r) => big.listen(0, '127.0.0.1', r));
    const port = (big.address() as net.AddressInfo).port;
    const sn = openSniffer({ iface: 'lo', filter: `tcp src port ${port}`, snaplen: 100 });
    const lens: number[] = [];
    try {
      sn.onFrame((f) => lens.push(f.length));
      await connectOnce(port);
      for (let i = 0; i < 20 && lens.length < 3; i++) await sleep(25);
    } finally {
      sn.close();
      await new Promise<void>((r) => big.close(() => r()));
    }
    expect(lens.length).to.be.greaterThan(1);
    expect(Math.max(...lens)).to.equal(100);
  });
});
