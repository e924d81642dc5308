/**
 * The mutants of RFC 5681's congestion control and RFC 3168's ECN sender (src/reference/mutants-g.ts):
 * each fault, segment by segment, does what its name says and the pure stack does not; and each
 * mutant is killed by the conformance scenario written for it, which names its requirement.
 */
import { expect } from 'chai';
import { loadScenario } from '../../src/io/load.js';
import { MUTANTS_G } from '../../src/reference/mutants-g.js';
import type { ReferenceSettings } from '../../src/reference/index.js';
import { killMatrix } from '../../src/suite/mutation.js';
import type { Packet } from '../../src/wire/packet.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { seqAdd, seqDiff } from '../../src/wire/seq.js';
import { ISN, StackHarness } from './harness.js';

const MSS = 500;
const CHARGEN = 19;
const DISCARD = 9;

/** Data segments among `out`. */
const data = (out: readonly Packet[]): Packet[] => out.filter((p) => p.payload.length > 0);

class Harness extends StackHarness {
  /** The stack's ISN on the connection to `port`. */
  iss = 0;

  constructor(settings: Partial<ReferenceSettings> = {}) {
    super(settings);
  }

  /**
   * Handshake to `port` with MSS 500 and window `window` (`ecn`: an ECN-setup SYN); returns the
   * SYN/ACK and what came with our ACK (chargen's first flight).
   */
  open(port: number, o: { window?: number; ecn?: boolean } = {}): { synAck: Packet; flight: Packet[] } {
    const window = o.window ?? 65535;
    const [sa] = this.send(port, Flag.SYN | (o.ecn ? Flag.ECE | Flag.CWR : 0), ISN, 0, { options: [{ kind: 'mss', value: MSS }], window });
    expect(flagLetters(sa!.tcp.flags)).to.match(/^SAE?$/);
    this.iss = sa!.tcp.seq;
    const flight = this.send(port, Flag.ACK, ISN + 1, seqAdd(this.iss, 1), { window });
    return { synAck: sa!, flight };
  }

  /** An ACK of the server's data up to relative sequence number `rel` (1 = nothing yet). */
  ack(port: number, rel: number, o: { window?: number; flags?: number } = {}): Packet[] {
    return this.send(port, o.flags ?? Flag.ACK, ISN + 1, seqAdd(this.iss, rel), { window: o.window ?? 65535 });
  }

  /** A packet's sequence number relative to the server's ISN. */
  rel(p: Packet): number {
    return seqDiff(p.tcp.seq, this.iss);
  }
}

describe('reference stack: mutants of congestion control and the ECN sender (group G)', () => {
  describe('slow start and congestion avoidance (RFC 5681 §3.1, MUST-19)', () => {
    it('an ACK of one segment in slow start lets two new segments out; slow-start-double-growth lets three', () => {
      for (const [settings, want] of [[{}, 2], [{ faults: ['slow-start-double-growth'] }, 3]] as const) {
        const h = new Harness(settings);
        expect(data(h.open(CHARGEN).flight)).to.have.length(4);
        expect(data(h.ack(CHARGEN, 1 + MSS)), JSON.stringify(settings)).to.have.length(want);
      }
    });
    it('past ssthresh an ACK of one segment lets one new segment out; slow-start-above-ssthresh lets two', () => {
      for (const [settings, want] of [[{}, 1], [{ faults: ['slow-start-above-ssthresh'] }, 2]] as const) {
        const h = new Harness(settings);
        h.open(CHARGEN);
        const tcb = h.tcb(CHARGEN)!;
        tcb.ssthresh = tcb.cwnd;
        expect(data(h.ack(CHARGEN, 1 + MSS)), JSON.stringify(settings)).to.have.length(want);
        expect(tcb.cwnd).to.equal(want === 1 ? 4 * MSS + Math.floor((MSS * MSS) / (4 * MSS)) : 5 * MSS);
      }
    });
    it('after a timeout cwnd is one segment: an opened window lets nothing out; timeout-keeps-cwnd fills it', () => {
      for (const [settings, want] of [[{}, 0], [{ faults: ['timeout-keeps-cwnd'] }, 2]] as const) {
        const h = new Harness(settings);
        expect(data(h.open(CHARGEN, { window: 2 * MSS }).flight)).to.have.length(2);
        const rtx = data(h.after(1000));
        expect(rtx.map((p) => h.rel(p))).to.deep.equal([1]);
        expect(h.tcb(CHARGEN)!.cwnd).to.equal(want === 0 ? MSS : 4 * MSS);
        // The window opens, nothing acknowledged.
        expect(data(h.ack(CHARGEN, 1)), JSON.stringify(settings)).to.have.length(want);
      }
    });
  });

  describe('fast recovery (RFC 5681 §3.2)', () => {
    it('the third duplicate ACK halves ssthresh and sends only the retransmission; fast-recovery-no-reduction keeps ssthresh at cwnd and sends new data with it', () => {
      for (const [settings, ssthresh, extra] of [[{}, 3 * MSS, 0], [{ faults: ['fast-recovery-no-reduction'] }, 4 * MSS, 1]] as const) {
        const h = new Harness(settings);
        expect(data(h.open(CHARGEN).flight)).to.have.length(4);
        // Limited transmit: one new segment on each of the first two duplicate ACKs.
        expect(data(h.ack(CHARGEN, 1))).to.have.length(1);
        expect(data(h.ack(CHARGEN, 1))).to.have.length(1);
        const third = data(h.ack(CHARGEN, 1)).map((p) => h.rel(p));
        expect(third[0], JSON.stringify(settings)).to.equal(1);
        expect(third.slice(1), JSON.stringify(settings)).to.have.length(extra);
        expect(h.tcb(CHARGEN)!.ssthresh).to.equal(ssthresh);
      }
    });
  });

  describe('restart after idle (RFC 5681 §4.1)', () => {
    it('after an idle period longer than the RTO a write goes out an initial window at a time; no-idle-restart sends its grown window', () => {
      for (const [settings, want] of [[{}, 4], [{ idleRestart: false }, 15]] as const) {
        const h = new Harness(settings);
        h.open(DISCARD);
        const tcb = h.tcb(DISCARD)!;
        tcb.write(new Uint8Array(20 * MSS).fill(0x61));
        // One segment acknowledged per ACK (slow start), then all: cwnd 4 + 10 + 1 segments.
        for (let n = 1; n <= 10; n++) h.ack(DISCARD, 1 + n * MSS);
        h.ack(DISCARD, 1 + 20 * MSS);
        expect(tcb.sndUna).to.equal(tcb.sndNxt);
        expect(tcb.cwnd).to.equal(15 * MSS);
        h.after(3000);
        const before = h.out.length;
        tcb.write(new Uint8Array(20 * MSS).fill(0x62));
        expect(data(h.out.slice(before)), JSON.stringify(settings)).to.have.length(want);
      }
    });
  });

  describe('the ECN sender (RFC 3168 §6.1; SHLD-8)', () => {
    it('a pure ACK is not-ECT; ecn-ect-on-acks sends it ECT(0)', () => {
      for (const [settings, want] of [[{}, 0], [{ faults: ['ecn-ect-on-acks'] }, 2]] as const) {
        const h = new Harness(settings);
        h.open(DISCARD, { ecn: true });
        h.send(DISCARD, Flag.ACK | Flag.PSH, ISN + 1, seqAdd(h.iss, 1), { payload: 'ping\n', ecn: 2 });
        const [ack] = h.after(500);
        expect(ack!.payload.length).to.equal(0);
        expect((ack!.ip as { ecn: number }).ecn, JSON.stringify(settings)).to.equal(want);
      }
    });
    it('new data is ECT(0), a retransmission not-ECT; ecn-ect-on-retransmissions sends it ECT(0)', () => {
      for (const [settings, want] of [[{}, 0], [{ faults: ['ecn-ect-on-retransmissions'] }, 2]] as const) {
        const h = new Harness(settings);
        const { flight } = h.open(CHARGEN, { window: 2 * MSS, ecn: true });
        expect(data(flight).map((p) => (p.ip as { ecn: number }).ecn)).to.deep.equal([2, 2]);
        const [rtx] = data(h.after(1000));
        expect(h.rel(rtx!)).to.equal(1);
        expect((rtx!.ip as { ecn: number }).ecn, JSON.stringify(settings)).to.equal(want);
      }
    });
    it('an ECE halves cwnd and the next new data carries CWR, the one after it not; ecn-no-cwr halves cwnd but sets no CWR', () => {
      for (const [settings, cwr] of [[{}, true], [{ faults: ['ecn-no-cwr'] }, false]] as const) {
        const h = new Harness(settings);
        h.open(CHARGEN, { window: 2 * MSS, ecn: true });
        const [next] = data(h.ack(CHARGEN, 1 + 2 * MSS, { flags: Flag.ACK | Flag.ECE, window: MSS }));
        expect(h.tcb(CHARGEN)!.cwnd).to.equal(2 * MSS);
        expect(h.rel(next!)).to.equal(1 + 2 * MSS);
        expect((next!.tcp.flags & Flag.CWR) !== 0, JSON.stringify(settings)).to.equal(cwr);
        const [after] = data(h.ack(CHARGEN, 1 + 3 * MSS, { window: MSS }));
        expect(after!.tcp.flags & Flag.CWR).to.equal(0);
      }
    });
  });

  describe('the kill matrix', function () {
    this.timeout(120_000);
    const OWN: Record<string, string> = {
      'slow-start-double-growth': 'slow-start',
      'slow-start-above-ssthresh': 'congestion-avoidance',
      'timeout-keeps-cwnd': 'loss-window',
      'fast-recovery-no-reduction': 'fast-recovery',
      'no-idle-restart': 'idle-restart',
      'ecn-ect-on-acks': 'ecn-ect-marking',
      'ecn-ect-on-retransmissions': 'ecn-ect-marking',
      'ecn-no-cwr': 'ecn-cwr',
    };
    it('every mutant of group G is killed by its own scenario, which names its requirement and passes on the pure stack', async () => {
      const files = [...new Set(Object.values(OWN))].map((n) => `scenarios/conformance/${n}.ts`);
      const entries = await Promise.all(files.map(async (file) => ({ file, name: file, scenario: await loadScenario(file) })));
      const m = await killMatrix(entries, MUTANTS_G);
      expect([...m.baseline.values()].every((v) => v === 'pass'), 'the pure stack passes them').to.equal(true);
      expect(Object.keys(OWN).sort()).to.deep.equal(MUTANTS_G.map((x) => x.name).sort());
      for (const r of m.mutants) expect(r.killedByOwn, r.mutant.name).to.include(`scenarios/conformance/${OWN[r.mutant.name]}.ts`);
    });
  });
});

