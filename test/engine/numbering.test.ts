/** Relative <-> raw numbering of seq, ack and SACK edges, in both directions and across the wrap. */
import { expect } from 'chai';
import { rawFields, relativeFields } from '../../src/engine/numbering.js';
import { Flag } from '../../src/wire/tcp.js';
import { SEED_ISN, SEED_PEER_ISN } from './helpers.js';
import { UsageError } from '../../src/errors.js';

const ISNS = { local: SEED_ISN, peer: SEED_PEER_ISN };
const SA = Flag.SYN | Flag.ACK;

describe('engine/numbering', () => {
  describe('relativeFields', () => {
    it('our SYN: seq 0, ack left raw (no ACK flag)', () => {
      const r = relativeFields({ seq: 4126488336, ack: 0, flags: Flag.SYN, options: [] }, 'out', { local: SEED_ISN });
      expect(r).to.deep.equal({ seq: 0, ack: 0, flags: Flag.SYN, options: [], seqRelative: true, ackRelative: false });
    });

    it("the seed's SYN/ACK: seq 0, ack 1", () => {
      const r = relativeFields({ seq: 547479085, ack: 4126488337, flags: SA, options: [] }, 'in', ISNS);
      expect(r).to.deep.equal({ seq: 0, ack: 1, flags: SA, options: [], seqRelative: true, ackRelative: true });
    });

    it("the seed's rows: our FIN 35/1, its ACK 1/36, our last ACK 36/2", () => {
      expect(relativeFields({ seq: 4126488371, ack: 547479086, flags: Flag.FIN | Flag.ACK, options: [] }, 'out', ISNS)).to.include({ seq: 35, ack: 1 });
      expect(relativeFields({ seq: 547479086, ack: 4126488372, flags: Flag.ACK, options: [] }, 'in', ISNS)).to.include({ seq: 1, ack: 36 });
      expect(relativeFields({ seq: 4126488372, ack: 547479087, flags: Flag.ACK, options: [] }, 'out', ISNS)).to.include({ seq: 36, ack: 2 });
    });

    it('keeps ack raw without the ACK flag even when both ISNs are known', () => {
      const r = relativeFields({ seq: 547479086, ack: 4126488372, flags: Flag.RST, options: [] }, 'in', ISNS);
      expect(r).to.include({ seq: 1, ack: 4126488372, ackRelative: false, seqRelative: true });
    });

    it("keeps the peer's seq raw, and says so, while its ISN is unknown", () => {
      const r = relativeFields({ seq: 99, ack: 4126488337, flags: Flag.RST | Flag.ACK, options: [] }, 'in', { local: SEED_ISN });
      expect(r).to.include({ seq: 99, seqRelative: false, ack: 1, ackRelative: true });
    });

    it("keeps our ack raw while the peer's ISN is unknown", () => {
      const r = relativeFields({ seq: SEED_ISN + 1, ack: 7, flags: Flag.ACK, options: [] }, 'out', { local: SEED_ISN });
      expect(r).to.include({ seq: 1, ack: 7, ackRelative: false });
    });

    it("maps SACK edges of the peer's segments into our space, and ours into the peer's", () => {
      const sackIn = relativeFields({ seq: 547479086, ack: 4126488337, flags: Flag.ACK, options: [{ kind: 'nop' }, { kind: 'sack', blocks: [[4126488347, 4126488357]] }] }, 'in', ISNS);
      expect(sackIn.options).to.deep.equal([{ kind: 'nop' }, { kind: 'sack', blocks: [[11, 21]] }]);
      const sackOut = relativeFields({ seq: 4126488337, ack: 547479086, flags: Flag.ACK, options: [{ kind: 'sack', blocks: [[547479096, 547479106], [547479110, 547479120]] }] }, 'out', ISNS);
      expect(sackOut.options).to.deep.equal([{ kind: 'sack', blocks: [[11, 21], [25, 35]] }]);
    });

    it('leaves other options alone', () => {
      const opts = [{ kind: 'mss', value: 1460 }, { kind: 'timestamp', tsval: 5, tsecr: 7 }] as const;
      expect(relativeFields({ seq: SEED_ISN, ack: 0, flags: Flag.SYN, options: opts }, 'out', ISNS).options).to.deep.equal(opts);
    });

    it('counts across the wrap: ISN 0xfffffff0, raw 0x10 is relative 32', () => {
      const r = relativeFields({ seq: 0x10, ack: 0x0000_0005, flags: Flag.ACK, options: [] }, 'out', { local: 0xfffffff0, peer: 0xfffffffe });
      expect(r).to.include({ seq: 32, ack: 7 });
    });

    it('a raw number just below the ISN is relative 2^32 - 1 (Wireshark shows the same)', () => {
      const r = relativeFields({ seq: SEED_ISN - 1, ack: 0, flags: 0, options: [] }, 'out', ISNS);
      expect(r.seq).to.equal(0xffffffff);
    });
  });

  describe('rawFields', () => {
    it("our FIN/ACK at 35/1 is the seed's raw 4126488371/547479086", () => {
      expect(rawFields({ seq: 35, ack: 1, flags: Flag.FIN | Flag.ACK, options: [] }, 'out', ISNS)).to.deep.equal({ seq: 4126488371, ack: 547479086, flags: Flag.FIN | Flag.ACK, options: [] });
    });

    it('the last ACK 36/2 is raw 4126488372/547479087', () => {
      expect(rawFields({ seq: 36, ack: 2, flags: Flag.ACK, options: [] }, 'out', ISNS)).to.include({ seq: 4126488372, ack: 547479087 });
    });

    it("the peer's segments map from its ISN (and ack from ours)", () => {
      expect(rawFields({ seq: 1, ack: 36, flags: Flag.ACK, options: [] }, 'in', ISNS)).to.include({ seq: 547479086, ack: 4126488372 });
    });

    it('leaves ack as written without the ACK flag', () => {
      expect(rawFields({ seq: 0, ack: 0, flags: Flag.SYN, options: [] }, 'out', { local: SEED_ISN })).to.deep.equal({ seq: SEED_ISN, ack: 0, flags: Flag.SYN, options: [] });
    });

    it('wraps: ISN 0xfffffff0 + 16 = 0, + 36 = 20; -1 is the ISN minus one', () => {
      const isns = { local: 0xfffffff0, peer: 0xfffffff0 };
      expect(rawFields({ seq: 16, ack: 36, flags: Flag.ACK, options: [] }, 'out', isns)).to.include({ seq: 0, ack: 20 });
      expect(rawFields({ seq: -1, ack: 0, flags: 0, options: [] }, 'out', isns).seq).to.equal(0xffffffef);
    });

    it('maps SACK edges into the raw space of the side whose data they cover', () => {
      const r = rawFields({ seq: 1, ack: 1, flags: Flag.ACK, options: [{ kind: 'sack', blocks: [[11, 21]] }] }, 'out', ISNS);
      expect(r.options).to.deep.equal([{ kind: 'sack', blocks: [[547479096, 547479106]] }]);
    });

    it('is the inverse of relativeFields', () => {
      for (const isns of [ISNS, { local: 0, peer: 0 }, { local: 0xfffffff0, peer: 0xffffffff }]) {
        for (const dir of ['out', 'in'] as const) {
          const raw = { seq: 0xfffffffa, ack: 3, flags: Flag.ACK | Flag.PSH, options: [{ kind: 'sack', blocks: [[1, 0xffffffff]] }] as const };
          expect(rawFields(relativeFields(raw, dir, isns), dir, isns)).to.deep.equal(raw);
        }
      }
    });

    it("throws a UsageError naming seq when the sender's ISN is unknown", () => {
      expect(() => rawFields({ seq: 1, ack: 0, flags: 0, options: [] }, 'in', { local: 0 })).to.throw(UsageError, /^seq: the ISN of the sending side is not known yet$/);
    });

    it("throws a UsageError naming ack when an ACK (or a SACK) needs the peer's unknown ISN", () => {
      expect(() => rawFields({ seq: 1, ack: 1, flags: Flag.ACK, options: [] }, 'out', { local: 0 })).to.throw(UsageError, /^ack: the peer's ISN is not known yet$/);
      expect(() => rawFields({ seq: 1, ack: 0, flags: 0, options: [{ kind: 'sack', blocks: [[1, 2]] }] }, 'out', { local: 0 })).to.throw(UsageError, /^ack:/);
    });
  });
});
