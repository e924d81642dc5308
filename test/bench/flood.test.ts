/** Unit tests of the flood loop and templates (no root, no socket): bounds, stops, pacing, varied fields. */
import { expect } from 'chai';
import { FLOOD_LIMITS, checkFloodConfig, flood } from '../../src/flood/loop.js';
import { FloodTemplate, parseSegmentSpec } from '../../src/flood/template.js';
import { verifyTcpChecksum } from '../../src/wire/checksum.js';
import { parsePacket } from '../../src/wire/packet.js';
import { Flag } from '../../src/wire/tcp.js';
import { UsageError } from '../../src/errors.js';

const SPEC = { ip: { src: '10.77.0.1', dst: '10.77.0.2' }, tcp: { srcPort: 65534, dstPort: 9, seq: 0xffff_fffe, ack: 0, flags: Flag.SYN } };

describe('flood (unit)', () => {
  it('refuses configs outside the limits', () => {
    expect(() => checkFloodConfig({ count: 0, durationS: 1 })).to.throw(UsageError, /--count/);
    expect(() => checkFloodConfig({ count: FLOOD_LIMITS.maxCount + 1, durationS: 1 })).to.throw(UsageError, /--count/);
    expect(() => checkFloodConfig({ count: 1, durationS: 0 })).to.throw(UsageError, /--duration/);
    expect(() => checkFloodConfig({ count: 1, durationS: FLOOD_LIMITS.maxDurationS + 1 })).to.throw(UsageError, /--duration/);
    expect(() => checkFloodConfig({ count: 1, durationS: 1, rate: 0 })).to.throw(UsageError, /--rate/);
  });

  it('stops at the count', async () => {
    let n = 0;
    const r = await flood({ count: 1000, durationS: 10 }, () => new Uint8Array(40), () => (n++, true));
    expect(r).to.include({ sent: 1000, stoppedBy: 'count' });
    expect(n).to.equal(1000);
  });

  it('stops at the duration, and retries (never drops) when the socket would block', async () => {
    let t = 0;
    let calls = 0;
    const r = await flood({ count: 1_000_000, durationS: 1, batch: 10 }, () => new Uint8Array(40), () => ++calls % 3 !== 0, () => (t += 1));
    expect(r.stoppedBy).to.equal('duration');
    expect(r.sent).to.be.lessThan(1_000_000);
    expect(r.blocked).to.be.greaterThan(0);
    expect(r.sent + r.blocked).to.equal(calls);
  });

  it('paces to the rate', async () => {
    const r = await flood({ count: 50, durationS: 5, rate: 500 }, () => new Uint8Array(40), () => true);
    expect(r.sent).to.equal(50);
    expect(r.elapsedMs).to.be.within(80, 1000); // 50 packets at 500/s: about 100 ms
  });

  it('varies source port and seq, wrapping, with a valid checksum every time', () => {
    const t = new FloodTemplate(SPEC, { sport: true, seq: true });
    const seen: Array<[number, number]> = [];
    for (let i = 0; i < 4; i++) {
      const p = parsePacket(t.next(i));
      expect(p.ok).to.equal(true);
      if (!p.ok) return;
      expect(verifyTcpChecksum(p.value.bytes, 20)).to.equal('good');
      seen.push([p.value.tcp.srcPort, p.value.tcp.seq]);
    }
    expect(seen).to.deep.equal([[65534, 0xffff_fffe], [65535, 0xffff_ffff], [1024, 0], [1025, 1]]);
  });

  it('parses FLAGS@HOST:PORT segment specs', () => {
    expect(parseSegmentSpec('S@10.77.0.2:9')).to.deep.equal({ flags: Flag.SYN, host: '10.77.0.2', port: 9 });
    expect(parseSegmentSpec('pa@10.77.0.2:5000')?.flags).to.equal(Flag.PSH | Flag.ACK);
    expect(parseSegmentSpec('scenarios/netcat-5000.ts')).to.equal(undefined);
    expect(() => parseSegmentSpec('SX@10.77.0.2:9')).to.throw(UsageError, /X/);
    expect(() => parseSegmentSpec('S@10.77.0.2:70000')).to.throw(UsageError, /port/);
  });
});
