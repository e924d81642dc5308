/**
 * Group H (src/reference/faults-h.ts, mutants-h.ts): the reference's SACK loss recovery (RFC 6675)
 * and D-SACK blocks (RFC 2883), segment by segment, and each fault of the group doing what its
 * name says where the pure stack does not: the scoreboard ignored, a D-SACK block of the wrong
 * range, TS.Recent from an out-of-order segment, a SYN's window scaled, the MSS announced less
 * the timestamp option, URG only on the last segment of long urgent data. Then the kill matrix:
 * each mutant fails a scenario naming its rule.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { loadScenario } from '../../src/io/load.js';
import { MUTANTS_H } from '../../src/reference/mutants-h.js';
import { referenceSettings, urgentFields, type ReferenceSettings } from '../../src/reference/index.js';
import { killMatrix } from '../../src/suite/mutation.js';
import type { Packet } from '../../src/wire/packet.js';
import type { SackBlock, TcpOption } from '../../src/wire/options.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { seqAdd } from '../../src/wire/seq.js';
import { handshake, ISN, StackHarness } from './harness.js';

class Harness extends StackHarness {
  /** Handshake to `port` with `options` in the SYN (and `ackOptions` in the ACK); returns the SYN/ACK. */
  open(port: number, options: TcpOption[] = [], ackOptions: (sa: Packet) => TcpOption[] = () => [], window = 65535): Packet {
    return handshake(this, port, options, ackOptions, window);
  }
}

const opt = <K extends TcpOption['kind']>(p: Packet, kind: K): Extract<TcpOption, { kind: K }> | undefined =>
  p.tcp.options.find((o) => o.kind === kind) as Extract<TcpOption, { kind: K }> | undefined;
const ts = (tsval: number, tsecr: number): TcpOption => ({ kind: 'timestamp', tsval, tsecr });
const MSS_SACK: TcpOption[] = [{ kind: 'mss', value: 100 }, { kind: 'sackOk' }];

describe('reference stack: SACK recovery, D-SACK, TS.Recent, SYN windows, the MSS announced, long urgent data (group H)', () => {
  describe('SACK loss recovery as a sender (RFC 6675)', () => {
    /** A connection to discard with `n` 100-byte segments out; returns a function sending a duplicate ACK with SACK blocks (relative edges). */
    function flight(settings: Partial<ReferenceSettings>, n: number): { h: Harness; una: number; dup: (...blocks: Array<[number, number]>) => Packet[] } {
      const h = new Harness({ r2Ms: 1_000_000, nagle: false, initialWindowSegments: 10, ...settings });
      const sa = h.open(9, MSS_SACK);
      const una = seqAdd(sa.tcp.seq, 1);
      h.tcb(9)!.write(new Uint8Array(100 * n));
      expect(h.out.slice(-n).map((p) => p.tcp.seq - una)).to.deep.equal(Array.from({ length: n }, (_, i) => 100 * i));
      const dup = (...blocks: Array<[number, number]>): Packet[] =>
        h.send(9, Flag.ACK, ISN + 1, una, { options: [{ kind: 'sack', blocks: blocks.map(([l, r]): SackBlock => [una + l, una + r]) }] });
      return { h, una, dup };
    }
    const sent = (ps: Packet[], una: number): number[] => ps.filter((p) => p.payload.length).map((p) => p.tcp.seq - una);

    it('three SACKs above a hole: the hole goes again on the third, the SACKed segments never', () => {
      const { una, dup } = flight({}, 4);
      expect(sent(dup([100, 200]), una)).to.deep.equal([]);
      expect(sent(dup([100, 300]), una)).to.deep.equal([]);
      expect(sent(dup([100, 400]), una)).to.deep.equal([0]);
    });
    it('sack-scoreboard-ignored sends the SACKed segments again after the hole', () => {
      const { una, dup } = flight({ faults: ['sack-scoreboard-ignored'] }, 4);
      dup([100, 200]);
      dup([100, 300]);
      expect(sent(dup([100, 400]), una)).to.deep.equal([0, 100, 200, 300]);
    });
    it('a second hole goes only once IsLost: more than (DupThresh - 1) * SMSS bytes SACKed above it (§4)', () => {
      // Segments 0 and 200 lost of eight.
      const { una, dup } = flight({}, 8);
      dup([100, 200]);
      dup([100, 200], [300, 400]);
      // Third duplicate ACK: the first hole goes; the second has 200 bytes SACKed above it, not yet lost.
      expect(sent(dup([100, 200], [300, 500]), una)).to.deep.equal([0]);
      // 300 bytes above it: lost, and sent; the SACKed 300-600 never.
      expect(sent(dup([100, 200], [300, 600]), una)).to.deep.equal([200]);
      expect(sent(dup([100, 200], [300, 700]), una)).to.deep.equal([]);
    });
    it('a fast retransmit keeps the scoreboard; a timeout clears it (RFC 2018 §8)', () => {
      const { h, una, dup } = flight({}, 4);
      dup([100, 200]);
      dup([100, 300]);
      dup([100, 400]);
      expect(h.tcb(9)!.opt.scoreboard.map(([l, r]) => [l - una, r - una])).to.deep.equal([[100, 400]]);
      const r = h.after(1000);
      expect(sent(r, una)).to.deep.equal([0]);
      expect(h.tcb(9)!.opt.scoreboard).to.deep.equal([]);
    });
  });

  describe('D-SACK as a receiver (RFC 2883 §4)', () => {
    /** A connection to discard that took bytes 0-199 (relative to our ISN + 1) and holds 300-399 out of order. */
    function received(settings: Partial<ReferenceSettings> = {}): { h: Harness; ack: number; data: (seq: number, len: number) => Packet[] } {
      const h = new Harness(settings);
      const sa = h.open(9, MSS_SACK);
      const ack = seqAdd(sa.tcp.seq, 1);
      const data = (seq: number, len: number): Packet[] => h.send(9, Flag.ACK, ISN + 1 + seq, ack, { payload: len });
      data(0, 200);
      h.after(500);
      data(300, 100);
      return { h, ack, data };
    }
    const blocks = (p: Packet | undefined): Array<[number, number]> => (p ? (opt(p, 'sack')?.blocks ?? []).map(([l, r]): [number, number] => [l - ISN - 1, r - ISN - 1]) : []);

    it('a duplicate below RCV.NXT: the ACK leads with a D-SACK block of exactly it, then the SACK blocks', () => {
      const { data } = received();
      const [a] = data(0, 100);
      expect(a!.tcp.ack - ISN - 1).to.equal(200);
      expect(blocks(a)).to.deep.equal([[0, 100], [300, 400]]);
    });
    it('a duplicate is reported once: the next ACK has the SACK blocks alone', () => {
      const { data } = received();
      data(0, 100);
      expect(blocks(data(500, 100)[0])).to.deep.equal([[500, 600], [300, 400]]);
    });
    it('a duplicate of data held above RCV.NXT: the D-SACK block, then the block holding it', () => {
      const { data } = received();
      data(400, 100);
      expect(blocks(data(300, 100)[0])).to.deep.equal([[300, 400], [300, 500]]);
    });
    it('a segment partly old: its old part is the D-SACK block', () => {
      const { h, data } = received();
      data(150, 100);
      // The new part (200-249) is taken, its ACK perhaps delayed; the first ACK to go reports 150-200.
      const first = h.out.at(-1)!.tcp.ack - ISN - 1 === 250 ? h.out.at(-1) : h.after(500)[0];
      expect(blocks(first)).to.deep.equal([[150, 200], [300, 400]]);
    });
    it('without the dsack setting, or without SACK, no D-SACK block', () => {
      expect(blocks(received({ dsack: false }).data(0, 100)[0])).to.deep.equal([[300, 400]]);
      const h = new Harness();
      const sa = h.open(9, [{ kind: 'mss', value: 100 }]);
      h.send(9, Flag.ACK, ISN + 1, seqAdd(sa.tcp.seq, 1), { payload: 100 });
      const [a] = h.send(9, Flag.ACK, ISN + 1, seqAdd(sa.tcp.seq, 1), { payload: 100 });
      expect(opt(a!, 'sack')).to.equal(undefined);
    });
    it('dsack-wrong-range runs the D-SACK block on to RCV.NXT', () => {
      const { data } = received({ faults: ['dsack-wrong-range'] });
      expect(blocks(data(0, 100)[0])).to.deep.equal([[0, 200], [300, 400]]);
    });
  });

  describe('TS.Recent (RFC 7323 §4.3)', () => {
    for (const fault of [false, true]) {
      it(fault ? 'ts-recent-any-segment echoes the out-of-order segment\'s TSval' : 'an out-of-order segment leaves TS.Recent alone; the one filling the hole sets it', () => {
        const h = new Harness(fault ? { faults: ['ts-recent-any-segment'] } : {});
        let peer = 0;
        const sa = h.open(9, [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'nop' }, ts(1000, 0)], (p) => {
          peer = opt(p, 'timestamp')!.tsval;
          return [{ kind: 'nop' }, { kind: 'nop' }, ts(1001, peer)];
        });
        const ack = seqAdd(sa.tcp.seq, 1);
        const send = (seq: number, tsval: number): Packet[] => h.send(9, Flag.ACK, ISN + 1 + seq, ack, { payload: 100, options: [{ kind: 'nop' }, { kind: 'nop' }, ts(tsval, peer)] });
        send(0, 1010);
        h.after(500);
        const [dupAck] = send(200, 1030);
        expect(opt(dupAck!, 'timestamp')!.tsecr).to.equal(fault ? 1030 : 1010);
        const [filled] = send(100, 1020);
        // Pure: the hole is filled and its TSval echoed. Fault: TS.Recent is 1030, so PAWS drops the filler (§5.3 R1).
        expect(filled!.tcp.ack - ISN - 1).to.equal(fault ? 100 : 300);
        expect(opt(filled!, 'timestamp')!.tsecr).to.equal(fault ? 1030 : 1020);
      });
    }
  });

  describe("a SYN's window is never scaled (RFC 7323 §2.2)", () => {
    for (const fault of [false, true]) {
      it(fault ? 'syn-window-scaled takes window 1000 with shift 7 as 128000' : 'a SYN with window 1000 and shift 7: SND.WND is 1000 until a later segment', () => {
        const h = new Harness(fault ? { faults: ['syn-window-scaled'] } : {});
        h.send(9, Flag.SYN, ISN, 0, { window: 1000, options: [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }] });
        const tcb = h.tcb(9)!;
        expect(tcb.state).to.equal('SYN-RECEIVED');
        expect(tcb.sndWnd).to.equal(fault ? 128_000 : 1000);
        // The ACK's window is scaled: 8 << 7.
        h.send(9, Flag.ACK, ISN + 1, seqAdd(tcb.iss, 1), { window: 8 });
        expect(tcb.sndWnd).to.equal(1024);
      });
    }
  });

  describe('the MSS announced (RFC 6691 §2)', () => {
    const mssOf = (settings: Partial<ReferenceSettings>, options: TcpOption[]): number | undefined => opt(new Harness(settings).send(9, Flag.SYN, ISN, 0, { options })[0]!, 'mss')?.value;
    const WITH_TS: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'nop' }, ts(1, 0)];
    it('is 1460 on a 1500-byte link, timestamps offered or not', () => {
      expect(mssOf({}, WITH_TS)).to.equal(1460);
      expect(mssOf({}, [{ kind: 'mss', value: 1460 }])).to.equal(1460);
    });
    it('mss-less-options announces 1448 when it agrees to timestamps, 1460 otherwise', () => {
      expect(mssOf({ faults: ['mss-less-options'] }, WITH_TS)).to.equal(1448);
      expect(mssOf({ faults: ['mss-less-options'] }, [{ kind: 'mss', value: 1460 }])).to.equal(1460);
      expect(mssOf({ faults: ['mss-less-options'], timestamps: false }, WITH_TS)).to.equal(1460);
    });
  });

  describe('urgent data longer than a segment (RFC 9293 §3.8.5, MUST-31)', () => {
    const PURE = referenceSettings();
    const FAULTY = referenceSettings({ faults: ['urgent-only-final-segment'] });
    it('every segment before SND.UP carries URG and the pointer from its own sequence number', () => {
      expect(urgentFields(1000, 0, 500, Flag.ACK, PURE)).to.deep.equal({ flags: Flag.ACK | Flag.URG, urgent: 1000 });
      expect(urgentFields(1000, 500, 500, Flag.ACK, PURE)).to.deep.equal({ flags: Flag.ACK | Flag.URG, urgent: 500 });
      expect(urgentFields(1000, 1000, 500, Flag.ACK, PURE)).to.deep.equal({ flags: Flag.ACK, urgent: 0 });
    });
    it('urgent-only-final-segment marks only the segment in which the urgent data ends', () => {
      expect(urgentFields(1000, 0, 500, Flag.ACK, FAULTY)).to.deep.equal({ flags: Flag.ACK, urgent: 0 });
      expect(urgentFields(1000, 500, 500, Flag.ACK, FAULTY)).to.deep.equal({ flags: Flag.ACK | Flag.URG, urgent: 500 });
    });
  });

  describe('the kill matrix', function () {
    this.timeout(120_000);
    it('every mutant of group H is killed by a scenario naming its rule', async () => {
      const dirs = ['scenarios/conformance', 'scenarios/conformance/slow'];
      const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => `${d}/${f}`));
      const entries = await Promise.all(files.map(async (file) => ({ file, name: file, scenario: await loadScenario(file) })));
      const m = await killMatrix(entries, MUTANTS_H);
      const alive = m.mutants.filter((r) => r.killedByOwn.length === 0).map((r) => `${r.mutant.name} [${r.mutant.requirement}]`);
      expect(alive, 'not shown').to.deep.equal([]);
      expect([...m.baseline].filter(([, v]) => v !== 'pass')).to.deep.equal([]);
    });
  });
});
