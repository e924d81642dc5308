/** The run loop against an in-memory peer and a virtual clock: no sockets, no root, no real time. */
import { expect as chaiExpect } from 'chai';
import { runScenario, type RunConfig } from '../../src/engine/run.js';
import type { RunReport } from '../../src/engine/report.js';
import { loadScenario } from '../../src/io/load.js';
import { expect, pause, scenario, send, silence } from '../../src/scenario/dsl.js';
import { formatFailure } from '../../src/engine/diagnose.js';
import type { Scenario } from '../../src/scenario/types.js';
import { buildPacket, parsePacket } from '../../src/wire/packet.js';
import { LinkType } from '../../src/wire/link.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { MemLink, seedPeer, VirtualClock, type PeerScript } from '../support/memlink.js';
import { SEED_FLOW, SEED_ISN } from './helpers.js';

const FILE = 'scenarios/netcat-5000.ts';
const CFG: RunConfig = { file: FILE, flow: SEED_FLOW, localIsn: SEED_ISN };

let netcat: Scenario;

async function runWith(script: PeerScript, o: { sc?: Scenario; cfg?: Partial<RunConfig>; signal?: AbortSignal; echo?: boolean } = {}) {
  const clock = new VirtualClock();
  const link = new MemLink(SEED_FLOW, clock, script, o.echo ?? true);
  const report = await runScenario(o.sc ?? netcat, { ...CFG, ...o.cfg }, { link, frames: link.frames, clock, ...(o.signal ? { signal: o.signal } : {}) });
  return { report, link, clock };
}

/** [kind, step, dir, flags, rel seq, rel ack, len] per event. */
function events(r: RunReport) {
  return r.events.map((e) => [e.kind, e.stepIndex ?? null, e.view.dir, flagLetters(e.view.packet.tcp.flags), e.view.rel.seq, e.view.rel.ack, e.view.len]);
}

/** flags, raw seq and raw ack of each packet we sent. */
function sentRaw(link: MemLink) {
  return link.sent.map((b) => {
    const p = parsePacket(b);
    if (!p.ok) throw new Error(p.error.message);
    return [flagLetters(p.value.tcp.flags), p.value.tcp.seq, p.value.tcp.ack];
  });
}

describe('engine/run (in-memory peer)', () => {
  before(async () => {
    netcat = await loadScenario(FILE);
  });

  describe('the virtual clock', () => {
    it('fires timers in deadline order when advanced, and cancelled ones never', () => {
      const c = new VirtualClock(0n, false);
      const fired: string[] = [];
      c.setTimer(30, () => fired.push('b'));
      c.setTimer(10, () => fired.push('a'));
      const cancel = c.setTimer(20, () => fired.push('x'));
      c.setTimer(30, () => fired.push('c'));
      cancel();
      c.advance(25);
      chaiExpect(fired).to.deep.equal(['a']);
      chaiExpect(c.now()).to.equal(25);
      c.advance(5);
      chaiExpect(fired).to.deep.equal(['a', 'b', 'c']);
      chaiExpect(c.wallUs()).to.equal(30000n);
    });

    it('auto mode fires the earliest timer once nothing else is pending', async () => {
      const c = new VirtualClock(0n);
      const t0 = c.now();
      await new Promise<void>((resolve) => c.setTimer(3000, resolve));
      chaiExpect(c.now() - t0).to.equal(3000);
    });
  });

  describe('a peer that answers like the seed', () => {
    it('passes, with the ACK of our FIN alone then its FIN/ACK', async () => {
      const { report, link } = await runWith(seedPeer());
      chaiExpect(report.failure).to.equal(undefined);
      chaiExpect(report.passed).to.equal(true);
      chaiExpect(events(report)).to.deep.equal([
        ['sent', 0, 'out', 'S', 0, 0, 0],
        ['received', 1, 'in', 'SA', 0, 1, 0],
        ['sent', 2, 'out', 'A', 1, 1, 0],
        ['sent', 3, 'out', 'PA', 1, 1, 34],
        ['received', 4, 'in', 'A', 1, 35, 0],
        ['sent', 5, 'out', 'FA', 35, 1, 0],
        ['received', 6, 'in', 'A', 1, 36, 0],
        ['received', 7, 'in', 'FA', 1, 36, 0],
        ['sent', 8, 'out', 'A', 36, 2, 0],
      ]);
      chaiExpect(report.isns).to.deep.equal({ local: SEED_ISN, peer: 547479085 });
      // the seed's raw numbers; no cleanup RST: the connection closed cleanly
      chaiExpect(sentRaw(link)).to.deep.equal([
        ['S', 4126488336, 0],
        ['A', 4126488337, 547479086],
        ['PA', 4126488337, 547479086],
        ['FA', 4126488371, 547479086],
        ['A', 4126488372, 547479087],
      ]);
      chaiExpect(report.leftovers).to.deep.equal([]);
      chaiExpect(report.durationMs).to.equal(0);
    });

    it('passes with the ACK of our FIN merged into its FIN/ACK (the optional step is skipped)', async () => {
      const { report, link } = await runWith(seedPeer({ mergeFinAck: true }));
      chaiExpect(report.passed).to.equal(true);
      chaiExpect(events(report).slice(5)).to.deep.equal([
        ['sent', 5, 'out', 'FA', 35, 1, 0],
        ['received', 7, 'in', 'FA', 1, 36, 0],
        ['sent', 8, 'out', 'A', 36, 2, 0],
      ]);
      chaiExpect(sentRaw(link).at(-1)).to.deep.equal(['A', 4126488372, 547479087]);
    });

    it('passes when the answers come later in virtual time and as Ethernet frames', async () => {
      const base = seedPeer();
      const delayed: PeerScript = (p, link) =>
        (base(p, link) ?? []).map((a) => {
          const ip = a instanceof Uint8Array ? a : a.frame;
          const eth = new Uint8Array(14 + ip.length);
          eth.set([0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]);
          eth.set(ip, 14);
          return { frame: eth, afterMs: 40, linkType: LinkType.ETHERNET };
        });
      const { report, clock } = await runWith(delayed);
      chaiExpect(report.passed).to.equal(true);
      chaiExpect(report.events).to.have.length(9);
      // four answers, each 40 ms after what triggered it (the two FIN-time answers share one delay)
      chaiExpect(clock.now()).to.equal(120);
      chaiExpect(report.durationMs).to.equal(120);
      chaiExpect(report.events[1]!.view.timestampUs - report.events[0]!.view.timestampUs).to.equal(40_000n);
    });

    it('keeps segments that arrive after the last step as leftovers, not failures', async () => {
      const base = seedPeer();
      const script: PeerScript = (p, link) => {
        const answers = base(p, link) ?? [];
        if (p.tcp.flags === Flag.ACK && p.tcp.seq === 4126488372) return [link.reply({ flags: Flag.RST, seq: 547479087 })];
        return answers;
      };
      const { report } = await runWith(script);
      chaiExpect(report.passed).to.equal(true);
      chaiExpect(report.leftovers.map((v) => [flagLetters(v.packet.tcp.flags), v.rel.seq])).to.deep.equal([['R', 2]]);
    });

    it('is deterministic: two runs give the same bytes and times', async () => {
      const a = await runWith(seedPeer());
      const b = await runWith(seedPeer());
      const dump = (r: RunReport) => r.events.map((e) => [Buffer.from(e.view.packet.bytes).toString('hex'), e.view.timestampUs]);
      chaiExpect(dump(a.report)).to.deep.equal(dump(b.report));
    });
  });

  describe('failures', () => {
    it('a wrong answer is a mismatch listing every differing field with raw values and the step index', async () => {
      const { report, link } = await runWith(
        seedPeer({ onData: (p, l) => [l.reply({ flags: Flag.PSH | Flag.ACK, seq: 547479087, ack: p.tcp.seq + 33, window: 10233, payload: 'no' })] }),
      );
      chaiExpect(report.passed).to.equal(false);
      const f = report.failure!;
      chaiExpect(f.kind).to.equal('mismatch');
      if (f.kind !== 'mismatch') return;
      chaiExpect(f.stepIndex).to.equal(4);
      chaiExpect(f.step).to.equal(netcat.steps[4]);
      chaiExpect(f.diffs).to.deep.equal([
        { field: 'flags', expected: "'A'", actual: "'PA'" },
        { field: 'seq', expected: '1', actual: '2', expectedRaw: 547479086, actualRaw: 547479087 },
        { field: 'ack', expected: '35', actual: '34', expectedRaw: 4126488371, actualRaw: 4126488370 },
      ]);
      chaiExpect(f.actual.rel).to.include({ seq: 2, ack: 34 });
      chaiExpect(events(report).slice(-3)).to.deep.equal([
        ['unmatched', null, 'in', 'PA', 2, 34, 2],
        ['cleanup', null, 'out', 'R', 34, 0, 0],
        ['cleanup', null, 'out', 'R', 35, 0, 0],
      ]);
      // cleanup RSTs, ack 0, no ACK flag: seq = the peer's last ack (its RCV.NXT if our last byte
      // was lost), then our next sequence number (its RCV.NXT if it got everything)
      chaiExpect(sentRaw(link).slice(-2)).to.deep.equal([
        ['R', 4126488370, 0],
        ['R', 4126488371, 0],
      ]);
      chaiExpect(link.sent).to.have.length(5);
    });

    it('after a mismatch, what else arrives within contextMs is recorded as unmatched', async () => {
      const { report, clock } = await runWith(
        seedPeer({
          onData: (_p, l) => [
            l.reply({ flags: Flag.ACK, seq: 547479086, ack: 4126488360 }),
            { frame: l.reply({ flags: Flag.ACK, seq: 547479086, ack: 4126488371 }), afterMs: 50 },
            { frame: l.reply({ flags: Flag.FIN | Flag.ACK, seq: 547479086, ack: 4126488371 }), afterMs: 500 },
          ],
        }),
      );
      chaiExpect(report.failure?.kind).to.equal('mismatch');
      chaiExpect(events(report).filter((e) => e[0] === 'unmatched')).to.deep.equal([
        ['unmatched', null, 'in', 'A', 1, 24, 0],
        ['unmatched', null, 'in', 'A', 1, 35, 0],
      ]);
      chaiExpect(report.leftovers).to.deep.equal([]);
      chaiExpect(clock.now()).to.equal(100);
    });

    it('silence gives a timeout at the waiting step, after the scenario timeout in virtual time', async () => {
      const { report, link, clock } = await runWith(seedPeer({ answerFirst: 1 }));
      const f = report.failure!;
      chaiExpect(f).to.deep.include({ kind: 'timeout', stepIndex: 4, waitedMs: 3000 });
      chaiExpect(clock.now()).to.equal(3000);
      // cleanup RSTs at the peer's last ack (the SYN/ACK's 4126488337), then after our 34 bytes
      chaiExpect(sentRaw(link)).to.deep.equal([
        ['S', 4126488336, 0],
        ['A', 4126488337, 547479086],
        ['PA', 4126488337, 547479086],
        ['R', 4126488337, 0],
        ['R', 4126488371, 0],
      ]);
      chaiExpect(report.events.at(-1)!.kind).to.equal('cleanup');
    });

    it('the wait comes from the step, else the scenario, else the run config', async () => {
      const sc = scenario({ name: 't', peer: { host: '10.77.0.2', port: 5000 }, timeout: 700, steps: [send('S'), expect('SA', { timeout: 250 }), expect('A')] });
      const a = await runWith(seedPeer({ answerFirst: 0 }), { sc });
      chaiExpect(a.report.failure).to.deep.include({ kind: 'timeout', stepIndex: 1, waitedMs: 250 });
      const b = await runWith(seedPeer(), { sc });
      chaiExpect(b.report.failure).to.deep.include({ kind: 'timeout', stepIndex: 2, waitedMs: 700 });
      const bare = scenario({ name: 'u', peer: { host: '10.77.0.2', port: 5000 }, steps: [send('S'), expect('SA')] });
      const c = await runWith(seedPeer({ answerFirst: 0 }), { sc: bare, cfg: { timeoutMs: 1234 } });
      chaiExpect(c.report.failure).to.deep.include({ kind: 'timeout', stepIndex: 1, waitedMs: 1234 });
      const d = await runWith(seedPeer({ answerFirst: 0 }), { sc: bare });
      chaiExpect(d.report.failure).to.deep.include({ kind: 'timeout', stepIndex: 1, waitedMs: 3000 });
    });

    it('no answer to the SYN: the cleanup RST uses our next sequence number', async () => {
      const { report, link } = await runWith(seedPeer({ answerFirst: 0 }));
      chaiExpect(report.failure).to.deep.include({ kind: 'timeout', stepIndex: 1 });
      chaiExpect(sentRaw(link)).to.deep.equal([
        ['S', 4126488336, 0],
        ['R', 4126488337, 0],
      ]);
    });

    it('no cleanup RST when the peer reset the connection', async () => {
      const sc = scenario({ name: 'closed', peer: { host: '10.77.0.2', port: 5000 }, steps: [send('S'), expect('SA')] });
      const { report, link } = await runWith((p, l) => [l.reply({ flags: Flag.RST | Flag.ACK, seq: 0, ack: p.tcp.seq + 1 })], { sc });
      chaiExpect(report.failure?.kind).to.equal('mismatch');
      chaiExpect(link.sent).to.have.length(1);
    });

    it('cleanupRst: false sends nothing extra', async () => {
      const { link } = await runWith(seedPeer({ answerFirst: 1 }), { cfg: { cleanupRst: false } });
      chaiExpect(link.sent).to.have.length(3);
    });
  });

  describe('frames that are not ours', () => {
    it('a silence() sees an answer from another address to our port; an expectation records it and waits on', async () => {
      // The peer answers our SYN from its own address while our flow's peer is another (a SYN
      // sent to a broadcast address): 10.0.0.9 here, the flow's peer being SEED_FLOW's.
      const fromElsewhere: PeerScript = (p, link) => {
        if (!(p.tcp.flags & Flag.SYN)) return [];
        const b = link.reply({ flags: Flag.SYN | Flag.ACK, seq: 77, ack: p.tcp.seq + 1 });
        const bytes = parsePacket(b);
        if (!bytes.ok) throw new Error('unreadable');
        return [buildPacket({ ip: { src: '10.0.0.9', dst: bytes.value.ip.dst }, tcp: bytes.value.tcp })];
      };
      const quiet = scenario({ name: 'q', peer: { host: SEED_FLOW.peerIp, port: SEED_FLOW.peerPort }, steps: [send('S'), silence(700)] });
      const { report } = await runWith(fromElsewhere, { sc: quiet });
      chaiExpect(report.failure).to.deep.include({ kind: 'unexpected', stepIndex: 1 });
      chaiExpect(formatFailure(report)).to.include(`a segment from 10.0.0.9:${SEED_FLOW.peerPort} arrived`);
      const waiting = scenario({ name: 'w', peer: { host: SEED_FLOW.peerIp, port: SEED_FLOW.peerPort }, steps: [send('S'), expect('SA', { timeout: 500 })] });
      const { report: r2 } = await runWith(fromElsewhere, { sc: waiting });
      chaiExpect(r2.failure).to.deep.include({ kind: 'timeout', stepIndex: 1 });
      chaiExpect(formatFailure(r2)).to.match(/other segments from the peer on this flow:\n    expect\('SA'.*\(from 10\.0\.0\.9:\d+, not the peer\)/);
    });

    it('other flows, garbage, truncated, non-TCP and our own echoes are ignored', async () => {
      const base = seedPeer();
      const script: PeerScript = (p, link) => {
        const real = base(p, link) ?? [];
        const other = link.reply({ flags: Flag.SYN | Flag.ACK, seq: 1, ack: 2, srcPort: 5001 });
        const udp = Uint8Array.from(other);
        udp[9] = 17;
        return [
          other,
          Uint8Array.from([1, 2, 3]),
          new Uint8Array(0),
          other.subarray(0, 30),
          udp,
          { frame: Uint8Array.from([0xff, 0xff, 0xff]), linkType: LinkType.ETHERNET },
          { frame: other, linkType: 9999 },
          ...real,
        ];
      };
      const { report } = await runWith(script);
      chaiExpect(report.failure).to.equal(undefined);
      chaiExpect(report.events.filter((e) => e.kind === 'sent' || e.kind === 'received')).to.have.length(9);
      // The SYN/ACK from another port to ours is no expectation's answer, but it is recorded (a
      // silence() would have failed on it).
      const strays = report.events.filter((e) => e.kind !== 'sent' && e.kind !== 'received');
      chaiExpect(strays.length).to.be.greaterThan(0);
      chaiExpect(strays.every((e) => e.kind === 'unmatched' && e.view.packet.tcp.srcPort === 5001)).to.equal(true);
      chaiExpect(report.leftovers).to.deep.equal([]);
    });

    it('garbage alone never crashes a run: it ends in a timeout', async () => {
      const { report } = await runWith(() => [Uint8Array.from([0x45, 0, 0, 200, 0, 0]), new Uint8Array(60)]);
      chaiExpect(report.failure).to.deep.include({ kind: 'timeout', stepIndex: 1 });
    });

    it('works without our own echoes as well', async () => {
      const { report } = await runWith(seedPeer(), { echo: false });
      chaiExpect(report.passed).to.equal(true);
    });
  });

  describe('a segment captured before our first one on the connection', () => {
    it('is not an answer: an earlier connection\'s SYN/ACK retransmitted on the same 4-tuple is left out', async () => {
      const clock = new VirtualClock();
      const link = new MemLink(SEED_FLOW, clock, seedPeer(), true);
      // Captured 20 ms before the run's SYN: a SYN/ACK for another ISN of ours.
      const stale = link.reply({ flags: Flag.SYN | Flag.ACK, seq: 1234, ack: 99 });
      link.frames.push({ data: stale, linkType: LinkType.RAW, timestampUs: clock.wallUs() - 20_000n });
      const report = await runScenario(netcat, CFG, { link, frames: link.frames, clock });
      chaiExpect(report.passed, JSON.stringify(report.failure)).to.equal(true);
      chaiExpect(report.events.some((e) => e.view.packet.tcp.seq === 1234)).to.equal(false);
    });
  });

  describe('abort', () => {
    it('an abort while waiting ends the run as interrupted, with a cleanup RST', async () => {
      const ac = new AbortController();
      let clockRef: VirtualClock | undefined;
      const script = seedPeer({
        answerFirst: 3,
        spy: (p) => {
          if (p.payload.length) clockRef?.setTimer(500, () => ac.abort());
        },
      });
      const clock = new VirtualClock();
      clockRef = clock;
      const link = new MemLink(SEED_FLOW, clock, script);
      const report = await runScenario(netcat, CFG, { link, frames: link.frames, clock, signal: ac.signal });
      chaiExpect(report.passed).to.equal(false);
      chaiExpect(report.failure).to.deep.include({ kind: 'interrupted', reason: 'aborted' });
      // aborted 500 ms after the data, while waiting for the ACK of our FIN: the last ack was 35,
      // and our FIN makes the next sequence number 36
      chaiExpect(clock.now()).to.equal(500);
      chaiExpect(sentRaw(link).slice(-3)).to.deep.equal([
        ['FA', 4126488371, 547479086],
        ['R', 4126488371, 0],
        ['R', 4126488372, 0],
      ]);
      chaiExpect(report.events.at(-1)!.kind).to.equal('cleanup');
    });

    it('an abort during a pause ends it at once', async () => {
      const ac = new AbortController();
      const sc = scenario({ name: 'p', peer: { host: '10.77.0.2', port: 5000 }, steps: [send('S'), expect('SA'), pause(60_000), send('A')] });
      const clock = new VirtualClock();
      const link = new MemLink(SEED_FLOW, clock, seedPeer());
      clock.setTimer(100, () => ac.abort('SIGTERM'));
      const report = await runScenario(sc, { ...CFG, file: 'p.ts' }, { link, frames: link.frames, clock, signal: ac.signal });
      chaiExpect(report.failure).to.deep.equal({ kind: 'interrupted', stepIndex: 2, reason: 'SIGTERM' });
      chaiExpect(clock.now()).to.equal(100);
      chaiExpect(sentRaw(link)).to.deep.equal([
        ['S', 4126488336, 0],
        ['R', 4126488337, 0],
      ]);
    });

    it('a signal aborted before the start sends nothing but the scenario is still checked', async () => {
      const ac = new AbortController();
      ac.abort();
      const { report, link } = await runWith(seedPeer(), { signal: ac.signal });
      chaiExpect(report.failure).to.deep.include({ kind: 'interrupted', reason: 'aborted' });
      chaiExpect(link.sent).to.have.length(0);
    });
  });

  it('numbering problems are thrown before anything is sent', async () => {
    const sc = scenario({ name: 'bad', peer: { host: '10.77.0.2', port: 5000 }, steps: [send('S'), send('A')] });
    const clock = new VirtualClock();
    const link = new MemLink(SEED_FLOW, clock, seedPeer());
    let err: Error | undefined;
    await runScenario(sc, { ...CFG, file: 'bad.ts' }, { link, frames: link.frames, clock }).catch((e: Error) => (err = e));
    chaiExpect(err?.name).to.equal('ScenarioError');
    chaiExpect(err?.message).to.match(/^bad\.ts: step 2 \(send 'A'\): ack: |^.*run\.test\.ts:\d+: step 2 \(send 'A'\): ack: /);
    chaiExpect(link.sent).to.have.length(0);
  });
});
