/**
 * app() steps in the run loop, against an in-memory peer whose application is a small fake of the
 * puppet protocol (src/lab/puppet.ts): the calls the engine makes for each step, the checks of
 * return values, errnos, data and timing, background calls, and how the trace, the ladder, the
 * diagnostic and the JSON report show them. Each check has a case that must fail.
 */
import { expect as chaiExpect } from 'chai';
import { runScenario } from '../../src/engine/run.js';
import type { AppChannel } from '../../src/engine/app.js';
import type { RunReport } from '../../src/engine/report.js';
import { getEventListeners } from 'node:events';
import { app, appBytes, appWait, expect, pause, scenario, send } from '../../src/scenario/dsl.js';
import { capture, range } from '../../src/scenario/matchers.js';
import type { Scenario, Step } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { formatFailure } from '../../src/engine/diagnose.js';
import { formatTrace } from '../../src/report/trace.js';
import { formatLadder } from '../../src/report/ladder.js';
import { runJson } from '../../src/report/json.js';
import { writePattern, type PuppetReply } from '../../src/lab/puppet.js';
import { buildPacket, type Packet, Flag, seqAdd } from '../../src/wire/index.js';
import { MemLink, VirtualClock, type Answer } from '../support/memlink.js';
import { assertValid, validatorFor } from '../support/schema.js';
import { SEED_FLOW, SEED_ISN, SEED_PEER_ISN } from './helpers.js';

const FILE = 'test/engine/app.test.ts';
const { SYN, ACK, RST, PSH, FIN } = Flag;

/** A segment from the peer: relative numbers, raw on the wire. */
function seg(flags: number, seq: number, ack: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  return buildPacket({
    ip: { src: SEED_FLOW.peerIp, dst: SEED_FLOW.localIp },
    tcp: { srcPort: SEED_FLOW.peerPort, dstPort: SEED_FLOW.localPort, seq: seqAdd(SEED_PEER_ISN, seq), ack: flags & ACK ? seqAdd(SEED_ISN, ack) : 0, flags, window: 65535, options: [] },
    payload,
  });
}

/**
 * A peer and its application in one: a listener that answers the SYN, data the application
 * writes goes out as one PSH/ACK, data we send is queued for reads (a read waits for it), close
 * sends a FIN. `replies` overrides the reply of a call by name (e.g. a write that fails).
 */
class FakeTarget {
  readonly calls: string[] = [];
  link!: MemLink;
  private sndNxt = 1;
  private rcvNxt = 1;
  private inbox: number[] = [];
  private waitingRead: { n: number; resolve(r: PuppetReply): void } | undefined;
  private listening = false;
  private nextHandle = 1;

  constructor(
    private readonly clock: VirtualClock,
    private readonly replies: Record<string, Partial<PuppetReply>> = {},
  ) {}

  /** A segment the application's call makes the stack send, 1 ms later. */
  private later(frame: Uint8Array): void {
    this.clock.setTimer(1, () => this.link.deliver(frame));
  }

  readonly channel: AppChannel = {
    call: (call, args) => {
      this.calls.push([call, ...args].join(' '));
      const over = this.replies[call];
      const reply = (ret: number, extra: Partial<PuppetReply> = {}): Promise<PuppetReply> => Promise.resolve({ id: 0, ret, errno: undefined, durationUs: 50, ...extra, ...over });
      switch (call) {
        case 'socket':
          return reply(this.nextHandle++);
        case 'listen':
          this.listening = true;
          return reply(0);
        case 'accept':
          return reply(this.nextHandle++);
        case 'write': {
          const n = Number(args[1]);
          if (over?.ret === undefined || over.ret >= 0) {
            this.later(seg(PSH | ACK, this.sndNxt, this.rcvNxt, writePattern(n)));
            this.sndNxt += n;
          }
          return reply(n);
        }
        case 'read': {
          const n = Number(args[1]);
          if (this.inbox.length > 0 || over) return reply(Math.min(n, this.inbox.length), { data: Uint8Array.from(this.inbox.splice(0, n)) });
          return new Promise((resolve) => (this.waitingRead = { n, resolve: (r) => resolve({ ...r, durationUs: 20_000 }) }));
        }
        case 'close':
          this.later(seg(FIN | ACK, this.sndNxt, this.rcvNxt));
          this.sndNxt += 1;
          return reply(0);
        default:
          return reply(0);
      }
    },
  };

  /** The peer's side of the wire. */
  script = (p: Packet): Answer[] => {
    if (p.tcp.flags & RST) return [];
    if (p.tcp.flags & SYN) return this.listening ? [seg(SYN | ACK, 0, 1)] : [seg(RST | ACK, 0, 1)];
    if (p.payload.length > 0) {
      this.rcvNxt += p.payload.length;
      this.inbox.push(...p.payload);
      const w = this.waitingRead;
      if (w) {
        this.waitingRead = undefined;
        const data = Uint8Array.from(this.inbox.splice(0, w.n));
        this.clock.setTimer(20, () => w.resolve({ id: 0, ret: data.length, errno: undefined, durationUs: 0, data }));
      }
      return [{ frame: seg(ACK, this.sndNxt, this.rcvNxt), afterMs: 1 }];
    }
    if (p.tcp.flags & FIN) {
      this.rcvNxt += 1;
      return [seg(ACK, this.sndNxt, this.rcvNxt)];
    }
    return [];
  };
}

const sc = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => scenario({ name: 'app', peer: { host: '10.77.0.2', port: 5000 }, requires: ['app-puppet'], steps, ...extra });
const open = (): Step[] => [app('listen'), send('S'), expect('SA', { seq: 0, ack: 1 }), send('A'), app('accept')];

async function run(s: Scenario, o: { replies?: Record<string, Partial<PuppetReply>>; noApp?: boolean } = {}): Promise<{ report: RunReport; target: FakeTarget }> {
  validateScenario(s, FILE);
  const clock = new VirtualClock();
  const target = new FakeTarget(clock, o.replies);
  const link = new MemLink(SEED_FLOW, clock, target.script);
  target.link = link;
  const report = await runScenario(s, { file: FILE, flow: SEED_FLOW, localIsn: SEED_ISN }, { link, frames: link.frames, clock, ...(o.noApp ? {} : { app: target.channel }) });
  return { report, target };
}

function passes(r: RunReport): void {
  chaiExpect(r.passed, r.passed ? '' : formatFailure(r)).to.equal(true);
}

describe('engine: app() steps drive the target application', () => {
  it('listen, accept, write, read, close: the protocol calls made, in order, on the right sockets', async () => {
    const steps = [
      app('setsockopt', 'SO_RCVBUF', 4096),
      ...open(),
      app('write', 5),
      expect('PA', { seq: 1, ack: 1, payload: 'abcde' }),
      send('A', { seq: 1, ack: 6 }),
      send('PA', { payload: 'hi' }),
      expect('A', { ack: 3 }),
      app('read', 100, { returns: 2, data: 'hi' }),
      app('close'),
      expect('FA', { seq: 6 }),
    ];
    const { report, target } = await run(sc(steps));
    passes(report);
    chaiExpect(target.calls).to.deep.equal(['socket 4', 'setsockopt 1 SO_REUSEADDR 1', 'setsockopt 1 SO_RCVBUF 4096', 'bind 1 10.77.0.2 5000', 'listen 1 16', 'accept 1', 'write 2 5 -', 'read 2 100 -', 'close 2']);
    chaiExpect(report.app?.map((e) => `${e.call} = ${e.ret}`)).to.deep.equal(['setsockopt SO_RCVBUF 4096 = 0', 'listen = 0', 'accept = 2', 'write 5 = 5', 'read 100 = 2', 'close = 0']);
  });

  it('a return value, an errno or the bytes of a read that differ fail the step, saying how', async () => {
    const wrongRet = await run(sc([...open(), app('write', 5, { returns: range(6, 10) })]));
    chaiExpect(wrongRet.report.failure?.kind).to.equal('app');
    chaiExpect(formatFailure(wrongRet.report)).to.contain('step 6 (app write 5)').and.to.contain('returned 5, expected range(6, 10)');
    const failed = await run(sc([...open(), app('write', 5)]), { replies: { write: { ret: -1, errno: 'EPIPE' } } });
    chaiExpect(formatFailure(failed.report)).to.contain('returned -1 EPIPE, expected 5');
    const errno = await run(sc([...open(), app('write', 5, { errno: 'EPIPE' })]), { replies: { write: { ret: -1, errno: 'EPIPE' } } });
    passes(errno.report);
    const otherErrno = await run(sc([...open(), app('write', 5, { errno: 'ECONNRESET' })]), { replies: { write: { ret: -1, errno: 'EPIPE' } } });
    chaiExpect(formatFailure(otherErrno.report)).to.contain('errno EPIPE, expected ECONNRESET');
    const data = await run(sc([...open(), send('PA', { payload: 'hi' }), expect('A'), app('read', 10, { data: 'ho' })]));
    chaiExpect(formatFailure(data.report)).to.contain('read "hi", expected "ho"');
  });

  it('a blocking read runs in the background until appWait(), and its time is checked', async () => {
    const steps = [...open(), app('read', 10, { background: 'r', returns: 4, after: 10 }), send('PA', { payload: 'ping' }), expect('A', { ack: 5 }), appWait('r')];
    const { report } = await run(sc(steps));
    passes(report);
    const read = report.app!.find((e) => e.call === 'read 10')!;
    chaiExpect(read.background).to.equal('r');
    chaiExpect(Number(read.endUs! - read.startUs) / 1000).to.be.at.least(20);
    // The same read must not take longer than 5 ms: it does (it waits for our data).
    const slow = await run(sc([...open(), app('read', 10, { background: 'r', within: 5 }), send('PA', { payload: 'ping' }), expect('A', { ack: 5 }), appWait('r')]));
    chaiExpect(formatFailure(slow.report)).to.match(/returned after \d+\.\d ms, expected within 5 ms/);
    // The failure belongs to the app() step that made the call and holds its checks, not to appWait.
    chaiExpect(slow.report.failure?.stepIndex).to.equal(5);
    chaiExpect(formatFailure(slow.report)).to.contain('step 6 (app read 10)');
  });

  it('a call that never returns fails its step after the timeout; capture() keeps a return value', async () => {
    const never = await run(sc([...open(), app('read', 10, { timeout: 200 })]));
    chaiExpect(never.report.failure?.kind).to.equal('app');
    chaiExpect(formatFailure(never.report)).to.contain('did not return within 200 ms');
    chaiExpect(formatTrace(never.report)).to.contain('read 10 (did not return)');
    const kept = await run(sc([...open(), app('write', 7, { returns: capture('n') }), expect('PA', { len: 7 })]));
    passes(kept.report);
  });

  it('without an application to drive, the first app() step says so', async () => {
    const { report } = await run(sc(open()), { noApp: true });
    chaiExpect(report.failure?.kind).to.equal('error');
    chaiExpect(formatFailure(report)).to.contain('has no application to drive');
  });

  it('a write before any connected socket is the scenario\'s mistake, named as such', async () => {
    const { report } = await run(sc([app('listen'), app('write', 1)]));
    chaiExpect(formatFailure(report)).to.contain("no connected socket yet: app('accept') or app('connect') first");
  });

  it('the trace, the ladder and the JSON report show each call where it happened', async () => {
    const { report } = await run(sc([...open(), app('write', 3), expect('PA', { payload: appBytes(3) })]));
    passes(report);
    const trace = formatTrace(report);
    chaiExpect(trace).to.match(/server app: listen = 0 \(0\.1 ms on the target\)/);
    // The write comes before the data segment it caused.
    chaiExpect(trace.indexOf('write 3 = 3')).to.be.lessThan(trace.lastIndexOf('[PSH, ACK]'));
    chaiExpect(formatLadder(report)).to.contain('server app: accept = 2');
    const json = runJson(report);
    assertValid(validatorFor('run'), json);
    chaiExpect(json.app?.map((a) => a.call)).to.deep.equal(['listen', 'accept', 'write 3']);
    const failed = await run(sc([...open(), app('write', 3, { returns: 4 })]));
    const doc = runJson(failed.report);
    assertValid(validatorFor('run'), doc);
    chaiExpect(doc.failure).to.include({ kind: 'app', step: 6 });
  });

  it('the validator refuses app() steps it cannot run, naming the step and the field', () => {
    const bad = (steps: Step[], extra: Partial<Scenario> = {}): string => {
      try {
        validateScenario(sc(steps, extra), FILE);
      } catch (err) {
        chaiExpect(err).to.be.instanceOf(ScenarioError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    chaiExpect(bad([app('listen')], { requires: [] })).to.contain("add requires: ['app-puppet']");
    chaiExpect(bad([app('setsockopt', 'SO_NOSUCH' as 'SO_RCVBUF', 1)])).to.contain("name: 'SO_NOSUCH' is not a socket option");
    chaiExpect(bad([app('write', 0)])).to.contain('data: 0 is not an integer in 1..65536');
    chaiExpect(bad([app('read', 10, { errno: 'pipe' })])).to.contain("errno: 'pipe' is not an errno name");
    chaiExpect(bad([appWait('x')])).to.contain("no call named 'x' runs in the background");
    chaiExpect(bad([app('shutdown', 'both' as 'wr')])).to.contain("how: 'both' is not 'rd', 'wr' or 'rdwr'");
    chaiExpect(bad([app('close', { conn: 'other' })])).to.contain("conn: 'other' is not a connection");
    chaiExpect(bad([app('write', 'x', { data: 'y' })])).to.contain('only a read returns data');
    chaiExpect(bad([app('listen'), app('read', 1, { background: 'r' }), app('read', 1, { background: 'r' })])).to.contain("'r' is already running");
  });
});

describe('html: the application calls of a run', () => {
  it('lists each call with what it returned', async () => {
    const { runHtml } = await import('../../src/report/html.js');
    const { report } = await run(sc([...open(), app('write', 3), expect('PA', { len: 3 })]));
    const html = runHtml(runJson(report));
    chaiExpect(html).to.contain("The server's application (app() steps)");
    chaiExpect(html).to.match(/<td class="mono">write 3<\/td><td class="mono">3<\/td>/);
  });
});

describe('engine: pauses and the abort signal', () => {
  it('each pause removes its abort listener when it ends (a scenario of many pauses piles none up)', async () => {
    const clock = new VirtualClock();
    const target = new FakeTarget(clock);
    const link = new MemLink(SEED_FLOW, clock, target.script);
    target.link = link;
    const abort = new AbortController();
    let most = 0;
    const steps: Step[] = Array.from({ length: 15 }, () => pause(10));
    const watch = setInterval(() => (most = Math.max(most, getEventListeners(abort.signal, 'abort').length)), 0);
    const report = await runScenario(sc([...open(), ...steps]), { file: FILE, flow: SEED_FLOW, localIsn: SEED_ISN }, { link, frames: link.frames, clock, app: target.channel, signal: abort.signal });
    clearInterval(watch);
    passes(report);
    chaiExpect(getEventListeners(abort.signal, 'abort').length).to.be.at.most(1);
    chaiExpect(most).to.be.at.most(2);
  });
});
