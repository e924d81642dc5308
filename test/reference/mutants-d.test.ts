/**
 * The mutants of RFC 9293 Appendix B's rows on urgent data, TCP options and checksums
 * (src/reference/mutants-d.ts): each fault, segment by segment, does what its name says and the
 * pure stack does not; and each mutant is killed by a conformance scenario naming its row.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { loadScenario } from '../../src/io/load.js';
import { MUTANTS_D } from '../../src/reference/mutants-d.js';
import { optionArea, readOptions } from '../../src/reference/optionarea.js';
import { referenceSettings, type ReferenceSettings } from '../../src/reference/index.js';
import { killMatrix } from '../../src/suite/mutation.js';
import { buildPacket, parsePacket, type Packet } from '../../src/wire/packet.js';
import { optionAreaProblem, type TcpOption } from '../../src/wire/options.js';
import { Flag, flagLetters, type TcpHeader } from '../../src/wire/tcp.js';
import { seqAdd } from '../../src/wire/seq.js';
import { ISN, SPORT, StackHarness } from './harness.js';

const faulty = (...faults: ReferenceSettings['faults']): ReferenceSettings => referenceSettings({ faults });
const PURE = referenceSettings();

/** The TCP header of a segment with the option area `area` (raw bytes) and `flags`. */
function header(area: Uint8Array | TcpOption[], flags: number = Flag.ACK): TcpHeader {
  const p = parsePacket(buildPacket({ ip: { src: '10.77.0.1', dst: '10.77.0.2' }, tcp: { srcPort: 1, dstPort: 2, seq: 1, ack: 1, flags, options: area } }));
  if (!p.ok) throw new Error('unreadable');
  return p.value.tcp;
}

const MSS_400_AFTER_NOPS = Uint8Array.of(1, 1, 2, 4, 0x01, 0x90, 0, 0);
const MSS_200_UNALIGNED = Uint8Array.of(1, 2, 4, 0, 200, 1, 1, 1);

class Harness extends StackHarness {
  /** Handshake to `port`; returns the SYN/ACK. */
  open(port: number, options: TcpOption[] = []): Packet {
    const [sa] = this.send(port, Flag.SYN, ISN, 0, { options });
    expect(flagLetters(sa!.tcp.flags)).to.equal('SA');
    this.send(port, Flag.ACK, ISN + 1, seqAdd(sa!.tcp.seq, 1));
    return sa!;
  }
}

describe('reference stack: mutants of urgent data, options and checksums (group D)', () => {
  describe('reading options (optionarea.ts, RFC 9293 §3.1, §3.2)', () => {
    it('the pure stack takes the decoded options as they are, NOPs and unaligned ones too (MUST-4, MUST-64)', () => {
      for (const area of [MSS_400_AFTER_NOPS, MSS_200_UNALIGNED]) {
        const t = header(area, Flag.SYN);
        expect(readOptions(PURE, t)).to.equal(t.options);
      }
    });
    it('nop-not-understood misses an MSS behind NOPs (MUST-4)', () => {
      expect(readOptions(faulty('nop-not-understood'), header(MSS_400_AFTER_NOPS, Flag.SYN))).to.deep.equal([]);
    });
    it('options-aligned-only misses an MSS at an odd offset, not one at offset 0 (MUST-64)', () => {
      const s = faulty('options-aligned-only');
      expect((readOptions(s, header(MSS_200_UNALIGNED, Flag.SYN)) as TcpOption[]).some((o) => o.kind === 'mss')).to.equal(false);
      expect(readOptions(s, header([{ kind: 'mss', value: 300 }], Flag.SYN))).to.deep.equal([{ kind: 'mss', value: 300 }]);
    });
    it('options-only-on-syn reads a SYN\'s options, not a data segment\'s (MUST-5)', () => {
      const s = faulty('options-only-on-syn');
      const tsOpt: TcpOption[] = [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', tsval: 7, tsecr: 8 }];
      expect(readOptions(s, header(tsOpt, Flag.SYN))).to.have.length(3);
      expect(readOptions(s, header(tsOpt, Flag.ACK))).to.deep.equal([]);
    });
    it('unknown-option-drops-segment drops a segment with kind 99; the pure stack skips the option (MUST-6)', () => {
      const t = header([{ kind: 'unknown', code: 99, data: Uint8Array.of(1, 2) }, { kind: 'mss', value: 1000 }], Flag.SYN);
      expect(readOptions(PURE, t)).to.have.length(2);
      expect(readOptions(faulty('unknown-option-drops-segment'), t)).to.equal('drop');
    });
    it('illegal-option-length-hangs hangs on a zero length; the pure stack reads what comes before it (MUST-7)', () => {
      const t = header(Uint8Array.of(2, 4, 1, 0, 99, 0, 1, 1), Flag.SYN);
      expect(readOptions(PURE, t)).to.deep.equal([{ kind: 'mss', value: 256 }]);
      expect(readOptions(faulty('illegal-option-length-hangs'), t)).to.equal('hang');
    });
    it('a hung stack answers nothing more: a new SYN gets no SYN/ACK (MUST-7)', () => {
      const h = new Harness({ faults: ['illegal-option-length-hangs'] });
      h.open(9);
      // Option kind 99 with length 0, as raw bytes (the encoder would write a legal length).
      const bad = buildPacket({ ip: { src: h.me, dst: h.ref }, tcp: { srcPort: SPORT, dstPort: 9, seq: ISN + 1, ack: 0, flags: Flag.ACK, options: Uint8Array.of(99, 0, 1, 1) } });
      h.input(bad);
      expect(h.send(9, Flag.SYN, ISN, 0, { sport: SPORT + 1 })).to.deep.equal([]);
    });
  });

  describe('writing options (optionarea.ts)', () => {
    const SYNACK: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'sackOk' }, { kind: 'nop' }, { kind: 'wscale', shift: 0 }];
    const area = (o: readonly TcpOption[] | Uint8Array | undefined): Uint8Array => {
      const t = parsePacket(buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.1' }, tcp: { srcPort: 1, dstPort: 2, seq: 1, ack: 1, flags: Flag.SYN | Flag.ACK, ...(o ? { options: o } : {}) } }));
      if (!t.ok) throw new Error('unreadable');
      return t.value.tcp.optionBytes;
    };
    it('the pure stack writes its options as given: well formed (MUST-68, MUST-69)', () => {
      expect(optionArea(PURE, SYNACK)).to.equal(SYNACK);
      expect(optionAreaProblem(area(optionArea(PURE, SYNACK)))).to.equal(undefined);
    });
    it('sackok-without-length leaves SACK-permitted without its length (MUST-68)', () => {
      expect(optionAreaProblem(area(optionArea(faulty('sackok-without-length'), SYNACK)))).to.match(/length/);
    });
    it('padding-not-zeroed leaves garbage after the EOL, in an area of the same size (MUST-69)', () => {
      const bytes = area(optionArea(faulty('padding-not-zeroed'), SYNACK));
      expect(bytes.length).to.equal(12);
      expect(optionAreaProblem(bytes)).to.match(/padding/);
    });
  });

  describe('the MSS option (RFC 9293 §3.7.1, §3.2)', () => {
    it('mss-only-if-offered: no MSS in the SYN/ACK to a SYN without one; the pure stack sends it (SHLD-5)', () => {
      const has = (h: Harness): boolean => h.open(9).tcp.options.some((o) => o.kind === 'mss');
      expect(has(new Harness())).to.equal(true);
      expect(has(new Harness({ faults: ['mss-only-if-offered'] }))).to.equal(false);
    });
    it('mss-over-mms-r announces 1480 on a 1500-byte link; the pure stack 1460 (MUST-67)', () => {
      const mss = (h: Harness): number | undefined => (h.open(9).tcp.options.find((o) => o.kind === 'mss') as { value: number } | undefined)?.value;
      expect(mss(new Harness())).to.equal(1460);
      expect(mss(new Harness({ faults: ['mss-over-mms-r'] }))).to.equal(1480);
    });
    it('mss-on-every-segment puts the MSS on data segments; the pure stack never does (MUST-65)', () => {
      for (const [settings, want] of [[{}, false], [{ faults: ['mss-on-every-segment'] as const }, true]] as const) {
        const h = new Harness(settings);
        h.open(19);
        const data = h.out.filter((p) => p.payload.length > 0);
        expect(data.length).to.be.greaterThan(0);
        expect(data.every((p) => p.tcp.options.some((o) => o.kind === 'mss'))).to.equal(want);
      }
    });
    it('mss-ignores-option-room fills segments to the MSS despite 12 bytes of timestamps (MUST-16)', () => {
      const longest = (settings: Partial<ReferenceSettings>): number => {
        const h = new Harness(settings);
        const [sa] = h.send(19, Flag.SYN, ISN, 0, { options: [{ kind: 'mss', value: 1000 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', tsval: 1, tsecr: 0 }] });
        const tsval = (sa!.tcp.options.find((o) => o.kind === 'timestamp') as { tsval: number }).tsval;
        h.send(19, Flag.ACK, ISN + 1, seqAdd(sa!.tcp.seq, 1), { options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', tsval: 2, tsecr: tsval }] });
        return Math.max(...h.out.map((p) => p.payload.length));
      };
      expect(longest({})).to.equal(988);
      expect(longest({ faults: ['mss-ignores-option-room'] })).to.equal(1000);
    });
  });

  describe('urgent data (RFC 9293 §3.8.5) and checksums (§3.1)', () => {
    it('urgent-beyond-segment-dropped drops 3 octets whose pointer reaches 100 ahead; the pure stack takes them (MUST-31)', () => {
      for (const [settings, ack] of [[{}, ISN + 4], [{ faults: ['urgent-beyond-segment-dropped'] as const }, ISN + 1]] as const) {
        const h = new Harness(settings);
        h.open(9);
        h.send(9, Flag.ACK | Flag.PSH | Flag.URG, ISN + 1, h.tcb(9)!.sndNxt, { payload: 'abc', urgent: 100 });
        h.after(600);
        expect(h.tcb(9)!.rcvNxt).to.equal(ack);
      }
    });
    it('checksum-not-checked takes a segment with a bad checksum; the pure stack drops it (MUST-3)', () => {
      for (const [settings, ack] of [[{}, ISN + 1], [{ faults: ['checksum-not-checked'] as const }, ISN + 3]] as const) {
        const h = new Harness(settings);
        h.open(9);
        h.input(buildPacket({ ip: { src: h.me, dst: h.ref }, tcp: { srcPort: SPORT, dstPort: 9, seq: ISN + 1, ack: h.tcb(9)!.sndNxt, flags: Flag.ACK, checksum: 'bad' }, payload: Uint8Array.of(1, 2) }));
        expect(h.tcb(9)!.rcvNxt).to.equal(ack);
      }
    });
    it('checksum-not-computed sends a zero checksum field (MUST-2)', () => {
      expect(new Harness({ faults: ['checksum-not-computed'] }).open(9).tcp.checksum).to.equal(0);
      expect(new Harness().open(9).tcp.checksum).to.not.equal(0);
    });
  });

  describe('the kill matrix', function () {
    this.timeout(120_000);
    it('every mutant of group D is killed by a scenario naming its row, and only its own fault is on', async () => {
      const dirs = ['scenarios/conformance', 'scenarios/conformance/slow'];
      const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => `${d}/${f}`));
      const entries = await Promise.all(files.map(async (file) => ({ file, name: file, scenario: await loadScenario(file) })));
      const m = await killMatrix(entries, MUTANTS_D);
      const alive = m.mutants.filter((r) => r.killedByOwn.length === 0).map((r) => `${r.mutant.name} [${r.mutant.requirement}]`);
      expect(alive, 'not shown').to.deep.equal([]);
    });
  });
});
