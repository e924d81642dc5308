/**
 * The capture reader on pcap and pcapng: every block type and option it claims, both byte
 * orders, several sections and interfaces with their own link types and clocks, chunked input,
 * cut-off files, and 10^4 random and mutated files (never a throw, one sentence per problem).
 * tshark is the oracle for the pcapng tcpcraft writes (frames, times, comments).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPacket, CaptureReader, encodePcap, encodePcapng, Flag, LinkType, readCaptureBytes, ethernetHeader } from '../../src/wire/index.js';

const pkt = (seq: number, payload = ''): Uint8Array =>
  buildPacket({ ip: { src: '10.99.0.2', dst: '10.99.0.1' }, tcp: { srcPort: 40000, dstPort: 5000, seq, ack: 1, flags: Flag.ACK | Flag.PSH, window: 100, options: [] }, payload: new TextEncoder().encode(payload) });

/** A pcapng block in either byte order. */
function block(type: number, body: Uint8Array, little = true): Uint8Array {
  const total = 12 + body.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, little);
  v.setUint32(4, total, little);
  out.set(body, 8);
  v.setUint32(total - 4, total, little);
  return out;
}
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const pad = (b: Uint8Array): Uint8Array => cat(b, new Uint8Array(((b.length + 3) & ~3) - b.length));
function opt(code: number, value: Uint8Array, little = true): Uint8Array {
  const h = new Uint8Array(4);
  new DataView(h.buffer).setUint16(0, code, little);
  new DataView(h.buffer).setUint16(2, value.length, little);
  return cat(h, pad(value));
}
const END = new Uint8Array(4);
function shb(little = true): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x1a2b3c4d, little);
  v.setUint16(4, 1, little);
  v.setBigInt64(8, -1n, little);
  return block(0x0a0d0d0a, b, little);
}
function idb(linkType: number, little = true, tsresol?: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint16(0, linkType, little);
  new DataView(b.buffer).setUint32(4, 65535, little);
  return block(1, cat(b, ...(tsresol !== undefined ? [opt(9, Uint8Array.of(tsresol), little), END] : [])), little);
}
function epb(iface: number, ts: bigint, data: Uint8Array, little = true, comment?: string): Uint8Array {
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  v.setUint32(0, iface, little);
  v.setUint32(4, Number(ts >> 32n), little);
  v.setUint32(8, Number(ts & 0xffffffffn), little);
  v.setUint32(12, data.length, little);
  v.setUint32(16, data.length, little);
  return block(6, cat(h, pad(data), ...(comment ? [opt(1, new TextEncoder().encode(comment), little), END] : [])), little);
}
function spb(data: Uint8Array, little = true): Uint8Array {
  const h = new Uint8Array(4);
  new DataView(h.buffer).setUint32(0, data.length, little);
  return block(3, cat(h, pad(data)), little);
}
function opb(iface: number, ts: bigint, data: Uint8Array, little = true): Uint8Array {
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  v.setUint16(0, iface, little);
  v.setUint32(4, Number(ts >> 32n), little);
  v.setUint32(8, Number(ts & 0xffffffffn), little);
  v.setUint32(12, data.length, little);
  v.setUint32(16, data.length, little);
  return block(2, cat(h, pad(data)), little);
}

describe('capture reader: pcap and pcapng', () => {
  const eth = (p: Uint8Array) => cat(ethernetHeader('02:00:00:00:00:01', '02:00:00:00:00:02'), p);

  it('reads two sections of opposite byte order, interfaces with their own link types and clocks, EPB, SPB and OPB, and comments', () => {
    const file = cat(
      shb(true),
      idb(LinkType.ETHERNET, true), // µs
      idb(LinkType.RAW, true, 9), // ns
      epb(0, 1_700_000_000_123_456n, eth(pkt(1, 'a')), true, 'first'),
      epb(1, 1_700_000_000_123_456_789n, pkt(2, 'b')),
      spb(pkt(3, 'c')),
      shb(false),
      idb(LinkType.RAW, false, 0x80 | 20), // 2^-20 s
      opb(0, 1_700_000_000n << 20n, pkt(4, 'd'), false),
      epb(0, (1_700_000_001n << 20n) + (1n << 19n), pkt(5, 'e'), false, 'last'),
    );
    const r = readCaptureBytes(file);
    expect(r.problems).to.deep.equal([]);
    expect(r.format).to.equal('pcapng');
    expect(r.packets.map((p) => [p.frame, p.iface, p.linkType, String(p.timestampUs), p.comment ?? null])).to.deep.equal([
      [1, 0, LinkType.ETHERNET, '1700000000123456', 'first'],
      [2, 1, LinkType.RAW, '1700000000123456', null],
      [3, 0, LinkType.ETHERNET, '0', null],
      [4, 0, LinkType.RAW, '1700000000000000', null],
      [5, 0, LinkType.RAW, '1700000001500000', 'last'],
    ]);
    expect(Array.from(r.packets[1]!.data)).to.deep.equal(Array.from(pkt(2, 'b')));
  });

  it('gives the same packets whatever the chunk size (streaming)', () => {
    const file = encodePcapng(LinkType.RAW, Array.from({ length: 50 }, (_, i) => ({ timestampUs: BigInt(i) * 1000n, data: pkt(i, 'x'.repeat(i)), ...(i % 7 === 0 ? { comment: `n${i}` } : {}) })));
    const whole = readCaptureBytes(file).packets.map((p) => [p.frame, String(p.timestampUs), p.data.length, p.comment ?? '']);
    for (const size of [1, 3, 7, 64, 1000]) {
      const r = new CaptureReader();
      const got = [];
      for (let at = 0; at < file.length; at += size) got.push(...r.push(file.subarray(at, at + size)));
      expect(r.end()).to.deep.equal([]);
      expect(got.map((p) => [p.frame, String(p.timestampUs), p.data.length, p.comment ?? '']), `chunks of ${size}`).to.deep.equal(whole);
    }
  });

  it('reads classic pcap in both byte orders and both resolutions', () => {
    const le = encodePcap(LinkType.RAW, [{ timestampUs: 5_000_001n, data: pkt(1) }]);
    expect(readCaptureBytes(le).packets.map((p) => String(p.timestampUs))).to.deep.equal(['5000001']);
    // The same file big-endian with nanoseconds, by hand.
    const be = new Uint8Array(24 + 16 + pkt(1).length);
    const v = new DataView(be.buffer);
    v.setUint32(0, 0xa1b23c4d, false);
    v.setUint16(4, 2, false);
    v.setUint16(6, 4, false);
    v.setUint32(16, 65535, false);
    v.setUint32(20, LinkType.RAW, false);
    v.setUint32(24, 5, false);
    v.setUint32(28, 1_500, false);
    v.setUint32(32, pkt(1).length, false);
    v.setUint32(36, pkt(1).length, false);
    be.set(pkt(1), 40);
    const r = readCaptureBytes(be);
    expect(r.problems).to.deep.equal([]);
    expect(r.packets.map((p) => [p.linkType, String(p.timestampUs)])).to.deep.equal([[LinkType.RAW, '5000001']]);
  });

  it('reports a cut-off last packet in one sentence and keeps the ones before it', () => {
    const file = encodePcapng(LinkType.RAW, [1, 2, 3].map((i) => ({ timestampUs: BigInt(i), data: pkt(i, 'hello') })));
    const r = readCaptureBytes(file.subarray(0, file.length - 10));
    expect(r.packets).to.have.length(2);
    expect(r.problems).to.have.length(1);
    expect(r.problems[0]!.fatal).to.equal(false);
    expect(r.problems[0]!.message).to.match(/^the last enhanced packet block \(type 0x00000006\) at byte \d+ is cut off: \d+ of \d+ bytes are there; the 2 packets before it were read$/);
    const p = encodePcap(LinkType.RAW, [1, 2].map((i) => ({ timestampUs: BigInt(i), data: pkt(i) })));
    const rp = readCaptureBytes(p.subarray(0, p.length - 1));
    expect(rp.packets).to.have.length(1);
    expect(rp.problems[0]!.message).to.match(/^the last packet \(frame 2, record at byte \d+\) is cut off/);
  });

  it('names the block and byte offset of a broken structure, and stops there', () => {
    const good = cat(shb(), idb(LinkType.RAW));
    const cases: Array<[Uint8Array, RegExp]> = [
      [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), /^the file starts with 0x01020304: it is neither pcap \(a1b2c3d4\) nor pcapng \(0a0d0d0a\)$/],
      [cat(good, block(6, new Uint8Array(4))), /^enhanced packet block \(type 0x00000006\) at byte 48: 4 bytes are too few for a packet block$/],
      [cat(good, epb(3, 0n, pkt(1))), /^enhanced packet block \(type 0x00000006\) at byte 48: it names interface 3, but this section describes 1$/],
      [cat(good, Uint8Array.of(6, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), /at byte 48 says its length is 13, which is not a multiple of 4 of at least 12$/],
      [cat(shb(), Uint8Array.of(1, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 24, 0, 0, 0)), /^interface description block \(type 0x00000001\) at byte 28 ends with length 24, not the 20 it starts with$/],
      [new Uint8Array(0), /^the file is empty/],
    ];
    for (const [bytes, re] of cases) {
      const r = readCaptureBytes(bytes);
      const fatal = r.problems.filter((p) => p.fatal);
      expect(fatal.map((p) => p.message), re.source).to.have.length(1);
      expect(fatal[0]!.message).to.match(re);
    }
  });

  it('fuzz: 10^4 random and mutated files never throw; every problem is one sentence', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const bases = [
      encodePcapng(LinkType.RAW, [1, 2, 3].map((i) => ({ timestampUs: BigInt(i), data: pkt(i, 'abc'), comment: 'c' }))),
      encodePcap(LinkType.ETHERNET, [1, 2].map((i) => ({ timestampUs: BigInt(i), data: eth(pkt(i, 'xyz')) }))),
      cat(shb(false), idb(LinkType.RAW, false, 9), epb(0, 5n, pkt(1), false), spb(pkt(2), false)),
    ];
    for (let k = 0; k < 10_000; k++) {
      let bytes: Uint8Array;
      if (k % 4 === 0) bytes = Uint8Array.from({ length: rnd(200) }, () => rnd(256));
      else {
        bytes = Uint8Array.from(bases[k % bases.length]!);
        for (let m = 1 + rnd(4); m > 0; m--) bytes[rnd(bytes.length)] = rnd(256);
        if (k % 3 === 0) bytes = bytes.subarray(0, rnd(bytes.length + 1));
      }
      const r = new CaptureReader();
      const at = rnd(bytes.length + 1);
      r.push(bytes.subarray(0, at));
      r.push(bytes.subarray(at));
      for (const p of r.end()) {
        expect(p.message, `file ${k}`).to.not.include('\n');
        expect(p.message.length, `file ${k}`).to.be.within(10, 300);
      }
    }
  });

  it('tshark reads the pcapng tcpcraft writes: same frames, times and comments', function () {
    if (spawnSync('tshark', ['-v']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'tcpcraft-pcapng-'));
    try {
      const file = join(dir, 'notes.pcapng');
      writeFileSync(file, encodePcapng(LinkType.RAW, [
        { timestampUs: 1_700_000_000_000_001n, data: pkt(1, 'one'), comment: 'step 1: sent' },
        { timestampUs: 1_700_000_000_500_000n, data: pkt(4, 'two') },
        { timestampUs: 1_700_000_001_000_000n, data: pkt(7, 'three'), comment: 'step 3: FAIL: ack: expected 5 vs actual 4' },
      ]));
      const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.comment', '-e', 'tcp.len'], { encoding: 'utf8' });
      const rows = r.stdout.trim().split('\n').map((l) => l.split('|'));
      expect(rows.map((x) => [x[0], x[1]!.replace(/(\.\d{6})\d*$/, '$1'), x[2], x[3]])).to.deep.equal([
        ['1', '1700000000.000001', 'step 1: sent', '3'],
        ['2', '1700000000.500000', '', '3'],
        ['3', '1700000001.000000', 'step 3: FAIL: ack: expected 5 vs actual 4', '5'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
