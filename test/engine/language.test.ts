/**
 * The expectation language, the server role and several connections, each feature run through
 * `runScenario` against an in-memory peer and a virtual clock (no sockets, no real time), and
 * through `plan()` (what `tcpcraft build` shows). Every feature has a passing case and a case
 * that must fail, so a matcher that accepted everything would not get through.
 */
import { expect as chaiExpect } from 'chai';
import { plan } from '../../src/engine/plan.js';
import type { Failure, RunReport } from '../../src/engine/report.js';
import { runScenario, type RunConfig } from '../../src/engine/run.js';
import type { Flow } from '../../src/engine/flow.js';
import { formatFailure } from '../../src/engine/diagnose.js';
import { anyOrder, either, expect, mss, nop, pause, sackOk, scenario, send, silence, timestamp, wscale } from '../../src/scenario/dsl.js';
import { any, capture, oneOf, pattern, range, use, where } from '../../src/scenario/matchers.js';
import type { ExpectFields, Scenario, Step } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';
import type { TcpOption } from '../../src/wire/options.js';
import { buildPacket, parsePacket, type Packet } from '../../src/wire/packet.js';
import { seqAdd } from '../../src/wire/seq.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { MemLink, VirtualClock, type Answer } from '../support/memlink.js';
import { SEED_FLOW, SEED_ISN, SEED_PEER_ISN } from './helpers.js';

const FILE = 'test/engine/language.test.ts';
const L = SEED_ISN;
const P = SEED_PEER_ISN;
const { SYN, ACK, FIN, PSH, RST } = Flag;

/** A segment from the peer in relative numbers (seq from its ISN, ack from ours). */
interface From {
  flags: number;
  seq?: number;
  ack?: number;
  window?: number;
  urgent?: number;
  options?: TcpOption[];
  payload?: string | Uint8Array;
  afterMs?: number;
}

function from(link: MemLink, f: From, flow: Flow = link.flow, isns = { local: L, peer: P }): Answer {
  const frame = buildPacket({
    ip: { src: flow.peerIp, dst: flow.localIp },
    tcp: {
      srcPort: flow.peerPort,
      dstPort: flow.localPort,
      seq: seqAdd(isns.peer, f.seq ?? (f.flags & SYN ? 0 : 1)),
      ack: f.flags & ACK ? seqAdd(isns.local, f.ack ?? 1) : 0,
      flags: f.flags,
      window: f.window ?? 65535,
      urgent: f.urgent ?? 0,
      options: f.options ?? [],
    },
    payload: typeof f.payload === 'string' ? new TextEncoder().encode(f.payload) : (f.payload ?? new Uint8Array(0)),
  });
  return { frame, afterMs: f.afterMs ?? 0 };
}

/**
 * A peer that answers our SYN with `synAck` (default a plain SYN/ACK) and our n-th later packet
 * (0-based, after the SYN) with `then[n]`; RSTs (cleanup) get nothing.
 */
function peer(then: From[][], synAck: From = { flags: SYN | ACK }) {
  let n = 0;
  return (p: Packet, link: MemLink): Answer[] => {
    if (p.tcp.flags & RST) return [];
    if (p.tcp.flags & SYN) return [from(link, synAck)];
    return (then[n++] ?? []).map((f) => from(link, f));
  };
}

async function run(sc: Scenario, script: (p: Packet, link: MemLink) => Answer[], cfg: Partial<RunConfig> = {}, before?: (link: MemLink) => void) {
  validateScenario(sc, FILE);
  const clock = new VirtualClock();
  const link = new MemLink(SEED_FLOW, clock, script);
  before?.(link);
  const report = await runScenario(sc, { file: FILE, flow: SEED_FLOW, localIsn: L, ...cfg }, { link, frames: link.frames, clock });
  return { report, link, clock };
}

/** A scenario against the seed peer address. */
const sc = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => scenario({ name: 't', peer: { host: '10.77.0.2', port: 5000 }, steps, ...extra });

/** Handshake, then `steps`. */
const after3wh = (steps: Step[], synAck: ExpectFields = {}): Step[] => [send('S'), expect('SA', { seq: 0, ack: 1, ...synAck }), send('A'), ...steps];

/** Our packets as decoded (the cleanup RST included). */
function sent(link: MemLink): Packet[] {
  return link.sent.map((b) => {
    const p = parsePacket(b);
    if (!p.ok) throw new Error(p.error.message);
    return p.value;
  });
}

/** The last packet a step sent (not the cleanup RST). */
const lastSent = (link: MemLink): Packet => sent(link).filter((p) => !(p.tcp.flags & RST)).at(-1)!;

function failure(r: RunReport): Failure {
  chaiExpect(r.passed, 'the run should fail').to.equal(false);
  return r.failure!;
}

function mismatch(r: RunReport) {
  const f = failure(r);
  chaiExpect(f.kind, JSON.stringify(f, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).to.equal('mismatch');
  return f as Extract<Failure, { kind: 'mismatch' }>;
}

function passes(r: RunReport): void {
  chaiExpect(r.failure && r.failure.kind === 'error' ? r.failure.message : r.failure?.kind, r.passed ? '' : formatFailure(r)).to.equal(undefined);
  chaiExpect(r.passed).to.equal(true);
}

/** [kind, step, flags, rel seq, rel ack, len] of every event. */
const events = (r: RunReport) => r.events.map((e) => [e.kind, e.stepIndex ?? null, flagLetters(e.view.packet.tcp.flags), e.view.rel.seq, e.view.rel.ack, e.view.len]);

describe('engine: the expectation language (in-memory peer)', () => {
  describe('per-field wildcards', () => {
    it('any() accepts whatever the field holds; the same field with a literal is checked', async () => {
      const script = () => peer([], { flags: SYN | ACK, window: 1234 });
      passes((await run(sc(after3wh([], { window: any() })), script())).report);
      const m = mismatch((await run(sc(after3wh([], { window: 4321 })), script())).report);
      chaiExpect(m.diffs).to.deep.equal([{ field: 'window', expected: '4321', actual: '1234' }]);
    });

    it('range(min, max) accepts the bounds and fails outside, naming the range', async () => {
      for (const w of [1000, 2000]) passes((await run(sc(after3wh([], { window: range(1000, 2000) })), peer([], { flags: SYN | ACK, window: w }))).report);
      const m = mismatch((await run(sc(after3wh([], { window: range(1000, 2000) })), peer([], { flags: SYN | ACK, window: 2001 }))).report);
      chaiExpect(m.diffs).to.deep.equal([{ field: 'window', expected: 'range(1000, 2000)', actual: '2001' }]);
    });

    it('range() on a relative seq may start below 0 (a keep-alive probe is seq -1)', async () => {
      const steps = after3wh([send('A'), expect('A', { seq: range(-1, 0), ack: 1 })]);
      for (const seq of [-1, 0]) passes((await run(sc(steps), peer([[], [{ flags: ACK, seq }]]))).report);
      const m = mismatch((await run(sc(steps), peer([[], [{ flags: ACK, seq: 1 }]]))).report);
      chaiExpect(m.diffs.map((d) => d.field)).to.deep.equal(['seq']);
    });

    it('oneOf() accepts any listed value (seq/ack modulo 2^32) and fails on others', async () => {
      passes((await run(sc(after3wh([], { ack: oneOf(2, 1) })), peer([]))).report);
      const m = mismatch((await run(sc(after3wh([], { ack: oneOf(2, 3) })), peer([]))).report);
      chaiExpect(m.diffs).to.deep.equal([{ field: 'ack', expected: 'oneOf(2, 3)', actual: '1', actualRaw: seqAdd(L, 1) }]);
    });

    it('where(label, test) accepts what the predicate accepts and shows the label otherwise', async () => {
      const even = where('even', (v: number) => v % 2 === 0);
      passes((await run(sc(after3wh([], { window: even })), peer([], { flags: SYN | ACK, window: 1000 }))).report);
      const m = mismatch((await run(sc(after3wh([], { window: even })), peer([], { flags: SYN | ACK, window: 1001 }))).report);
      chaiExpect(m.diffs).to.deep.equal([{ field: 'window', expected: 'where("even")', actual: '1001' }]);
    });
  });

  describe('either(): whole-segment alternatives', () => {
    // Both alternatives match a pure ACK with window 5000; the first captures the window as 'v',
    // the second the urgent pointer (0). Our next send echoes 'v' as its window.
    const steps = after3wh([
      send('PA', { payload: 'hi' }),
      either(expect('A', { ack: 3, window: capture('v') }), expect('A', { urgent: capture('v') })),
      send('A', { window: use('v') }),
    ]);

    it('the first alternative that matches wins (its captures are the ones kept)', async () => {
      const { report, link } = await run(sc(steps), peer([[], [{ flags: ACK, ack: 3, window: 5000 }]]));
      passes(report);
      chaiExpect(lastSent(link).tcp.window).to.equal(5000);
    });

    it('a later alternative matches when the first does not', async () => {
      const { report, link } = await run(sc(steps), peer([[], [{ flags: ACK, ack: 2, window: 5000 }]]));
      passes(report);
      chaiExpect(lastSent(link).tcp.window).to.equal(0);
    });

    it('a segment matching none fails, listing every alternative with its own differences', async () => {
      const three = after3wh([send('PA', { payload: 'hi' }), either(expect('A', { ack: 3 }), expect('FA', { ack: 3 }), expect('A', { ack: 3, window: 7 }))]);
      const { report } = await run(sc(three), peer([[], [{ flags: ACK, ack: 2, window: 9 }]]));
      const m = mismatch(report);
      // closest first: ack only; then the two with two differences each
      chaiExpect(m.diffs.map((d) => d.field)).to.deep.equal(['ack']);
      chaiExpect(m.others!.map((o) => o.diffs.map((d) => d.field))).to.deep.equal([['flags', 'ack'], ['ack', 'window']]);
      const text = formatFailure(report)!;
      chaiExpect(text).to.include("expect('FA'");
      chaiExpect(text).to.include('window: expected 7 vs actual 9');
    });
  });

  describe('optional expectations', () => {
    const steps = after3wh([send('FA'), expect('A', { seq: 1, ack: 2, optional: true }), expect('FA', { seq: 1, ack: 2 }), send('A')]);

    it('present: consumed by the optional step', async () => {
      const { report } = await run(sc(steps), peer([[], [{ flags: ACK, ack: 2 }, { flags: FIN | ACK, ack: 2 }]]));
      passes(report);
      chaiExpect(events(report).filter((e) => e[0] === 'received').map((e) => e[1])).to.deep.equal([1, 4, 5]);
    });

    it('absent: skipped when the next expectation matches', async () => {
      const { report } = await run(sc(steps), peer([[], [{ flags: FIN | ACK, ack: 2 }]]));
      passes(report);
      chaiExpect(events(report).filter((e) => e[0] === 'received').map((e) => e[1])).to.deep.equal([1, 5]);
    });

    it('absent and nothing else comes: skipped after its timeout', async () => {
      const only = after3wh([send('FA'), expect('A', { ack: 2, optional: true, timeout: 50 })]);
      const { report, clock } = await run(sc(only), peer([]));
      passes(report);
      chaiExpect(clock.requested).to.include(50);
    });

    it('a segment matching neither the optional step nor the next one fails at the next one', async () => {
      const { report } = await run(sc(steps), peer([[], [{ flags: ACK, ack: 1 }]]));
      const m = mismatch(report);
      chaiExpect(m.stepIndex).to.equal(5);
      chaiExpect(m.others!.map((o) => o.step.fields.optional)).to.deep.equal([true]);
    });

    it('several optional steps in a row: a segment may skip all of them', async () => {
      // the daytime pattern: data, then ACK 23 and/or ACK 24 (either may be folded), then the FIN/ACK
      const chain = after3wh([
        send('PA', { payload: 'x' }),
        expect('A', { ack: 2, optional: true }),
        send('FA'),
        expect('A', { ack: 3, optional: true }),
        expect('A', { ack: 3, optional: true, window: 1 }),
        expect('FA', { ack: 3 }),
        send('A'),
      ]);
      passes((await run(sc(chain), peer([[], [{ flags: ACK, ack: 2 }], [{ flags: FIN | ACK, ack: 3 }]]))).report);
      passes((await run(sc(chain), peer([[], [], [{ flags: FIN | ACK, ack: 3 }]]))).report);
      passes((await run(sc(chain), peer([[], [], [{ flags: ACK, ack: 3, window: 1 }, { flags: FIN | ACK, ack: 3 }]]))).report);
      mismatch((await run(sc(chain), peer([[], [], [{ flags: FIN | ACK, ack: 2 }]]))).report);
    });

    it('an optional step followed by either(): a segment that is not the optional one goes to either()', async () => {
      const s = after3wh([send('FA'), expect('A', { ack: 2, optional: true }), either(expect('FA', { ack: 2 }), expect('R'))]);
      passes((await run(sc(s), peer([[], [{ flags: FIN | ACK, ack: 2 }]]))).report);
    });
  });

  describe('anyOrder()', () => {
    // daytime-like: the peer sends 5 bytes and its FIN; either may come first
    const steps = after3wh([anyOrder(expect('PA', { seq: 1, len: 5 }), expect('FA', { seq: 6 })), send('A', { ack: 7 })]);

    it('passes with data then FIN', async () => {
      const { report } = await run(sc(steps), peer([[{ flags: PSH | ACK, seq: 1, payload: 'hello' }, { flags: FIN | ACK, seq: 6 }]]));
      passes(report);
      chaiExpect(events(report).filter((e) => e[0] === 'received').map((e) => e[2])).to.deep.equal(['SA', 'PA', 'FA']);
    });

    it('passes with FIN then data (reordered)', async () => {
      const { report } = await run(sc(steps), peer([[{ flags: FIN | ACK, seq: 6 }, { flags: PSH | ACK, seq: 1, payload: 'hello' }]]));
      passes(report);
      chaiExpect(events(report).filter((e) => e[0] === 'received').map((e) => e[2])).to.deep.equal(['SA', 'FA', 'PA']);
    });

    it('a segment matching no item left fails, listing the items still expected', async () => {
      const { report } = await run(sc(steps), peer([[{ flags: PSH | ACK, seq: 1, payload: 'hello' }, { flags: RST | ACK, seq: 6 }]]));
      const m = mismatch(report);
      chaiExpect(m.step.flags).to.equal('FA');
      chaiExpect(m.diffs.map((d) => d.field)).to.deep.equal(['flags']);
    });

    it('the same segment twice does not satisfy two items', async () => {
      const twice = after3wh([anyOrder(expect('PA', { seq: 1 }), expect('PA', { seq: 1, len: 5 })), send('A')]);
      const { report } = await run(sc(twice, { timeout: 100 }), peer([[{ flags: PSH | ACK, seq: 1, payload: 'hello' }]]));
      chaiExpect(failure(report).kind).to.equal('timeout');
    });
  });

  describe('silence(ms)', () => {
    it('passes when nothing arrives for ms', async () => {
      const { report, clock } = await run(sc(after3wh([silence(200), send('R')])), peer([]));
      passes(report);
      chaiExpect(clock.requested).to.include(200);
    });

    it('fails (kind unexpected) when a segment arrives, saying when', async () => {
      const { report } = await run(sc(after3wh([silence(200), send('R')])), peer([[{ flags: PSH | ACK, payload: 'chargen', afterMs: 50 }]]));
      const f = failure(report);
      chaiExpect(f.kind).to.equal('unexpected');
      if (f.kind !== 'unexpected') return;
      chaiExpect(f.stepIndex).to.equal(3);
      chaiExpect(f.afterMs).to.equal(50);
      chaiExpect(f.actual.len).to.equal(7);
      chaiExpect(formatFailure(report)!).to.include('50.0 ms into 200 ms of expected silence');
    });

    it('a segment after the silence is not its business', async () => {
      const { report } = await run(sc(after3wh([silence(200), expect('PA', { len: 2 })])), peer([[{ flags: PSH | ACK, payload: 'ok', afterMs: 250 }]]));
      passes(report);
    });
  });

  describe('timing: within, after, at', () => {
    /** Our data, then the peer's ACK `delay` ms later, checked with `timing`. */
    async function timed(delay: number, timing: ExpectFields, extra: Partial<Scenario> = {}) {
      const s = sc(after3wh([send('PA', { payload: 'x' }), expect('A', { ack: 2, ...timing })]), extra);
      return (await run(s, peer([[], [{ flags: ACK, ack: 2, afterMs: delay }]]))).report;
    }
    const timeDiff = (r: RunReport) => mismatch(r).diffs.filter((d) => d.field === 'time');

    it('within: in time passes, late fails', async () => {
      passes(await timed(40, { within: 50 }));
      chaiExpect(timeDiff(await timed(60, { within: 50 }))).to.deep.equal([{ field: 'time', expected: 'within 50 ms', actual: '60.0 ms after the previous step' }]);
    });

    it('after: too early fails, later passes', async () => {
      passes(await timed(30, { after: 30 }));
      chaiExpect(timeDiff(await timed(20, { after: 30 }))[0]!.expected).to.equal('not before 30 ms');
    });

    it('at with the default tolerance: 12.5 % above 32 ms', async () => {
      passes(await timed(112, { at: 100 }));
      passes(await timed(88, { at: 100 }));
      chaiExpect(timeDiff(await timed(113, { at: 100 }))[0]!.expected).to.equal('at 100 ms (± 12.5 ms)');
      mismatch(await timed(87, { at: 100 }));
    });

    it('at with the default tolerance: 4 ms below 32 ms', async () => {
      passes(await timed(24, { at: 20 }));
      passes(await timed(16, { at: 20 }));
      chaiExpect(timeDiff(await timed(25, { at: 20 }))[0]!.expected).to.equal('at 20 ms (± 4.0 ms)');
    });

    it("at with the scenario's tolerance", async () => {
      passes(await timed(29, { at: 20 }, { tolerance: { ms: 10, percent: 0 } }));
      mismatch(await timed(31, { at: 20 }, { tolerance: { ms: 10, percent: 0 } }));
      passes(await timed(150, { at: 100 }, { tolerance: { percent: 50 } }));
      mismatch(await timed(151, { at: 100 }, { tolerance: { percent: 50 } }));
    });

    it('backoff: the gap is at least the factor times the gap before it, whatever the first gap was', async () => {
      // The peer retransmits its FIN: first after `first` ms, then `second` ms after that.
      async function retransmits(first: number, second: number, backoff: number) {
        const s = sc(after3wh([send('PA', { payload: 'x' }), expect('FA', { seq: 1, ack: 2 }), expect('FA', { seq: 1, ack: 2, backoff })]));
        return (await run(s, peer([[], [{ flags: FIN | ACK, ack: 2, afterMs: first }, { flags: FIN | ACK, ack: 2, afterMs: first + second }]]))).report;
      }
      passes(await retransmits(100, 200, 2));
      passes(await retransmits(300, 600, 2));
      passes(await retransmits(100, 190, 2)); // within the 12.5 % tolerance
      chaiExpect(timeDiff(await retransmits(100, 120, 2))).to.deep.equal([{ field: 'time', expected: 'at least 2x the previous interval 100.0 ms (175.0 ms)', actual: "120.0 ms after the peer's previous segment" }]);
    });

    it('backoff: our own segments between the peer\'s (answers to probes) do not reset the measure', async () => {
      // The peer probes 100 ms and then 300 ms after its previous segment; we answer each probe.
      async function probes(second: number, backoff: number) {
        const s = sc(after3wh([send('PA', { payload: 'x' }), expect('A', { ack: 2 }), send('A'), expect('A', { ack: 2, backoff })]));
        return (await run(s, peer([[], [{ flags: ACK, ack: 2, afterMs: 100 }], [{ flags: ACK, ack: 2, afterMs: second }]]))).report;
      }
      passes(await probes(300, 2));
      chaiExpect(timeDiff(await probes(150, 2)).map((d) => d.expected)).to.deep.equal(['at least 2x the previous interval 100.0 ms (175.0 ms)']);
    });

    it('the reference is the previous step that sent or matched a segment', async () => {
      // 30 ms pause between the two sends: the reply to the second is 10 ms after it
      const s = sc(after3wh([send('PA', { payload: 'x' }), expect('A', { ack: 2, within: 15 }), pause(30), send('PA', { payload: 'y' }), expect('A', { ack: 3, within: 15 })]));
      passes((await run(s, peer([[], [{ flags: ACK, ack: 2, afterMs: 10 }], [{ flags: ACK, ack: 3, afterMs: 10 }]]))).report);
    });
  });

  describe('payload', () => {
    const bytes = Uint8Array.from([0xde, 0xad, 0xbe, 0xef]);
    async function payloadRun(check: ExpectFields, payload: string | Uint8Array) {
      return (await run(sc(after3wh([expect('PA', check)])), peer([[{ flags: PSH | ACK, payload }]]))).report;
    }

    it('exact bytes (Uint8Array) and text', async () => {
      passes(await payloadRun({ payload: bytes }, bytes));
      passes(await payloadRun({ payload: 'hi\n' }, 'hi\n'));
      chaiExpect(mismatch(await payloadRun({ payload: bytes }, Uint8Array.from([0xde, 0xad, 0xbe, 0xee]))).diffs).to.deep.equal([
        { field: 'payload', expected: '0xdeadbeef', actual: '0xdeadbeee' },
      ]);
    });

    it('len, exact or with a matcher', async () => {
      passes(await payloadRun({ len: 4 }, bytes));
      passes(await payloadRun({ len: range(1, 22) }, 'x'.repeat(22)));
      chaiExpect(mismatch(await payloadRun({ len: 22 }, 'x'.repeat(21))).diffs).to.deep.equal([{ field: 'len', expected: '22', actual: '21' }]);
    });

    it('pattern(/re/) over the text', async () => {
      const day = pattern(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r?\n$/);
      passes(await payloadRun({ payload: day }, 'Sun Nov 22 00:04:54 2026\n'));
      chaiExpect(mismatch(await payloadRun({ payload: day }, 'no time here\n')).diffs[0]!.expected).to.match(/^pattern\(\/\^/);
    });

    it('where() over the bytes', async () => {
      const even = where('an even number of bytes', (b: Uint8Array) => b.length % 2 === 0);
      passes(await payloadRun({ payload: even }, bytes));
      chaiExpect(mismatch(await payloadRun({ payload: even }, 'odd')).diffs).to.deep.equal([{ field: 'payload', expected: 'where("an even number of bytes")', actual: '"odd"' }]);
    });
  });

  describe('options by presence, absence and value', () => {
    const synOpts: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'sackOk' }];
    async function synAckWith(options: TcpOption[], check: ExpectFields['options']) {
      return (await run(sc(after3wh([], { options: check })), peer([], { flags: SYN | ACK, options }))).report;
    }

    it('has, lacks and values all hold: passes', async () => {
      passes(await synAckWith(synOpts, { has: ['mss', 'sackOk', 3], lacks: ['timestamp'], mss: 1460, wscale: range(0, 14) }));
    });

    it('each failed check is listed', async () => {
      const withTs: TcpOption[] = [...synOpts.slice(0, 3), { kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', tsval: 1, tsecr: 0 }];
      const m = mismatch(await synAckWith(withTs, { has: ['mss', 'sackOk'], lacks: ['timestamp'], mss: 536 }));
      chaiExpect(m.diffs).to.have.length(1);
      chaiExpect(m.diffs[0]!.field).to.equal('options');
      chaiExpect(m.diffs[0]!.expected).to.equal('has sackOk, lacks timestamp, mss 536');
    });

    it('the exact list, in order', async () => {
      passes(await synAckWith(synOpts, [mss(1460), nop(), wscale(7), nop(), nop(), sackOk()]));
      chaiExpect(mismatch(await synAckWith(synOpts, [mss(1460), nop(), nop(), wscale(7), nop(), sackOk()])).diffs[0]!.field).to.equal('options');
    });

    it('sack: { covers } in relative edges of our data; exact blocks', async () => {
      const data = 'x'.repeat(3000);
      // the peer SACKs our bytes 501..3001 (covers 1001..2001), then 1001..1801 (does not)
      const sackOf = (l: number, r: number): TcpOption[] => [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[seqAdd(L, l), seqAdd(L, r)]] }];
      const s = (check: ExpectFields['options']) => sc(after3wh([send('PA', { payload: data }), expect('A', { ack: 1, options: check })]));
      passes((await run(s({ sack: { covers: [1001, 2001] } }), peer([[], [{ flags: ACK, ack: 1, options: sackOf(501, 3001) }]]))).report);
      passes((await run(s({ sack: [[501, 3001]] }), peer([[], [{ flags: ACK, ack: 1, options: sackOf(501, 3001) }]]))).report);
      const m = mismatch((await run(s({ sack: { covers: [1001, 2001] } }), peer([[], [{ flags: ACK, ack: 1, options: sackOf(1001, 1801) }]]))).report);
      chaiExpect(m.diffs[0]).to.deep.include({ field: 'options', expected: 'sack covering 1001:2001' });
      mismatch((await run(s({ sack: [[501, 3000]] }), peer([[], [{ flags: ACK, ack: 1, options: sackOf(501, 3001) }]]))).report);
      mismatch((await run(s({ has: ['sack'] }), peer([[], [{ flags: ACK, ack: 1 }]]))).report);
    });
  });

  describe('capture() and use()', () => {
    it("the peer's TSval is echoed in our TSecr, its window in ours (through a map function)", async () => {
      const s = sc([
        send('S', { options: [timestamp(100, 0)] }),
        expect('SA', { window: capture('win'), options: { timestamp: { tsval: capture('tsval'), tsecr: 100 } } }),
        send('A', { window: use('win', (w) => w >> 1), options: [nop(), nop(), timestamp(101, use('tsval'))] }),
      ]);
      const { report, link } = await run(s, peer([], { flags: SYN | ACK, window: 28960, options: [{ kind: 'timestamp', tsval: 987654321, tsecr: 100 }] }));
      passes(report);
      const last = lastSent(link).tcp;
      chaiExpect(last.window).to.equal(14480);
      chaiExpect(last.options).to.deep.include({ kind: 'timestamp', tsval: 101, tsecr: 987654321 });
    });

    it('a capture with an inner matcher also checks', async () => {
      const s = sc(after3wh([], { window: capture('win', range(0, 100)) }));
      mismatch((await run(s, peer([], { flags: SYN | ACK, window: 101 }))).report);
    });

    it('the latest capture wins', async () => {
      const s = sc(after3wh([send('PA', { payload: 'a' }), expect('A', { window: capture('w') }), send('PA', { payload: 'b' }), expect('A', { window: capture('w') }), send('A', { window: use('w') })]));
      const { report, link } = await run(s, peer([[], [{ flags: ACK, ack: 2, window: 111 }], [{ flags: ACK, ack: 3, window: 222 }]]));
      passes(report);
      chaiExpect(lastSent(link).tcp.window).to.equal(222);
    });
  });

  describe('several connections', () => {
    const SECOND: Flow = { ...SEED_FLOW, localPort: 24492 };
    const SECOND_ISNS = { local: 1_000_000, peer: 2_000_000 };
    /** Answers both flows: each SYN with its own ISN, data with an ACK, and (main only) data with `extra`. */
    function twoPeers(extra: (link: MemLink) => Answer[] = () => []) {
      return (p: Packet, link: MemLink): Answer[] => {
        if (p.tcp.flags & RST) return [];
        const second = p.tcp.srcPort === SECOND.localPort;
        const flow = second ? SECOND : SEED_FLOW;
        const isns = second ? SECOND_ISNS : { local: L, peer: P };
        if (p.tcp.flags & SYN) return [from(link, { flags: SYN | ACK }, flow, isns), ...(second ? [] : extra(link))];
        if (p.payload.length) return [from(link, { flags: ACK, ack: 1 + p.payload.length }, flow, isns)];
        return [];
      };
    }
    const connections = { second: { local: { port: SECOND.localPort } } };
    const cfg: Partial<RunConfig> = { connections: { second: { flow: SECOND, localIsn: SECOND_ISNS.local } } };

    it('each connection has its own numbering (a second SYN while the first is open)', async () => {
      const s = sc(
        [
          ...after3wh([]),
          send('S', { conn: 'second' }),
          expect('SA', { conn: 'second', seq: 0, ack: 1 }),
          send('A', { conn: 'second' }),
          send('PA', { conn: 'second', payload: 'two' }),
          expect('A', { conn: 'second', ack: 4 }),
          send('PA', { payload: 'one!' }),
          expect('A', { ack: 5 }),
        ],
        { connections },
      );
      const { report, link } = await run(s, twoPeers(), cfg);
      passes(report);
      chaiExpect(report.connections!.map((c) => [c.name, c.isns])).to.deep.equal([['second', SECOND_ISNS]]);
      const raw = sent(link).map((p) => [p.tcp.srcPort, flagLetters(p.tcp.flags), p.tcp.seq, p.tcp.ack]);
      chaiExpect(raw).to.deep.include([24492, 'PA', SECOND_ISNS.local + 1, SECOND_ISNS.peer + 1]);
      chaiExpect(raw).to.deep.include([24491, 'PA', L + 1, P + 1]);
      chaiExpect(report.events.filter((e) => e.conn === 'second' && e.kind !== 'cleanup').length).to.equal(5);
    });

    it("segments of one connection that arrive while another is waited for are numbered with their connection's ISN when taken", async () => {
      // the main peer answers its SYN with SYN/ACK and at once 4 bytes of data; the scenario
      // first deals with the second connection, so both wait in the main connection's queue
      const s = sc(
        [
          send('S'),
          send('S', { conn: 'second' }),
          expect('SA', { conn: 'second', seq: 0, ack: 1 }),
          expect('SA', { seq: 0, ack: 1 }),
          expect('PA', { seq: 1, ack: 1, payload: 'data' }),
        ],
        { connections },
      );
      const { report } = await run(s, twoPeers((link) => [from(link, { flags: PSH | ACK, payload: 'data' })]), cfg);
      passes(report);
    });

    it('a segment on the wrong connection does not match an expectation of the other', async () => {
      const s = sc([...after3wh([]), send('S', { conn: 'second' }), expect('SA', { seq: 0, ack: 1 }), send('R', { seq: 1 })], { connections, timeout: 100 });
      const { report } = await run(s, twoPeers(), cfg);
      chaiExpect(failure(report).kind).to.equal('timeout');
    });
  });

  describe('the server role', () => {
    const CLIENT_ISN = 3_000_000_000;
    const server = (steps: Step[]) => scenario({ name: 'srv', role: 'server', local: { port: 24491 }, steps });
    /** A client that sent its SYN already, then answers our SYN/ACK with an ACK and our FIN with ACK + FIN. */
    function client(link: MemLink): void {
      link.deliver(buildPacket({
        ip: { src: SEED_FLOW.peerIp, dst: SEED_FLOW.localIp },
        tcp: { srcPort: 5000, dstPort: 24491, seq: CLIENT_ISN, ack: 0, flags: SYN, window: 64240, options: [{ kind: 'mss', value: 1460 }] },
      }));
    }
    const clientScript = (p: Packet, link: MemLink): Answer[] => {
      const isns = { local: L, peer: CLIENT_ISN };
      if (p.tcp.flags & RST) return [];
      if (p.tcp.flags & SYN) return [from(link, { flags: ACK, seq: 1, ack: 1 }, link.flow, isns)];
      if (p.tcp.flags & FIN) return [from(link, { flags: ACK, seq: 1, ack: 2 + p.payload.length }, link.flow, isns), from(link, { flags: FIN | ACK, seq: 1, ack: 2 + p.payload.length }, link.flow, isns)];
      return [];
    };
    const steps = [
      expect('S', { seq: 0, options: { mss: 1460 } }),
      send('SA', { options: [mss(1460)] }),
      expect('A', { seq: 1, ack: 1 }),
      send('FA'),
      expect('A', { seq: 1, ack: 2 }),
      expect('FA', { seq: 1, ack: 2 }),
      send('A'),
    ];

    it("learns the client from its SYN; our SYN/ACK is seq 0 from our ISN and acknowledges the client's ISN + 1", async () => {
      const flow = { localIp: SEED_FLOW.localIp, localPort: 24491 };
      const { report, link } = await run(server(steps), clientScript, { flow }, client);
      passes(report);
      chaiExpect(report.role).to.equal('server');
      chaiExpect(report.flow).to.deep.equal(SEED_FLOW);
      chaiExpect(report.isns).to.deep.equal({ local: L, peer: CLIENT_ISN });
      const raw = sent(link).map((p) => [flagLetters(p.tcp.flags), p.tcp.seq, p.tcp.ack, p.ip.dst, p.tcp.dstPort]);
      chaiExpect(raw).to.deep.equal([
        ['SA', L, CLIENT_ISN + 1, '10.77.0.2', 5000],
        ['FA', L + 1, CLIENT_ISN + 1, '10.77.0.2', 5000],
        ['A', L + 2, CLIENT_ISN + 2, '10.77.0.2', 5000],
      ]);
      chaiExpect(events(report).map((e) => e.slice(2, 5))).to.deep.equal([
        ['S', 0, 0], ['SA', 0, 1], ['A', 1, 1], ['FA', 1, 1], ['A', 1, 2], ['FA', 1, 2], ['A', 2, 2],
      ]);
    });

    it('no client: a timeout at the first step, and nothing sent', async () => {
      const { report, link } = await run(server(steps), clientScript, { flow: { localIp: SEED_FLOW.localIp, localPort: 24491 }, timeoutMs: 200 });
      chaiExpect(failure(report).kind).to.equal('timeout');
      chaiExpect(failure(report).stepIndex).to.equal(0);
      chaiExpect(link.sent).to.deep.equal([]);
    });

    it('a scenario peer limits which client is answered', async () => {
      const only = scenario({ name: 'srv', role: 'server', local: { port: 24491 }, peer: { host: '10.77.0.9' }, timeout: 100, steps });
      const { report } = await run(only, clientScript, { flow: { localIp: SEED_FLOW.localIp, localPort: 24491, peerIp: '10.77.0.9' } }, client);
      chaiExpect(failure(report).kind).to.equal('timeout');
    });
  });
});

describe('engine/plan: build for scenarios using the language', () => {
  const FLOW: Flow = SEED_FLOW;
  const rows = (r: RunReport) => r.events.map((e) => [e.kind, e.conn ?? 'main', flagLetters(e.view.packet.tcp.flags), e.view.rel.seq, e.view.rel.ack, e.view.len, e.view.packet.tcp.window]);

  it('the model peer samples wildcards: range -> min, oneOf -> first, any -> the well-behaved default, len -> that many bytes', () => {
    const s = sc(
      after3wh(
        [send('PA', { payload: 'abc' }), expect('PA', { seq: any(), ack: oneOf(4, 1), window: range(512, 1024), len: range(5, 9) }), send('A')],
        { window: where('any', () => true) },
      ),
    );
    const r = plan(validateScenario(s, FILE), { file: FILE, flow: FLOW, localIsn: L, peerIsn: P });
    chaiExpect(rows(r).slice(4)).to.deep.equal([
      ['received', 'main', 'PA', 1, 4, 5, 512],
      ['sent', 'main', 'A', 4, 6, 0, 65535],
    ]);
  });

  it('option checks become options of the model peer; captures feed later sends', () => {
    const s = sc([
      send('S', { options: [timestamp(7, 0)] }),
      expect('SA', { window: capture('w'), options: { has: ['sackOk'], mss: 1400, timestamp: { tsval: capture('ts', oneOf(42)) } } }),
      send('A', { window: use('w', (w) => w - 1), options: [nop(), nop(), timestamp(8, use('ts'))] }),
    ]);
    const r = plan(validateScenario(s, FILE), { file: FILE, flow: FLOW, localIsn: L, peerIsn: P });
    const synAck = r.events[1]!.view.packet.tcp;
    chaiExpect(synAck.options).to.deep.include({ kind: 'mss', value: 1400 });
    chaiExpect(synAck.options).to.deep.include({ kind: 'sackOk' });
    chaiExpect(synAck.options).to.deep.include({ kind: 'timestamp', tsval: 42, tsecr: 0 });
    const ack = r.events[2]!.view.packet.tcp;
    chaiExpect(ack.window).to.equal(65534);
    chaiExpect(ack.options).to.deep.include({ kind: 'timestamp', tsval: 8, tsecr: 42 });
  });

  it('either() plays its first alternative, anyOrder() all items in the written order, silence() only takes time', () => {
    const s = sc(after3wh([either(expect('PA', { len: 2 }), expect('FPA', { len: 2 })), silence(50), anyOrder(expect('FA', { seq: 3 }), expect('A', { seq: 3, ack: 1 })), send('A')]));
    const r = plan(validateScenario(s, FILE), { file: FILE, flow: FLOW, localIsn: L, peerIsn: P });
    chaiExpect(rows(r).slice(3).map((x) => x.slice(2, 6))).to.deep.equal([
      ['PA', 1, 1, 2],
      ['FA', 3, 1, 0],
      ['A', 3, 1, 0],
      ['A', 1, 4, 0],
    ]);
    chaiExpect(r.durationMs).to.equal(57);
  });

  it('several connections: each numbered from its own ISNs', () => {
    const s = sc([send('S'), send('S', { conn: 'b' }), expect('SA', { conn: 'b' }), expect('SA'), send('A', { conn: 'b' }), send('A')], { connections: { b: { local: { port: 40000 } } } });
    const r = plan(validateScenario(s, FILE), { file: FILE, flow: FLOW, localIsn: L, peerIsn: P, connections: { b: { flow: { ...FLOW, localPort: 40000 }, localIsn: 5, peerIsn: 9 } } });
    const b = r.events.filter((e) => e.conn === 'b').map((e) => [e.view.packet.tcp.srcPort, e.view.packet.tcp.seq, e.view.packet.tcp.ack]);
    chaiExpect(b).to.deep.equal([
      [40000, 5, 0],
      [5000, 9, 6],
      [40000, 6, 10],
    ]);
    chaiExpect(r.connections).to.deep.equal([{ name: 'b', flow: { ...FLOW, localPort: 40000 }, isns: { local: 5, peer: 9 } }]);
  });

  it('the server role: the model client sends the SYN, our SYN/ACK is seq 0 ack 1', () => {
    const s = scenario({ name: 'srv', role: 'server', local: { port: 13 }, steps: [expect('S'), send('SA'), expect('A'), send('PA', { payload: 'x'.repeat(22) }), expect('A', { ack: 23 })] });
    const r = plan(validateScenario(s, FILE), { file: FILE, flow: { localIp: '10.77.0.1', localPort: 13, peerIp: '10.77.0.2', peerPort: 56208 }, localIsn: 0, peerIsn: 0 });
    chaiExpect(rows(r).map((x) => [x[0], ...x.slice(2, 6)])).to.deep.equal([
      ['received', 'S', 0, 0, 0],
      ['sent', 'SA', 0, 1, 0],
      ['received', 'A', 1, 1, 0],
      ['sent', 'PA', 1, 1, 22],
      ['received', 'A', 1, 23, 0],
    ]);
  });
});
