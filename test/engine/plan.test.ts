/** The offline planner on the two seed scenarios: every row's relative and raw numbers. */
import { expect as chaiExpect } from 'chai';
import { plan } from '../../src/engine/plan.js';
import type { RunReport } from '../../src/engine/report.js';
import { loadScenario } from '../../src/io/load.js';
import { expect, mss, nop, scenario, send, wscale } from '../../src/scenario/dsl.js';
import type { Scenario } from '../../src/scenario/types.js';
import { flagLetters } from '../../src/wire/tcp.js';
import { formatOptions } from '../../src/wire/options.js';
import { SEED_FLOW, SEED_ISN, SEED_PEER_ISN } from './helpers.js';

/** One row: step, dir, flags, relative seq/ack, len, raw seq/ack. */
function rows(r: RunReport): Array<[number | undefined, string, string, number, number, number, number, number]> {
  return r.events.map((e) => {
    const v = e.view;
    return [e.stepIndex, v.dir, flagLetters(v.packet.tcp.flags), v.rel.seq, v.rel.ack, v.len, v.packet.tcp.seq, v.packet.tcp.ack];
  });
}

describe('engine/plan', () => {
  let netcat: Scenario;
  let daytime: Scenario;
  before(async () => {
    netcat = await loadScenario('scenarios/netcat-5000.ts');
    daytime = await loadScenario('scenarios/daytime-13.ts');
  });

  describe('netcat-5000 with the seed ISNs (4126488336 / 547479085)', () => {
    let r: RunReport;
    before(() => {
      r = plan(netcat, { file: 'scenarios/netcat-5000.ts', flow: SEED_FLOW, localIsn: SEED_ISN, peerIsn: SEED_PEER_ISN });
    });

    it('gives the seed rows, relative and raw', () => {
      chaiExpect(rows(r)).to.deep.equal([
        [0, 'out', 'S', 0, 0, 0, 4126488336, 0],
        [1, 'in', 'SA', 0, 1, 0, 547479085, 4126488337],
        [2, 'out', 'A', 1, 1, 0, 4126488337, 547479086],
        [3, 'out', 'PA', 1, 1, 34, 4126488337, 547479086],
        [4, 'in', 'A', 1, 35, 0, 547479086, 4126488371],
        [5, 'out', 'FA', 35, 1, 0, 4126488371, 547479086],
        [6, 'in', 'A', 1, 36, 0, 547479086, 4126488372],
        [7, 'in', 'FA', 1, 36, 0, 547479086, 4126488372],
        [8, 'out', 'A', 36, 2, 0, 4126488372, 547479087],
      ]);
    });

    it("our segments carry the seed's windows and SYN options (header 32 bytes)", () => {
      const out = r.events.filter((e) => e.view.dir === 'out').map((e) => e.view.packet.tcp);
      chaiExpect(out.map((t) => t.window)).to.deep.equal([65535, 10233, 10233, 10233, 10233]);
      chaiExpect(formatOptions(out[0]!.options)).to.equal('mss 1460,nop,wscale 8,nop,nop,sackOK');
      chaiExpect(out[0]!.dataOffset).to.equal(8);
      chaiExpect(out.slice(1).map((t) => t.dataOffset)).to.deep.equal([5, 5, 5, 5]);
    });

    it('the 4-tuple is the seed one in both directions', () => {
      for (const e of r.events) {
        const t = e.view.packet.tcp;
        chaiExpect(e.view.dir === 'out' ? [t.srcPort, t.dstPort] : [t.dstPort, t.srcPort]).to.deep.equal([24491, 5000]);
      }
    });

    it('reports both ISNs, a pass, 1 ms between packets', () => {
      chaiExpect(r.isns).to.deep.equal({ local: SEED_ISN, peer: SEED_PEER_ISN });
      chaiExpect(r).to.include({ passed: true, scenario: 'netcat-5000', file: 'scenarios/netcat-5000.ts', startedUs: 0n, durationMs: 9 });
      chaiExpect(r.events.map((e) => e.view.timestampUs)).to.deep.equal([0n, 1000n, 2000n, 3000n, 4000n, 5000n, 6000n, 7000n, 8000n]);
      chaiExpect(r.events.every((e) => e.kind === (e.view.dir === 'out' ? 'sent' : 'received'))).to.equal(true);
    });

    it('every packet has good checksums', () => {
      chaiExpect(r.events.map((e) => e.view.checksums)).to.deep.equal(new Array(9).fill({ ip: 'good', tcp: 'good' }));
    });

    it('carries the payload', () => {
      chaiExpect(Buffer.from(r.events[3]!.view.packet.payload).toString()).to.equal('Hello from tcpcraft, over netcat!\n');
    });
  });

  describe('daytime-13 with both ISNs 0', () => {
    it('data seq 1 len 22, our ack 23, its FIN seq 23, our ack 24, our FIN seq 1, its ack 2', () => {
      const r = plan(daytime, { file: 'scenarios/daytime-13.ts', flow: { ...SEED_FLOW, peerPort: 13 }, localIsn: 0, peerIsn: 0 });
      chaiExpect(rows(r)).to.deep.equal([
        [0, 'out', 'S', 0, 0, 0, 0, 0],
        [1, 'in', 'SA', 0, 1, 0, 0, 1],
        [2, 'out', 'A', 1, 1, 0, 1, 1],
        [3, 'in', 'PA', 1, 1, 22, 1, 1],
        [4, 'out', 'A', 1, 23, 0, 1, 23],
        [5, 'in', 'FA', 23, 1, 0, 23, 1],
        [6, 'out', 'A', 1, 24, 0, 1, 24],
        [7, 'out', 'FA', 1, 24, 0, 1, 24],
        [8, 'in', 'A', 24, 2, 0, 24, 2],
      ]);
      // the model peer fills an unspecified payload with 'x'
      chaiExpect(Buffer.from(r.events[3]!.view.packet.payload).toString()).to.equal('x'.repeat(22));
    });
  });

  it('wraps around: ISNs 0xfffffff0', () => {
    const r = plan(netcat, { file: 'n.ts', flow: SEED_FLOW, localIsn: 0xfffffff0, peerIsn: 0xfffffff0 });
    chaiExpect(rows(r)).to.deep.equal([
      [0, 'out', 'S', 0, 0, 0, 0xfffffff0, 0],
      [1, 'in', 'SA', 0, 1, 0, 0xfffffff0, 0xfffffff1],
      [2, 'out', 'A', 1, 1, 0, 0xfffffff1, 0xfffffff1],
      [3, 'out', 'PA', 1, 1, 34, 0xfffffff1, 0xfffffff1],
      [4, 'in', 'A', 1, 35, 0, 0xfffffff1, 0x13],
      [5, 'out', 'FA', 35, 1, 0, 0x13, 0xfffffff1],
      [6, 'in', 'A', 1, 36, 0, 0xfffffff1, 0x14],
      [7, 'in', 'FA', 1, 36, 0, 0xfffffff1, 0x14],
      [8, 'out', 'A', 36, 2, 0, 0x14, 0xfffffff2],
    ]);
  });

  it('is byte-identical for fixed ISNs, and differs when an ISN changes', () => {
    const cfg = { file: 'n.ts', flow: SEED_FLOW, localIsn: SEED_ISN, peerIsn: SEED_PEER_ISN, startUs: 1_700_000_000_000_000n };
    const bytes = (r: RunReport) => r.events.map((e) => Buffer.from(e.view.packet.bytes).toString('hex'));
    const a = plan(netcat, cfg);
    const b = plan(netcat, cfg);
    chaiExpect(bytes(a)).to.deep.equal(bytes(b));
    chaiExpect(a.events.map((e) => e.view.timestampUs)).to.deep.equal(b.events.map((e) => e.view.timestampUs));
    chaiExpect(bytes(plan(netcat, { ...cfg, peerIsn: SEED_PEER_ISN + 1 }))).to.not.deep.equal(bytes(a));
    // golden bytes: the SYN (IPv4 id 0, TTL 64, DF; 12 bytes of options) and our last ACK
    chaiExpect(bytes(a)[0]).to.equal('4500003400004000400626280a4d00010a4d00025fab1388f5f53710000000008002ffffba3a0000020405b40103030801010402');
    chaiExpect(bytes(a)[8]).to.equal('4500002800004000400626340a4d00010a4d00025fab1388f5f5373420a1de2f501027f9d4100000');
  });

  it('pauses add time; the model peer answers with the expectation values', () => {
    const sc = scenario({
      name: 'p',
      peer: { host: '10.77.0.2', port: 5000 },
      steps: [send('S', { options: [mss(1460)] }), expect('SA', { window: 29200, options: [mss(1400), nop(), wscale(7)] }), { kind: 'pause', ms: 250 }, send('A')],
    });
    const r = plan(sc, { file: 'p.ts', flow: SEED_FLOW, localIsn: 10, peerIsn: 20, startUs: 5n });
    chaiExpect(r.events.map((e) => e.view.timestampUs)).to.deep.equal([5n, 1005n, 252005n]);
    chaiExpect(r.events[1]!.view.packet.tcp.window).to.equal(29200);
    chaiExpect(formatOptions(r.events[1]!.view.packet.tcp.options)).to.equal('mss 1400,nop,wscale 7');
    chaiExpect(r.durationMs).to.equal(253);
  });

  it('a send with a raw tcp.ack before the peer SYN is built with that ack', () => {
    const sc = scenario({ name: 'q', peer: { host: '10.77.0.2', port: 5000 }, steps: [send('S'), send('A', { tcp: { ack: 99 } })] });
    const r = plan(sc, { file: 'q.ts', flow: SEED_FLOW, localIsn: 10, peerIsn: 20 });
    chaiExpect(rows(r)[1]).to.deep.equal([1, 'out', 'A', 1, 99, 0, 11, 99]);
  });

  it("an expectation before the peer's SYN stays raw (RST to a closed port)", () => {
    const sc = scenario({ name: 'r', peer: { host: '10.77.0.2', port: 5001 }, steps: [send('S'), expect('RA', { seq: 0, ack: 1 })] });
    const r = plan(sc, { file: 'r.ts', flow: SEED_FLOW, localIsn: 10, peerIsn: 20 });
    const v = r.events[1]!.view;
    chaiExpect(v.rel).to.include({ seqRelative: false, seq: 20, ackRelative: true, ack: 1 });
  });
});
