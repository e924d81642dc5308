/**
 * The steps and checks added for RFC 9293 coverage, run against an in-memory peer and a virtual
 * clock: drain(), icmp() (the ICMP bytes checked field by field), accepted connections (role
 * 'server' in `connections`), and the rawSeq and valid expectations. Each has a passing case and
 * one that must fail.
 */
import { expect as chaiExpect } from 'chai';
import { runScenario } from '../../src/engine/run.js';
import type { RunReport } from '../../src/engine/report.js';
import { drain, expect, icmp, scenario, send } from '../../src/scenario/dsl.js';
import { where } from '../../src/scenario/matchers.js';
import type { Scenario, Step } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { formatFailure } from '../../src/engine/diagnose.js';
import { formatTrace } from '../../src/report/trace.js';
import { buildIcmpError, onesSum, fold, buildPacket, parsePacket, type Packet, Flag, seqAdd, TcpField, IPV4_MIN_HEADER } from '../../src/wire/index.js';
import { optionAreaProblem } from '../../src/wire/options.js';
import { MemLink, VirtualClock, type Answer } from '../support/memlink.js';
import { SEED_FLOW, SEED_ISN, SEED_PEER_ISN } from './helpers.js';

const FILE = 'test/engine/steps.test.ts';
const { SYN, ACK, RST, PSH } = Flag;

interface From {
  flags: number;
  seq?: number;
  ack?: number;
  payload?: string;
  afterMs?: number;
  reserved?: number;
  mutate?: (b: Uint8Array) => void;
}

function from(f: From, flow = SEED_FLOW): Answer {
  const frame = buildPacket({
    ip: { src: flow.peerIp, dst: flow.localIp },
    tcp: { srcPort: flow.peerPort, dstPort: flow.localPort, seq: seqAdd(SEED_PEER_ISN, f.seq ?? (f.flags & SYN ? 0 : 1)), ack: f.flags & ACK ? seqAdd(SEED_ISN, f.ack ?? 1) : 0, flags: f.flags, window: 65535, options: [], ...(f.reserved !== undefined ? { reserved: f.reserved } : {}) },
    payload: new TextEncoder().encode(f.payload ?? ''),
  });
  f.mutate?.(frame);
  return { frame, afterMs: f.afterMs ?? 0 };
}

function peer(then: From[][], synAck: From = { flags: SYN | ACK }) {
  let n = 0;
  return (p: Packet): Answer[] => {
    if (p.tcp.flags & RST) return [];
    if (p.tcp.flags & SYN) return [from(synAck)];
    return (then[n++] ?? []).map((f) => from(f));
  };
}

const sc = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => scenario({ name: 't', peer: { host: '10.77.0.2', port: 5000 }, steps, ...extra });
const after3wh = (steps: Step[]): Step[] => [send('S'), expect('SA', { seq: 0, ack: 1 }), send('A'), ...steps];

async function run(s: Scenario, script: (p: Packet) => Answer[]): Promise<{ report: RunReport; link: MemLink }> {
  validateScenario(s, FILE);
  const clock = new VirtualClock();
  const link = new MemLink(SEED_FLOW, clock, script);
  const report = await runScenario(s, { file: FILE, flow: SEED_FLOW, localIsn: SEED_ISN }, { link, frames: link.frames, clock });
  return { report, link };
}

function passes(r: RunReport): void {
  chaiExpect(r.passed, r.passed ? '' : formatFailure(r)).to.equal(true);
}

describe('engine: drain, icmp, accepted connections, rawSeq and valid', () => {
  it('drain() takes every segment of its window unchecked (marked drained in the trace), then strict matching resumes', async () => {
    const data = (seq: number, afterMs: number): From => ({ flags: PSH | ACK, seq, payload: 'x', afterMs });
    const steps = after3wh([send('PA', { payload: 'go' }), drain(100), expect('A', { seq: 4, ack: 3, len: 0, timeout: 500 })]);
    const script = peer([[data(1, 10), data(2, 50), data(3, 90), { flags: ACK, seq: 4, ack: 3, afterMs: 150 }]]);
    const { report } = await run(sc(steps), script);
    passes(report);
    chaiExpect(report.events.filter((e) => e.kind === 'drained').map((e) => e.view.rel.seq)).to.deep.equal([1, 2, 3]);
    chaiExpect(formatTrace(report)).to.contain('drained (not checked)');
    // Without the drain, the first data segment is what the expectation sees.
    const strict = await run(sc(after3wh([send('PA', { payload: 'go' }), expect('A', { seq: 4, ack: 3, len: 0, timeout: 500 })])), script);
    chaiExpect(strict.report.passed).to.equal(false);
  });

  it('icmp() sends an ICMPv4 error quoting the peer\'s latest segment, with both checksums right', async () => {
    const steps = after3wh([send('PA', { payload: 'go' }), expect('PA', { seq: 1, payload: 'data' }), icmp(3, 4, { mtu: 1400 })]);
    const { report, link } = await run(sc(steps), peer([[{ flags: PSH | ACK, payload: 'data', ack: 3 }]]));
    passes(report);
    const msg = link.sent.find((b) => b[9] === 1)!;
    chaiExpect(msg, 'an ICMP packet was sent').to.not.equal(undefined);
    const peerSeg = report.events.find((e) => e.kind === 'received' && e.view.len === 4)!.view.packet.bytes;
    chaiExpect(Array.from(msg.subarray(12, 20))).to.deep.equal([10, 77, 0, 1, 10, 77, 0, 2]);
    chaiExpect(Array.from(msg.subarray(20, 24))).to.deep.equal([3, 4, msg[22], msg[23]]);
    chaiExpect((msg[26]! << 8) | msg[27]!).to.equal(1400);
    // RFC 792: the offending datagram's IP header and its first 8 bytes.
    chaiExpect(Array.from(msg.subarray(28))).to.deep.equal(Array.from(peerSeg.subarray(0, 28)));
    chaiExpect(fold(onesSum(msg, 20, msg.length))).to.equal(0xffff);
    chaiExpect(fold(onesSum(msg, 0, 20))).to.equal(0xffff);
    chaiExpect(report.icmp?.map((m) => [m.stepIndex, m.type, m.code])).to.deep.equal([[5, 3, 4]]);
    chaiExpect(formatTrace(report)).to.contain('step 6 at');
  });

  it('icmp() before any segment from the peer is a scenario error naming the step', async () => {
    const { report, link } = await run(sc([icmp(4, 0)]), peer([]));
    chaiExpect(report.failure?.kind).to.equal('error');
    chaiExpect(report.failure?.kind === 'error' && report.failure.message).to.match(/step 1 \(icmp 4\/0\): kind: an ICMP error quotes the peer's latest segment/);
    chaiExpect(link.sent).to.deep.equal([]);
  });

  it('validation: icmp types, codes and mtu; role server needs a local port and starts with the peer\'s SYN', () => {
    const bad = (s: Scenario, re: RegExp) => chaiExpect(() => validateScenario(s, FILE)).to.throw(ScenarioError, re);
    bad(sc([icmp(256, 0)]), /type: 256 is not/);
    bad(sc([icmp(4, 0, { mtu: 1000 })]), /only "fragmentation needed" \(ICMPv4 type 3, code 4\) and "packet too big" \(ICMPv6 type 2, code 0\) carry an MTU/);
    bad(sc([icmp(3, 4, { mtu: 20 })]), /mtu: 20 is not/);
    bad(sc([drain(-1)]), /ms: -1 is not a duration/);
    bad(sc([send('S')], { connections: { back: { role: 'server' } } }), /connections\.back\.local\.port: is required with role 'server'/);
    bad(sc([send('S'), send('SA', { conn: 'back' })], { connections: { back: { role: 'server', local: { port: 40000 } } } }), /connection 'back' has role 'server': the peer speaks first/);
  });

  it('an accepted connection learns the peer\'s port from its SYN and is numbered from its ISN', async () => {
    const back = { localIp: SEED_FLOW.localIp, localPort: 47010, peerIp: SEED_FLOW.peerIp, peerPort: 33333 };
    const steps: Step[] = [...after3wh([send('PA', { payload: '47010\n' })]), expect('S', { conn: 'back', seq: 0 }), send('SA', { conn: 'back' }), expect('A', { conn: 'back', seq: 1, ack: 1 })];
    const s = sc(steps, { connections: { back: { role: 'server', local: { port: 47010 } } } });
    validateScenario(s, FILE);
    const clock = new VirtualClock();
    const script = (p: Packet): Answer[] => {
      if (p.tcp.flags & RST) return [];
      if (p.tcp.flags === SYN) return [from({ flags: SYN | ACK })];
      if (p.tcp.dstPort === 5000 && p.payload.length) return [from({ flags: SYN, seq: 0 }, back)];
      if (p.tcp.srcPort === 47010 && p.tcp.flags === (SYN | ACK)) return [from({ flags: ACK, seq: 1, ack: 1 }, back)];
      return [];
    };
    const link = new MemLink(SEED_FLOW, clock, script);
    const report = await runScenario(s, { file: FILE, flow: SEED_FLOW, localIsn: SEED_ISN, connections: { back: { flow: { localIp: back.localIp, localPort: 47010, peerIp: back.peerIp }, localIsn: SEED_ISN } } }, { link, frames: link.frames, clock });
    passes(report);
    const synAck = parsePacket(link.sent.find((b) => b[9] === 6 && parsePacket(b).ok && (parsePacket(b) as { ok: true; value: Packet }).value.tcp.srcPort === 47010)!);
    chaiExpect(synAck.ok && [synAck.value.tcp.dstPort, synAck.value.tcp.ack]).to.deep.equal([33333, seqAdd(SEED_PEER_ISN, 1)]);
  });

  it('rawSeq compares the sequence number as sent', async () => {
    passes((await run(sc([send('S'), expect('SA', { rawSeq: SEED_PEER_ISN })]), peer([]))).report);
    const r = (await run(sc([send('S'), expect('SA', { rawSeq: where('even', (v: number) => v % 2 === 0) })]), peer([]))).report;
    chaiExpect(r.passed).to.equal(SEED_PEER_ISN % 2 === 0);
    const m = (await run(sc([send('S'), expect('SA', { rawSeq: SEED_PEER_ISN + 1 })]), peer([]))).report;
    chaiExpect(m.failure?.kind === 'mismatch' && m.failure.diffs).to.deep.equal([{ field: 'rawSeq', expected: String(SEED_PEER_ISN + 1), actual: String(SEED_PEER_ISN) }]);
  });

  it('valid: a bad TCP checksum, reserved bits, or a bad option area fail; a clean segment passes', async () => {
    const check = async (mutate?: (b: Uint8Array) => void, reserved?: number) =>
      (await run(sc([send('S'), expect('SA', { valid: true })]), peer([], { flags: SYN | ACK, ...(mutate ? { mutate } : {}), ...(reserved !== undefined ? { reserved } : {}) }))).report;
    passes(await check());
    const diff = (r: RunReport) => (r.failure?.kind === 'mismatch' ? r.failure.diffs.map((d) => d.actual) : []);
    chaiExpect(diff(await check((b) => (b[IPV4_MIN_HEADER + TcpField.CHECKSUM]! ^= 0x01)))).to.deep.equal(['TCP checksum does not verify']);
    chaiExpect(diff(await check(undefined, 5))).to.deep.equal(['reserved bits are 5, not 0']);
    // The option-area rules alone (MUST-68, MUST-69), byte offsets from the first option byte.
    chaiExpect(optionAreaProblem(Uint8Array.of(2, 4, 5, 0xb4, 1, 0, 0, 0))).to.equal(undefined);
    chaiExpect(optionAreaProblem(Uint8Array.of(1, 1, 0, 7))).to.equal('padding byte 3 after EOL is 0x07, not zero');
    chaiExpect(optionAreaProblem(Uint8Array.of(99, 0, 1, 1))).to.equal('option kind 99 at byte 0 has length 0 < 2');
    chaiExpect(optionAreaProblem(Uint8Array.of(1, 1, 1, 8))).to.equal('option kind 8 at byte 3 has no length byte');
    chaiExpect(optionAreaProblem(Uint8Array.of(2, 8, 5, 0xb4))).to.equal('option kind 2 at byte 0 (length 8) runs past the option area');
  });

  it('buildIcmpError: the quote stops 8 bytes into the payload, whatever the packet\'s length', () => {
    const big = buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.1' }, tcp: { srcPort: 19, dstPort: 40000, seq: 1, ack: 2, flags: ACK, window: 100, options: [] }, payload: new Uint8Array(1000) });
    const m = buildIcmpError({ src: '10.77.0.1', dst: '10.77.0.2', type: 4, code: 0, quoted: big });
    chaiExpect(m.length).to.equal(20 + 8 + 28);
    chaiExpect((m[2]! << 8) | m[3]!).to.equal(m.length);
  });
});
