/**
 * The reference stack's TCP options beyond MSS, segment by segment: window scale (RFC 7323 §2),
 * timestamps, RTTM and PAWS (RFC 7323 §3 - §5, RFC 6191), SACK (RFC 2018) and the room options
 * take in a data segment (RFC 6691). A VirtualClock moved by hand, packets built with the wire
 * codec, and every packet the stack sends decoded.
 */
import { expect } from 'chai';
import { referenceSettings } from '../../src/reference/index.js';
import { receiveShift, timestampOffset } from '../../src/reference/index.js';
import { buildPacket, type Packet } from '../../src/wire/packet.js';
import type { TcpOption } from '../../src/wire/options.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { seqAdd } from '../../src/wire/seq.js';
import { handshake, ISN, SPORT, StackHarness } from './harness.js';

const ME = '10.77.0.1';
const REF = '10.77.0.2';

class Harness extends StackHarness {
  /** Handshake to `port` with `options` in the SYN and `ackOptions` in the ACK; returns the SYN/ACK. */
  open(port: number, options: TcpOption[] = [], ackOptions: (sa: Packet) => TcpOption[] = () => [], window = 65535): Packet {
    return handshake(this, port, options, ackOptions, window);
  }
}

const opt = <K extends TcpOption['kind']>(p: Packet, kind: K): Extract<TcpOption, { kind: K }> | undefined =>
  p.tcp.options.find((o) => o.kind === kind) as Extract<TcpOption, { kind: K }> | undefined;
const kinds = (p: Packet): string[] => p.tcp.options.map((o) => o.kind).filter((k) => k !== 'nop' && k !== 'eol');
const ts = (tsval: number, tsecr: number): TcpOption => ({ kind: 'timestamp', tsval, tsecr });
const tsOf = (p: Packet): { tsval: number; tsecr: number } => {
  const t = opt(p, 'timestamp');
  if (!t) throw new Error('no timestamp option');
  return { tsval: t.tsval, tsecr: t.tsecr };
};
const ALL: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'sackOk' }, ts(5000, 0), { kind: 'nop' }, { kind: 'wscale', shift: 7 }];

describe('reference stack: TCP options (RFC 7323, RFC 2018, RFC 6691)', () => {
  describe('negotiation in the handshake', () => {
    it('a SYN offering everything gets a SYN/ACK with MSS, SACK-permitted, TS and WS (RFC 7323 §2.2, §3.2; RFC 2018 §2)', () => {
      const h = new Harness();
      const [sa] = h.send(9, Flag.SYN, ISN, 0, { options: ALL });
      expect(kinds(sa!)).to.deep.equal(['mss', 'sackOk', 'timestamp', 'wscale']);
      expect(opt(sa!, 'mss')!.value).to.equal(1460);
      // §3.2: the SYN/ACK's TSecr echoes the SYN's TSval.
      expect(tsOf(sa!).tsecr).to.equal(5000);
      // The option area is a multiple of 4 bytes with no padding after EOL needed: 20 bytes.
      expect(sa!.tcp.dataOffset * 4 - 20).to.equal(20);
    });
    it('only what the SYN offered comes back; nothing but MSS for a SYN without options', () => {
      const h = new Harness();
      expect(kinds(h.send(9, Flag.SYN, ISN, 0, { options: [{ kind: 'mss', value: 1400 }, { kind: 'sackOk' }] })[0]!)).to.deep.equal(['mss', 'sackOk']);
      expect(kinds(h.send(9, Flag.SYN, ISN, 0, { sport: SPORT + 1 })[0]!)).to.deep.equal(['mss']);
      expect(kinds(h.send(9, Flag.SYN, ISN, 0, { sport: SPORT + 2, options: [ts(1, 0)] })[0]!)).to.deep.equal(['mss', 'timestamp']);
    });
    it('each setting turned off removes its option, offered or not', () => {
      for (const [settings, gone] of [[{ windowScaling: false }, 'wscale'], [{ timestamps: false }, 'timestamp'], [{ sack: false }, 'sackOk']] as const) {
        const h = new Harness(settings);
        const [sa] = h.send(9, Flag.SYN, ISN, 0, { options: ALL });
        expect(kinds(sa!)).to.not.include(gone);
        const syn = h.stack.connect(ME, 7777);
        expect(kinds(h.out.find((p) => p.tcp.srcPort === syn.localPort)!)).to.not.include(gone);
      }
    });
    it('an active open offers all four; TSecr is zero in a SYN (§3.2); the SYN/ACK decides what is used', () => {
      const h = new Harness();
      const tcb = h.stack.connect(ME, 7777);
      const syn = h.out[0]!;
      expect(kinds(syn)).to.deep.equal(['mss', 'sackOk', 'timestamp', 'wscale']);
      expect(tsOf(syn).tsecr).to.equal(0);
      h.stack.input(buildPacket({ ip: { src: ME, dst: REF }, tcp: { srcPort: 7777, dstPort: tcb.localPort, seq: 5000, ack: syn.tcp.seq + 1, flags: Flag.SYN | Flag.ACK, window: 100, options: [{ kind: 'mss', value: 1400 }, ts(777, tsOf(syn).tsval)] } }));
      expect(tcb.state).to.equal('ESTABLISHED');
      expect([tcb.opt.tsOk, tcb.opt.wsOk, tcb.opt.sackOk]).to.deep.equal([true, false, false]);
      const ack = h.out.at(-1)!;
      expect(flagLetters(ack.tcp.flags)).to.equal('A');
      expect(tsOf(ack).tsecr).to.equal(777);
    });
  });

  describe('window scale (RFC 7323 §2)', () => {
    it('the shift offered fits the receive buffer in 16 bits, at most 14', () => {
      expect(receiveShift(referenceSettings())).to.equal(0);
      expect(receiveShift(referenceSettings({ rcvBuf: 65536 }))).to.equal(1);
      expect(receiveShift(referenceSettings({ rcvBuf: 1 << 20 }))).to.equal(5);
      expect(receiveShift(referenceSettings({ rcvBuf: 2 ** 31 }))).to.equal(14);
      expect(receiveShift(referenceSettings({ windowShift: 20 }))).to.equal(14);
    });
    it('§2.2: the window of a SYN is never scaled; later windows are shifted by the peer\'s count', () => {
      const h = new Harness();
      h.send(19, Flag.SYN, ISN, 0, { options: [{ kind: 'mss', value: 1000 }, { kind: 'wscale', shift: 3 }], window: 1000 });
      const tcb = h.tcb(19)!;
      expect(tcb.sndWnd).to.equal(1000);
      h.send(19, Flag.ACK, ISN + 1, seqAdd(tcb.iss, 1), { window: 1000 });
      expect(tcb.sndWnd).to.equal(8000);
    });
    it('§2.3: a shift above 14 is used as 14 (window field 1 = 16384 bytes); data flows in full segments', () => {
      const h = new Harness();
      const [sa] = h.send(19, Flag.SYN, ISN, 0, { options: [{ kind: 'mss', value: 1000 }, { kind: 'wscale', shift: 15 }], window: 1 });
      expect(opt(sa!, 'wscale')!.shift).to.be.at.most(14);
      const data = h.send(19, Flag.ACK, ISN + 1, seqAdd(sa!.tcp.seq, 1), { window: 1 });
      expect(h.tcb(19)!.sndWnd).to.equal(16384);
      expect(data.map((p) => p.payload.length)).to.deep.equal([1000, 1000, 1000, 1000]);
    });
    it('a buffer above 64 KiB: the SYN/ACK says 65535 unscaled, later ACKs RCV.WND >> shift', () => {
      const h = new Harness({ rcvBuf: 1 << 20 });
      // 2003 never reads: the data stays in the buffer.
      const sa = h.open(2003, [{ kind: 'wscale', shift: 0 }]);
      expect(opt(sa, 'wscale')!.shift).to.equal(5);
      expect(sa.tcp.window).to.equal(65535);
      const [ack] = h.send(2003, Flag.ACK | Flag.PSH, ISN + 1, seqAdd(sa.tcp.seq, 1), { payload: 3000 });
      expect(ack!.tcp.window).to.equal(Math.floor(((1 << 20) - 3000) / 32));
    });
    it('a buffer above 64 KiB without the peer\'s WSopt: the window stays within 65535, and so does what is accepted', () => {
      const h = new Harness({ rcvBuf: 1 << 20 });
      const sa = h.open(9);
      expect(opt(sa, 'wscale')).to.equal(undefined);
      expect(h.tcb(9)!.rcvWnd).to.equal(65535);
      const [ack] = h.send(9, Flag.ACK | Flag.PSH, ISN + 1, seqAdd(sa.tcp.seq, 1), { payload: 3000 });
      expect(ack!.tcp.window).to.be.at.most(65535);
    });
  });

  describe('timestamps (RFC 7323 §3 - §5)', () => {
    const TSO = [{ kind: 'mss', value: 1460 } as const, ts(5000, 0)];
    it('§5.4: TSval ticks with the clock from a per-connection offset that depends on the 4-tuple and the secret', () => {
      const h = new Harness();
      const [a] = h.send(9, Flag.SYN, ISN, 0, { options: TSO });
      const [b] = h.send(9, Flag.SYN, ISN, 0, { options: TSO, sport: SPORT + 1 });
      expect(tsOf(a!).tsval).to.equal(timestampOffset(referenceSettings().tsSecret, REF, 9, ME, SPORT));
      expect(tsOf(a!).tsval).to.not.equal(tsOf(b!).tsval);
      // The same secret gives the same offset (runs are reproducible); another secret another.
      const h2 = new Harness({ tsSecret: 1 });
      expect(tsOf(h2.send(9, Flag.SYN, ISN, 0, { options: TSO })[0]!).tsval).to.not.equal(tsOf(a!).tsval);
      expect(tsOf(new Harness().send(9, Flag.SYN, ISN, 0, { options: TSO })[0]!).tsval).to.equal(tsOf(a!).tsval);
    });
    it('tsClockMs sets the tick: 10 ms per tick', () => {
      const h = new Harness({ tsClockMs: 10 });
      const sa = h.open(9, TSO, (p) => [ts(5001, tsOf(p).tsval)]);
      h.after(1000);
      const [ack] = h.send(9, Flag.ACK | Flag.PSH, ISN + 1, seqAdd(sa.tcp.seq, 1), { payload: 'x', options: [ts(5002, 0)] });
      const later = ack ?? h.after(200)[0]!;
      expect(seqAdd(tsOf(later).tsval, -tsOf(sa).tsval)).to.be.within(100, 120);
    });
    it('§3.2: every segment carries TSopt once agreed, data and ACKs and a RST (TSecr 0 there, no ACK bit)', () => {
      const h = new Harness();
      const sa = h.open(9, TSO, (p) => [ts(5001, tsOf(p).tsval)]);
      const tcb = h.tcb(9)!;
      tcb.write(new TextEncoder().encode('hello'));
      const data = h.out.at(-1)!;
      expect(data.payload.length).to.equal(5);
      expect(tsOf(data).tsecr).to.equal(5001);
      tcb.abort();
      const rst = h.out.at(-1)!;
      expect(flagLetters(rst.tcp.flags)).to.equal('R');
      expect(tsOf(rst).tsecr).to.equal(0);
      expect(sa.tcp.seq).to.be.a('number');
    });
    it('§4.3: TS.Recent takes a TSval only from a segment at or before Last.ACK.sent (not from out-of-order data)', () => {
      const h = new Harness({ sack: false });
      const sa = h.open(9, TSO, (p) => [ts(5001, tsOf(p).tsval)]);
      const una = seqAdd(sa.tcp.seq, 1);
      const [dup] = h.send(9, Flag.ACK, ISN + 101, una, { payload: 100, options: [ts(6000, 0)] });
      expect(tsOf(dup!).tsecr).to.equal(5001);
      // The hole filled: its TSval (older than the out-of-order one) is what is echoed (§4.3 case B).
      const [ack] = h.send(9, Flag.ACK, ISN + 1, una, { payload: 100, options: [ts(5500, 0)] });
      expect(ack!.tcp.ack).to.equal(ISN + 201);
      expect(tsOf(ack!).tsecr).to.equal(5500);
    });
    it('§5.3 R1 (PAWS): an older TSval is answered with an ACK and dropped; a RST is not checked', () => {
      const h = new Harness();
      const sa = h.open(9, TSO, (p) => [ts(5010, tsOf(p).tsval)]);
      const una = seqAdd(sa.tcp.seq, 1);
      const got = h.send(9, Flag.ACK | Flag.PSH, ISN + 1, una, { payload: 'stale', options: [ts(4000, 0)] });
      expect(got.map((p) => `${flagLetters(p.tcp.flags)} ${p.tcp.ack} ${tsOf(p).tsecr}`)).to.deep.equal([`A ${ISN + 1} 5010`]);
      expect(h.tcb(9)!.rcvNxt).to.equal(ISN + 1);
      // The same bytes with a newer TSval are taken.
      h.send(9, Flag.ACK | Flag.PSH, ISN + 1, una, { payload: 'fresh', options: [ts(5020, 0)] });
      expect(h.tcb(9)!.rcvNxt).to.equal(ISN + 6);
      // A RST with an old TSval still resets (R1 excludes RST).
      h.send(9, Flag.RST, ISN + 6, 0, { options: [ts(1, 0)] });
      expect(h.tcb(9)).to.equal(undefined);
    });
    it('§5.5: after 24 days idle TS.Recent is invalid: an older TSval is accepted and recorded', () => {
      const h = new Harness();
      const sa = h.open(9, TSO, (p) => [ts(5010, tsOf(p).tsval)]);
      h.after(24 * 24 * 3600 * 1000 + 1);
      h.send(9, Flag.ACK | Flag.PSH, ISN + 1, seqAdd(sa.tcp.seq, 1), { payload: 'late', options: [ts(100, 0)] });
      expect(h.tcb(9)!.rcvNxt).to.equal(ISN + 5);
      expect(h.tcb(9)!.opt.tsRecent).to.equal(100);
    });
    it('§3.2: a non-RST segment without TSopt is dropped silently (the SHOULD), taken with dropWithoutTimestamp off', () => {
      for (const drop of [true, false]) {
        const h = new Harness({ dropWithoutTimestamp: drop, delayedAck: false });
        const sa = h.open(9, TSO, (p) => [ts(5001, tsOf(p).tsval)]);
        const got = h.send(9, Flag.ACK | Flag.PSH, ISN + 1, seqAdd(sa.tcp.seq, 1), { payload: 'bare' });
        expect(got.length).to.equal(drop ? 0 : 1);
        expect(h.tcb(9)!.rcvNxt).to.equal(drop ? ISN + 1 : ISN + 5);
      }
    });
    it('a TSopt on a connection that did not agree to timestamps is ignored (§3.2)', () => {
      const h = new Harness({ delayedAck: false });
      const sa = h.open(9);
      const [ack] = h.send(9, Flag.ACK | Flag.PSH, ISN + 1, seqAdd(sa.tcp.seq, 1), { payload: 'x', options: [ts(1, 2)] });
      expect(opt(ack!, 'timestamp')).to.equal(undefined);
      expect(ack!.tcp.ack).to.equal(ISN + 2);
    });
    it('§4.1 RTTM: the echoed TSval times the data it acknowledges, even a retransmission', () => {
      const h = new Harness({ r2Ms: 1_000_000 });
      const sa = h.open(9, TSO, (p) => [ts(5001, tsOf(p).tsval)]);
      const tcb = h.tcb(9)!;
      const una = seqAdd(sa.tcp.seq, 1);
      tcb.write(new TextEncoder().encode('data'));
      const first = h.out.at(-1)!;
      // Lost; the RTO (1 s) sends it again; the ACK 300 ms later echoes the retransmission's TSval.
      const [again] = h.after(1000);
      expect(again!.payload.length).to.equal(4);
      h.after(300);
      h.send(9, Flag.ACK, ISN + 1, una + 4, { options: [ts(5002, tsOf(again!).tsval)] });
      expect(tcb.smoothedRtt).to.not.equal(undefined);
      // SRTT was 0 from the handshake; 7/8 * 0 + 1/8 * 300.
      expect(tcb.smoothedRtt).to.equal(37.5);
      expect(tsOf(first).tsval).to.not.equal(tsOf(again!).tsval);
    });
    it('RFC 6191: in TIME-WAIT a SYN with a newer TSval reopens even at an old sequence number; an older one does not', () => {
      for (const [tsval, reopens] of [[999_999, true], [4000, false]] as const) {
        const h = new Harness();
        const sa = h.open(13, TSO, (p) => [ts(5001, tsOf(p).tsval)]);
        const fin = h.out.find((p) => p.tcp.flags & Flag.FIN)!;
        const end = seqAdd(fin.tcp.seq, 1);
        h.send(13, Flag.ACK, ISN + 1, end, { options: [ts(5002, 0)] });
        h.send(13, Flag.FIN | Flag.ACK, ISN + 1, end, { options: [ts(5003, 0)] });
        expect(h.tcb(13)?.state).to.equal('TIME-WAIT');
        const [answer] = h.send(13, Flag.SYN, ISN, 0, { options: [ts(tsval, 0)] });
        expect(flagLetters(answer!.tcp.flags)).to.equal(reopens ? 'SA' : 'A');
        expect(h.tcb(13)?.state).to.equal(reopens ? 'SYN-RECEIVED' : 'TIME-WAIT');
        // The new incarnation's timestamps go on from the old ones (same 4-tuple, same offset).
        if (reopens) expect(seqAdd(tsOf(answer!).tsval, -tsOf(sa).tsval)).to.be.at.least(0);
      }
    });
  });

  describe('SACK as a receiver (RFC 2018 §4)', () => {
    const SO = [{ kind: 'mss', value: 1460 } as const, { kind: 'sackOk' } as const];
    it('the first block holds the segment that triggered the ACK, then the most recent others', () => {
      const h = new Harness();
      const sa = h.open(9, SO);
      const una = seqAdd(sa.tcp.seq, 1);
      const blocks = (seq: number): number[][] => {
        const [a] = h.send(9, Flag.ACK, ISN + seq, una, { payload: 100 });
        return (opt(a!, 'sack')?.blocks ?? []).map(([l, r]) => [l - ISN, r - ISN]);
      };
      expect(blocks(101)).to.deep.equal([[101, 201]]);
      expect(blocks(301)).to.deep.equal([[301, 401], [101, 201]]);
      // Joins the first: the merged block comes first.
      expect(blocks(201)).to.deep.equal([[101, 401]]);
      expect(blocks(601)).to.deep.equal([[601, 701], [101, 401]]);
    });
    it('as many blocks as fit: 4 alone, 3 with timestamps', () => {
      for (const [options, want] of [[SO, 4], [[...SO, ts(1, 0)], 3]] as const) {
        const h = new Harness();
        const sa = h.open(9, [...options], (p) => (opt(p, 'timestamp') ? [ts(2, tsOf(p).tsval)] : []));
        const una = seqAdd(sa.tcp.seq, 1);
        let last: Packet | undefined;
        for (const k of [1, 3, 5, 7, 9]) [last] = h.send(9, Flag.ACK, ISN + 1 + k * 100, una, { payload: 100, options: options.length > 2 ? [ts(3, 0)] : [] });
        const got = opt(last!, 'sack')!.blocks.map(([l]) => (l - ISN - 1) / 100);
        expect(got).to.deep.equal([9, 7, 5, 3].slice(0, want));
        expect(last!.tcp.dataOffset * 4).to.be.at.most(60);
      }
    });
    it('filling the hole: an ACK of everything, without SACK', () => {
      const h = new Harness();
      const sa = h.open(9, SO);
      const una = seqAdd(sa.tcp.seq, 1);
      h.send(9, Flag.ACK, ISN + 101, una, { payload: 100 });
      const [a] = h.send(9, Flag.ACK, ISN + 1, una, { payload: 100 });
      expect(a!.tcp.ack).to.equal(ISN + 201);
      expect(opt(a!, 'sack')).to.equal(undefined);
    });
    it('no SACK without SACK-permitted in the SYN, nor with sack off', () => {
      for (const [settings, options] of [[{}, []], [{ sack: false }, SO]] as const) {
        const h = new Harness(settings);
        const sa = h.open(9, [...options]);
        const [a] = h.send(9, Flag.ACK, ISN + 101, seqAdd(sa.tcp.seq, 1), { payload: 100 });
        expect(opt(a!, 'sack')).to.equal(undefined);
      }
    });
  });

  describe('SACK as a sender (RFC 2018 §3, §8)', () => {
    for (const sack of [true, false]) {
      it(sack ? 'after a timeout the holes the SACKs show go out again at once, before the next timeout' : 'without SACK, the second hole waits for the next timeout', () => {
        const h = new Harness({ r2Ms: 1_000_000, nagle: false, sack });
        const sa = h.open(9, [{ kind: 'mss', value: 100 }, { kind: 'sackOk' }]);
        const tcb = h.tcb(9)!;
        const una = seqAdd(sa.tcp.seq, 1);
        tcb.write(new Uint8Array(400)); // the initial window: four segments of 100
        expect(h.out.slice(-4).map((p) => p.tcp.seq - una)).to.deep.equal([0, 100, 200, 300]);
        // Segments 2 and 4 arrived, 1 and 3 were lost.
        h.send(9, Flag.ACK, ISN + 1, una, { options: [{ kind: 'sack', blocks: [[una + 100, una + 200], [una + 300, una + 400]] }] });
        // RFC 2018 §8: the timeout clears the SACKed bits; the first segment goes again.
        const [r1] = h.after(1000);
        expect(r1!.tcp.seq - una).to.equal(0);
        // Its ACK (to 200) reports 4 again: the hole at 200 goes at once, with SACK.
        const next = h.send(9, Flag.ACK, ISN + 1, una + 200, { options: [{ kind: 'sack', blocks: [[una + 300, una + 400]] }] });
        expect(next.map((p) => [p.tcp.seq - una, p.payload.length])).to.deep.equal(sack ? [[200, 100]] : []);
      });
    }
  });

  describe('option room (RFC 6691)', () => {
    it('the MSS announced ignores options; data segments leave room for the 12 bytes of timestamps', () => {
      const h = new Harness();
      const sa = h.open(19, [{ kind: 'mss', value: 1460 }, ts(1, 0)], (p) => [ts(2, tsOf(p).tsval)]);
      expect(opt(sa, 'mss')!.value).to.equal(1460);
      const data = h.out.filter((p) => p.payload.length);
      expect(data.length).to.be.greaterThan(0);
      for (const p of data) expect(p.payload.length + (p.tcp.dataOffset * 4 - 20)).to.equal(1460);
    });
    it('without timestamps, full segments of the MSS', () => {
      const h = new Harness();
      h.open(19, [{ kind: 'mss', value: 1460 }]);
      expect(h.out.filter((p) => p.payload.length).map((p) => p.payload.length)).to.include(1460);
    });
    it('SACK blocks on a data segment take from its payload too', () => {
      const h = new Harness();
      const sa = h.open(9, [{ kind: 'mss', value: 500 }, { kind: 'sackOk' }]);
      const tcb = h.tcb(9)!;
      h.send(9, Flag.ACK, ISN + 101, seqAdd(sa.tcp.seq, 1), { payload: 100 });
      tcb.write(new Uint8Array(1000));
      const seg = h.out.at(-2)!;
      expect(opt(seg, 'sack')!.blocks).to.have.length(1);
      expect(seg.payload.length).to.equal(500 - 12);
    });
  });
});
