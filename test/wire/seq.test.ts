import { expect } from 'chai';
import { isU32, SEQ_SPACE, seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, toRaw, toRelative } from '../../src/wire/seq.js';

describe('wire/seq', () => {
  describe('seqAdd', () => {
    it('wraps 0xffffffff + 1 to 0', () => {
      expect(seqAdd(0xffffffff, 1)).to.equal(0);
    });
    it('wraps 0 - 1 to 0xffffffff', () => {
      expect(seqAdd(0, -1)).to.equal(0xffffffff);
    });
    it('adds a whole sequence space as a no-op, and negative spaces too', () => {
      expect(seqAdd(1234, SEQ_SPACE)).to.equal(1234);
      expect(seqAdd(1234, -SEQ_SPACE)).to.equal(1234);
      expect(seqAdd(0xfffffff0, 0x20)).to.equal(0x10);
    });
  });

  describe('seqDiff and comparisons across the wrap', () => {
    it('measures the signed distance through the wrap', () => {
      expect(seqDiff(5, 0xfffffffb)).to.equal(10);
      expect(seqDiff(0xfffffffb, 5)).to.equal(-10);
      expect(seqDiff(7, 7)).to.equal(0);
    });
    it('orders 0xffffffff before 0 (seqLt across the wrap)', () => {
      expect(seqLt(0xffffffff, 0)).to.equal(true);
      expect(seqLt(0, 0xffffffff)).to.equal(false);
      expect(seqGt(0, 0xffffffff)).to.equal(true);
      expect(seqLe(0xffffffff, 0xffffffff)).to.equal(true);
      expect(seqGe(0, 0xffffffff)).to.equal(true);
      expect(seqGe(0xffffffff, 0)).to.equal(false);
    });
    it('uses the sign of the difference, not plain <: 2^31 - 1 apart is still "after"', () => {
      expect(seqGt(0x7fffffff, 0)).to.equal(true);
      expect(seqLt(0x80000001, 0)).to.equal(true); // 2^31 + 1 ahead means 2^31 - 1 behind
    });
    it('gives -2^31 for numbers exactly 2^31 apart (RFC 1982: undefined; both directions say "before")', () => {
      expect(seqDiff(0x80000000, 0)).to.equal(-0x80000000);
      expect(seqDiff(0, 0x80000000)).to.equal(-0x80000000);
    });
  });

  describe('toRelative / toRaw with the netcat seed numbers', () => {
    // tshark -r seed.pcap -T fields -e tcp.seq_raw -e tcp.ack_raw -e tcp.ack
    //   client ISN 4126488336; the server's ACK of the 34-byte line: raw 4126488371, relative 35
    const clientIsn = 4126488336;
    const serverIsn = 547479085;
    it('maps the raw ack 4126488371 to relative 35 and back', () => {
      expect(toRelative(4126488371, clientIsn)).to.equal(35);
      expect(toRaw(35, clientIsn)).to.equal(4126488371);
    });
    it('maps the ISNs to relative 0 and the first byte to 1', () => {
      expect(toRelative(clientIsn, clientIsn)).to.equal(0);
      expect(toRelative(serverIsn, serverIsn)).to.equal(0);
      expect(toRaw(1, serverIsn)).to.equal(547479086);
    });
    it('wraps: 4126488336 + 200000000 goes past 2^32', () => {
      const raw = toRaw(200_000_000, clientIsn);
      expect(raw).to.equal(4126488336 + 200_000_000 - SEQ_SPACE);
      expect(raw).to.equal(31521040);
      expect(toRelative(raw, clientIsn)).to.equal(200_000_000);
    });
  });

  describe('isU32', () => {
    it('accepts [0, 2^32) integers only', () => {
      expect([0, 1, 0xffffffff].map(isU32)).to.deep.equal([true, true, true]);
      expect([-1, SEQ_SPACE, 1.5, NaN, '1', undefined].map(isU32)).to.deep.equal([false, false, false, false, false, false]);
    });
  });
});
