/**
 * A new option kind through every layer, from its one table entry (src/wire/options.ts): TCP Fast
 * Open (RFC 7413, kind 34) in the DSL, validation, notation, the matcher, the model peer and a run
 * against the in-memory peer.
 */
import { expect as chaiExpect } from 'chai';
import type { RunReport } from '../../src/engine/report.js';
import { runScenario } from '../../src/engine/run.js';
import { optionNotation, stepNotation, viewNotation } from '../../src/engine/notation.js';
import { expect, fastOpen, mss, scenario, send } from '../../src/scenario/dsl.js';
import { any, capture, use } from '../../src/scenario/matchers.js';
import type { ExpectFields, Step } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';
import type { ValidScenario } from '../../src/scenario/model.js';
import { planSession } from '../../src/session/plan.js';
import { formatOptions, type TcpOption } from '../../src/wire/options.js';
import { buildPacket, parsePacket, type Packet } from '../../src/wire/packet.js';
import { Flag } from '../../src/wire/tcp.js';
import { MemLink, VirtualClock, type Answer } from '../support/memlink.js';
import { SEED_FLOW, SEED_ISN, SEED_PEER_ISN } from './helpers.js';
import { caught } from '../scenario/lines.js';

async function caughtAsync(f: () => Promise<unknown>): Promise<Error> {
  try {
    await f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

const COOKIE = [0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4];
const sc = (steps: Step[]): ValidScenario => validateScenario(scenario({ name: 'tfo', peer: { host: '10.77.0.2', port: 5000 }, steps }), 'tfo.ts');

/** A peer answering our SYN with a SYN/ACK carrying `options`. */
function synAckWith(options: TcpOption[]) {
  return (p: Packet): Answer[] => {
    if (!(p.tcp.flags & Flag.SYN)) return [];
    const bytes = buildPacket({
      ip: { src: SEED_FLOW.peerIp, dst: SEED_FLOW.localIp },
      tcp: { srcPort: SEED_FLOW.peerPort, dstPort: SEED_FLOW.localPort, seq: SEED_PEER_ISN, ack: (p.tcp.seq + 1) >>> 0, flags: Flag.SYN | Flag.ACK, options },
    });
    return [{ frame: bytes, afterMs: 1 }];
  };
}

async function runWith(s: ValidScenario, options: TcpOption[]): Promise<{ report: RunReport; sent: Packet[] }> {
  const clock = new VirtualClock();
  const link = new MemLink(SEED_FLOW, clock, synAckWith(options));
  const report = await runScenario(s, { file: 'tfo.ts', flow: SEED_FLOW, localIsn: SEED_ISN, cleanupRst: false }, { link, frames: link.frames, clock });
  const sent = link.sent.map((b) => {
    const r = parsePacket(b);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  });
  return { report, sent };
}

const synThen = (check: ExpectFields['options']): Step[] => [send('S', { options: [mss(1460), fastOpen()] }), expect('SA', { options: check })];

describe('TCP Fast Open through every layer (one table entry)', () => {
  it('DSL and notation: a cookie request and a cookie, pasted back as written', () => {
    chaiExpect(fastOpen()).to.deep.equal({ kind: 'fastOpen', cookie: new Uint8Array(0) });
    chaiExpect([fastOpen(), fastOpen(COOKIE)].map(optionNotation)).to.deep.equal(['fastOpen()', 'fastOpen([222, 173, 190, 239, 1, 2, 3, 4])']);
    chaiExpect(stepNotation(send('S', { options: [fastOpen(COOKIE)] }))).to.equal("send('S', { options: [fastOpen([222, 173, 190, 239, 1, 2, 3, 4])] })");
  });

  it('validation: a cookie longer than 16 bytes, and an option check of the wrong type, are refused naming the field', () => {
    chaiExpect(caught(() => sc([send('S', { options: [fastOpen(new Array(17).fill(1))] })])).message).to.contain('options[0].cookie: must be at most 16 bytes');
    chaiExpect(caught(() => sc([send('S'), expect('SA', { options: { fastOpen: 5 as never } })])).message).to.contain('options.fastOpen');
    chaiExpect(() => sc([send('S'), expect('SA', { options: { has: ['fastOpen'], fastOpen: any() } })])).to.not.throw();
  });

  it('our SYN carries the cookie request on the wire', async () => {
    const { sent } = await runWith(sc(synThen(undefined)), []);
    chaiExpect(formatOptions(sent[0]!.tcp.options)).to.equal('mss 1460,tfo cookiereq,eol');
  });

  it('the matcher: has/lacks, the exact cookie, a wildcard, and the exact option list', async () => {
    const withCookie: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'fastOpen', cookie: Uint8Array.from(COOKIE) }];
    const ok = async (check: ExpectFields['options']) => (await runWith(sc(synThen(check)), withCookie)).report;
    for (const check of [{ has: ['fastOpen' as const] }, { fastOpen: Uint8Array.from(COOKIE) }, { fastOpen: any() }, [mss(1460), fastOpen(COOKIE)]]) {
      chaiExpect((await ok(check)).passed, JSON.stringify(check)).to.equal(true);
    }
    const wrong = await ok({ fastOpen: Uint8Array.from([1, 2, 3, 4]) });
    chaiExpect(wrong.passed).to.equal(false);
    chaiExpect(wrong.failure).to.deep.include({ kind: 'mismatch' });
    const diffs = wrong.failure?.kind === 'mismatch' ? wrong.failure.diffs : [];
    chaiExpect(diffs).to.deep.equal([{ field: 'options', expected: 'fastOpen 0x01020304', actual: 'mss 1460,tfo cookie deadbeef01020304,eol' }]);
    const absent = (await runWith(sc(synThen({ lacks: ['fastOpen'] })), withCookie)).report;
    chaiExpect(absent.passed).to.equal(false);
    const actual = absent.events.find((e) => e.kind === 'unmatched')!;
    chaiExpect(viewNotation(actual.view)).to.contain('fastOpen([222, 173, 190, 239, 1, 2, 3, 4])');
  });

  it('a cookie captured from the SYN/ACK goes back in a later SYN: capture() holds bytes, fastOpen(use()) sends them', async () => {
    const withCookie: TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'fastOpen', cookie: Uint8Array.from(COOKIE) }];
    const steps: Step[] = [send('S', { options: [fastOpen()] }), expect('SA', { options: { fastOpen: capture('cookie') } }), send('S', { options: [mss(1460), fastOpen(use('cookie'))], payload: 'hi' })];
    const { report, sent } = await runWith(sc(steps), withCookie);
    chaiExpect(report.passed, JSON.stringify(report.failure)).to.equal(true);
    chaiExpect(formatOptions(sent[1]!.tcp.options)).to.equal('mss 1460,tfo cookie deadbeef01020304,eol');
    chaiExpect(stepNotation(steps[2]!)).to.equal(`send('S', { options: [mss(1460), fastOpen(use("cookie"))], payload: "hi" })`);
  });

  it('a bytes capture in a number field, and a number capture as a cookie, are errors naming the field', async () => {
    const withCookie: TcpOption[] = [{ kind: 'fastOpen', cookie: Uint8Array.from(COOKIE) }];
    const asNumber = sc([send('S', { options: [fastOpen()] }), expect('SA', { options: { fastOpen: capture('cookie') } }), send('A', { window: use('cookie') })]);
    chaiExpect((await caughtAsync(() => runWith(asNumber, withCookie))).message).to.match(/window.*capture 'cookie' holds bytes/);
    const asBytes = sc([send('S'), expect('SA', { window: capture('win') }), send('S', { options: [fastOpen(use('win'))] })]);
    chaiExpect((await caughtAsync(() => runWith(asBytes, withCookie))).message).to.match(/options\[0\]\.cookie.*capture 'win' holds a number/);
  });

  it('the model peer (what build shows) answers an expectation for a cookie with that cookie', () => {
    const s = sc([send('S', { options: [fastOpen()] }), expect('SA', { options: { mss: 1460, fastOpen: Uint8Array.from(COOKIE) } })]);
    const p = planSession(s, 'tfo.ts', {}, { iface: '', src: '10.77.0.1' }, { isn: () => 1, port: () => 40000 });
    chaiExpect(formatOptions(p.model.events[1]!.view.packet.tcp.options)).to.equal('mss 1460,tfo cookie deadbeef01020304,eol');
    const req = planSession(sc([send('S'), expect('SA', { options: { has: ['fastOpen'] } })]), 'tfo.ts', {}, { iface: '', src: '10.77.0.1' }, { isn: () => 1, port: () => 40000 });
    chaiExpect(formatOptions(req.model.events[1]!.view.packet.tcp.options)).to.equal('tfo cookiereq,eol');
  });
});
