/**
 * `tcpcraft show` against tshark on the same files: relative and raw seq/ack of every segment,
 * the conversations (frames and bytes each way), Wireshark's analysis flags, a capture that
 * starts mid-stream, a pcapng with two interfaces of different link types. And `import`: the
 * scenario it writes loads, plans, and says what the capture had.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanCapture } from '../../src/cli/capture.js';
import { streamReport } from '../../src/capture/streams.js';
import { importScenario } from '../../src/capture/import.js';
import { loadScenario } from '../../src/io/load.js';
import { planSession, modelRoute } from '../../src/session/plan.js';
import { encodePcapng, LinkType, readCaptureBytes, parseFrame } from '../../src/wire/index.js';
import { ROOT } from '../support/live.js';

const FIX = join(ROOT, 'test/fixtures');

function tshark(file: string, fields: string[], extra: string[] = []): string[][] {
  const r = spawnSync('tshark', ['-r', file, ...extra, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

/** [frame, rel seq, rel ack, raw seq, raw ack] as tcpcraft numbers stream 0. */
async function ours(file: string): Promise<string[][]> {
  const scan = await scanCapture(file, 0);
  const { report } = streamReport(file, scan.selected!, scan.frames);
  return report.events.map((e, i) => [String(scan.frames[i]!.frame), String(e.view.rel.seq), e.view.rel.ackRelative ? String(e.view.rel.ack) : '0', String(e.view.packet.tcp.seq), String(e.view.packet.tcp.ack)]);
}

describe('show: relative numbers, conversations and analysis agree with tshark', function () {
  this.timeout(60_000);
  let tmp = '';
  before(function () {
    if (spawnSync('tshark', ['-v']).status !== 0) this.skip();
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-show-'));
  });
  after(() => tmp && rmSync(tmp, { recursive: true, force: true }));

  for (const f of ['nc-plain-eth.pcap', 'nc-opts-eth.pcap', 'nc-opts-sll.pcap', 'nc-opts-sll2.pcap', 'sack-eth.pcap']) {
    it(`${f}: every relative and raw seq/ack`, async () => {
      const file = join(FIX, f);
      const theirs = tshark(file, ['frame.number', 'tcp.seq', 'tcp.ack', 'tcp.seq_raw', 'tcp.ack_raw']);
      expect(await ours(file)).to.deep.equal(theirs);
    });
  }

  it('a capture that starts mid-stream (no SYN, no SYN/ACK): numbered from the first segments as tshark does', async () => {
    const whole = readCaptureBytes(readFileSync(join(FIX, 'sack-eth.pcap')));
    const file = join(tmp, 'mid.pcapng');
    writeFileSync(file, encodePcapng(LinkType.ETHERNET, whole.packets.slice(5).map((p) => ({ timestampUs: p.timestampUs, data: p.data }))));
    const theirs = tshark(file, ['frame.number', 'tcp.seq', 'tcp.ack', 'tcp.seq_raw', 'tcp.ack_raw']);
    expect(await ours(file)).to.deep.equal(theirs);
    const scan = await scanCapture(file, 0);
    expect(streamReport(file, scan.selected!, scan.frames).midStream).to.equal(true);
    expect(scan.conversations[0]!.handshake).to.equal(false);
  });

  it('conversation frames and bytes each way, as tshark -z conv,tcp', async () => {
    for (const f of ['sack-eth.pcap', 'nc-opts-sll2.pcap']) {
      const file = join(FIX, f);
      const r = spawnSync('tshark', ['-r', file, '-q', '-z', 'conv,tcp'], { encoding: 'utf8' });
      const line = r.stdout.split('\n').find((l) => l.includes('<->'))!;
      const m = /^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(\d+)\s+(\d+) bytes\s+(\d+)\s+(\d+) bytes/.exec(line)!;
      const scan = await scanCapture(file);
      const c = scan.conversations[0]!;
      // tshark's A is its first address; "<-" counts B to A, "->" A to B.
      const aIsOurs = c.a.ip === m[1] && String(c.a.port) === m[2];
      const [toA, toB] = aIsOurs ? [[c.framesBA, c.bytesBA], [c.framesAB, c.bytesAB]] : [[c.framesAB, c.bytesAB], [c.framesBA, c.bytesBA]];
      expect([...toA!, ...toB!].map(String), line).to.deep.equal([m[5], m[6], m[7], m[8]]);
    }
  });

  it('analysis names agree with tshark on a capture with duplicate ACKs and a fast retransmission', async () => {
    const file = join(FIX, 'sack-eth.pcap');
    const info = tshark(file, ['frame.number', '_ws.col.Info']);
    const want = info.filter(([, i]) => /\[TCP (Dup ACK|Fast Retransmission|Retransmission|Out-Of-Order)/.test(i!)).map(([n, i]) => `${n} ${/Dup ACK/.test(i!) ? 'duplicate ACK' : /Fast Retransmission/.test(i!) ? 'fast retransmission' : /Out-Of-Order/.test(i!) ? 'out-of-order' : 'retransmission'}`);
    const scan = await scanCapture(file, 0);
    const { analysis } = streamReport(file, scan.selected!, scan.frames);
    const got = analysis.flatMap((names, i) => names.filter((n) => n !== 'zero window' && n !== 'window update').map((n) => `${scan.frames[i]!.frame} ${n}`));
    expect(want.length).to.be.greaterThan(5);
    expect(got).to.deep.equal(want);
  });

  it('a pcapng with two interfaces of different link types: both conversations, each numbered right', async () => {
    const a = readCaptureBytes(readFileSync(join(FIX, 'nc-opts-eth.pcap'))).packets;
    const b = readCaptureBytes(readFileSync(join(FIX, 'nc-plain-eth.pcap'))).packets;
    // Interface 0: Ethernet frames of the first; interface 1: raw IPv4 of the second (its Ethernet header cut off).
    const eth = encodePcapng(LinkType.ETHERNET, a.map((p) => ({ timestampUs: p.timestampUs, data: p.data })));
    const raw = encodePcapng(LinkType.RAW, b.map((p) => ({ timestampUs: p.timestampUs + 1000n, data: p.data.subarray(14) })));
    // Splice: the second file's IDB and EPBs, renumbered to interface 1, after the first file.
    const rawBlocks = raw.subarray(raw.indexOf(1, 28)); // after its SHB (28 bytes)
    const patched = Uint8Array.from(rawBlocks);
    const dv = new DataView(patched.buffer);
    for (let at = 0; at < patched.length; at += dv.getUint32(at + 4, true)) if (dv.getUint32(at, true) === 6) dv.setUint32(at + 8, 1, true);
    const file = join(tmp, 'two-ifaces.pcapng');
    writeFileSync(file, Buffer.concat([eth, patched]));
    const parsed = readCaptureBytes(readFileSync(file));
    expect(parsed.problems).to.deep.equal([]);
    expect(new Set(parsed.packets.map((p) => p.linkType))).to.deep.equal(new Set([LinkType.ETHERNET, LinkType.RAW]));
    expect(parsed.packets.every((p) => parseFrame(p.data, p.linkType).ok)).to.equal(true);
    const scan = await scanCapture(file);
    expect(scan.conversations).to.have.length(2);
    const theirs = tshark(file, ['frame.number', 'tcp.stream', 'tcp.seq', 'tcp.ack']);
    for (const stream of [0, 1]) {
      const s = await scanCapture(file, stream);
      const { report } = streamReport(file, s.selected!, s.frames);
      const mine = report.events.map((e, i) => [String(s.frames[i]!.frame), String(stream), String(e.view.rel.seq), e.view.rel.ackRelative ? String(e.view.rel.ack) : '0']);
      expect(mine).to.deep.equal(theirs.filter((r) => r[1] === String(stream)));
    }
  });

  it('import writes a scenario that loads and plans, with the capture\'s values in comments', async () => {
    const file = join(FIX, 'nc-opts-eth.pcap');
    const scan = await scanCapture(file, 0);
    const source = importScenario(scan.selected!, scan.frames, { as: 'client', name: 'imported', source: file });
    expect(source).to.contain("send('PA', {").and.contain('payload: "tcpcraft netcat seed: hello, nc!!\\n"');
    expect(source).to.contain("expect('FA', { seq: 1, ack: 36, len: 0, options: { timestamp: { tsval: capture('ts2') } } })");
    expect(source).to.contain('// frame 7, ');
    const path = join(tmp, 'imported.ts');
    writeFileSync(path, source);
    const sc = await loadScenario(path);
    const plan = planSession(sc, path, {}, modelRoute(sc, {}), { isn: () => 1000, port: () => 40000 });
    // The model run has the capture's segments, in order, each way, with their lengths.
    expect(plan.model.events.map((e) => [e.kind, e.view.len])).to.deep.equal(scan.frames.map((f) => [f.packet.ip.src === scan.selected!.a.ip ? 'sent' : 'received', f.packet.payload.length]));
    const server = importScenario(scan.selected!, scan.frames, { as: 'server', name: 'imported-server', source: file });
    writeFileSync(join(tmp, 'server.ts'), server);
    const ss = await loadScenario(join(tmp, 'server.ts'));
    expect(ss.role).to.equal('server');
    expect(ss.steps[0]!.kind).to.equal('expect');
  });
});
