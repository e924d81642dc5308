/**
 * The mutants of group F (src/reference/mutants-f.ts: the RTO from RTT samples, Karn's rule,
 * window updates, the keep-alive idle time, three rows of the application interface; the puppet
 * faults are shown by their scenarios, through the reference's puppet): each fault, segment by segment, does what its name
 * says and the pure stack does not; and each mutant is killed by the scenario written for it,
 * which names its requirement, at the step meant. In memory.
 */
import { expect } from 'chai';
import { loadScenario } from '../../src/io/load.js';
import { MUTANTS_F } from '../../src/reference/mutants-f.js';
import { killMatrix } from '../../src/suite/mutation.js';
import { ReferencePuppet, type ReferenceSettings } from '../../src/reference/index.js';
import type { Packet } from '../../src/wire/packet.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { seqAdd } from '../../src/wire/seq.js';
import { ISN, StackHarness } from './harness.js';
import { runOnReference } from './helpers.js';
import { mutantNamed } from '../../src/reference/mutants.js';

class Harness extends StackHarness {
  /** The server's ISN on the current connection. */
  irs = 0;

  /** Handshake to `port`, our ACK of the SYN/ACK `delayMs` later (the stack's first RTT sample). */
  open(port: number, delayMs = 0, o: { window?: number; mss?: number } = {}): void {
    const [sa] = this.send(port, Flag.SYN, ISN, 0, { ...(o.window !== undefined ? { window: o.window } : {}), ...(o.mss ? { options: [{ kind: 'mss', value: o.mss }] } : {}) });
    expect(flagLetters(sa!.tcp.flags)).to.equal('SA');
    this.irs = sa!.tcp.seq;
    expect(this.after(delayMs)).to.deep.equal([]);
    this.send(port, Flag.ACK, ISN + 1, this.rel(1), o.window !== undefined ? { window: o.window } : {});
  }

  /** The server's sequence number `n` past its ISN. */
  rel(n: number): number {
    return seqAdd(this.irs, n);
  }

  /** Relative sequence number of a segment from the server. */
  seqOf(p: Packet): number {
    return seqAdd(p.tcp.seq, -this.irs);
  }
}

/**
 * Echo (port 7): the SYN/ACK acknowledged after 600 ms (RTO 1.8 s), "a" echoed and never
 * acknowledged, its retransmission acknowledged at once. Returns the connection's RTO then.
 */
function karnEpisode(settings: Partial<ReferenceSettings>): { rtoAfterSample: number; retransmittedAt: number; rtoAfterAck: number } {
  const h = new Harness(settings);
  h.open(7, 600);
  const rtoAfterSample = h.tcb(7)!.currentRto;
  const echoed = h.send(7, Flag.ACK | Flag.PSH, ISN + 1, h.rel(1), { payload: 'a' });
  expect(echoed.map((p) => p.payload.length)).to.deep.equal([1]);
  let waited = 0;
  for (; waited < 5000; waited += 10) if (h.after(10).some((p) => p.payload.length === 1)) break;
  h.send(7, Flag.ACK, ISN + 2, h.rel(2));
  return { rtoAfterSample, retransmittedAt: waited + 10, rtoAfterAck: h.tcb(7)!.currentRto };
}

describe('reference stack: mutants of the RTO, Karn, window updates and the keep-alive idle time (group F)', () => {
  describe('the RTO from RTT samples (RFC 6298 §2.2, §2.3; MUST-18)', () => {
    it('a 600 ms sample from the SYN/ACK makes the RTO 1.8 s (3 x R); rto-ignores-rtt leaves it at 1 s', () => {
      for (const [settings, want] of [[{}, 1800], [{ faults: ['rto-ignores-rtt'] }, 1000]] as const) {
        const h = new Harness(settings);
        h.open(7, 600);
        expect(h.tcb(7)!.currentRto).to.equal(want);
        expect(h.tcb(7)!.smoothedRtt).to.equal(600);
      }
    });
    it('a second sample of 900 ms: SRTT 637.5, RTTVAR 300, RTO 1837.5 on the pure stack; 1 s with rto-ignores-rtt', () => {
      for (const [settings, want] of [[{}, 1837.5], [{ faults: ['rto-ignores-rtt'] }, 1000]] as const) {
        const h = new Harness(settings);
        h.open(7, 600);
        h.send(7, Flag.ACK | Flag.PSH, ISN + 1, h.rel(1), { payload: 'a' });
        expect(h.after(900)).to.deep.equal([]);
        h.send(7, Flag.ACK, ISN + 2, h.rel(2));
        expect(h.tcb(7)!.smoothedRtt).to.equal(637.5);
        expect(h.tcb(7)!.currentRto).to.equal(want);
      }
    });
  });

  describe("Karn's rule and the backed-off RTO (RFC 6298 §3, §5.5; MUST-18, MUST-19)", () => {
    it('pure: the retransmission after 1.8 s, acknowledged at once, gives no sample: the RTO stays backed off at 3.6 s', () => {
      expect(karnEpisode({})).to.deep.equal({ rtoAfterSample: 1800, retransmittedAt: 1800, rtoAfterAck: 3600 });
    });
    it('rtt-sample-from-retransmission samples that ACK from the first transmission (1.8 s): RTO 2.85 s', () => {
      expect(karnEpisode({ faults: ['rtt-sample-from-retransmission'] })).to.deep.equal({ rtoAfterSample: 1800, retransmittedAt: 1800, rtoAfterAck: 2850 });
    });
    it('backoff-dropped-on-ack goes back to the RTO of before the timeout (1.8 s) without a sample', () => {
      expect(karnEpisode({ faults: ['backoff-dropped-on-ack'] })).to.deep.equal({ rtoAfterSample: 1800, retransmittedAt: 1800, rtoAfterAck: 1800 });
    });
    it('backoff-dropped-on-ack changes nothing when no timeout came first', () => {
      const h = new Harness({ faults: ['backoff-dropped-on-ack'] });
      h.open(7, 600);
      h.send(7, Flag.ACK | Flag.PSH, ISN + 1, h.rel(1), { payload: 'a' });
      h.after(900);
      h.send(7, Flag.ACK, ISN + 2, h.rel(2));
      expect(h.tcb(7)!.currentRto).to.equal(1837.5);
    });
  });

  describe('window updates only from newer segments (RFC 9293 §3.10.7.4, SND.WL1 and SND.WL2)', () => {
    /** chargen with window 1000 and MSS 500; data at 101 (window 1000), then the older data at 1 with window 65535. */
    function reorder(settings: Partial<ReferenceSettings>): { first: number[]; afterOld: Array<[number, number, number]>; sndWnd: number } {
      const h = new Harness(settings);
      h.open(19, 0, { window: 1000, mss: 500 });
      const first = h.out.filter((p) => p.payload.length > 0).map((p) => h.seqOf(p));
      h.send(19, Flag.ACK | Flag.PSH, ISN + 101, h.rel(1), { payload: 100, window: 1000 });
      const afterOld = h.send(19, Flag.ACK | Flag.PSH, ISN + 1, h.rel(1), { payload: 100, window: 65535 }).map((p): [number, number, number] => [h.seqOf(p), seqAdd(p.tcp.ack, -(ISN + 1)), p.payload.length]);
      return { first, afterOld, sndWnd: h.tcb(19, undefined)!.sndWnd };
    }
    it('pure: the older segment only gets the ACK of the filled hole (201); the window stays 1000', () => {
      expect(reorder({})).to.deep.equal({ first: [1, 501], afterOld: [[1001, 200, 0]], sndWnd: 1000 });
    });
    it('window-update-any-ack takes the old window of 65535 and sends new data at once', () => {
      const r = reorder({ faults: ['window-update-any-ack'] });
      expect(r.sndWnd).to.equal(65535);
      expect(r.afterOld.filter(([, , len]) => len > 0).map(([seq]) => seq)).to.deep.equal([1001, 1501]);
    });
  });

  describe('the keep-alive idle time the application sets (RFC 9293 §3.8.4, MUST-27)', () => {
    for (const [settings, probes] of [[{}, 1], [{ faults: ['keepalive-idle-ignored'] }, 0]] as const) {
      it(`${settings.faults ? 'keepalive-idle-ignored keeps the two-hour default: no probe' : 'pure: idle time 2 s, a probe after 2 s'}`, () => {
        const h = new Harness(settings);
        h.open(9);
        h.tcb(9)!.configureKeepAlive({ enabled: true, idleMs: 2000, intervalMs: 1000 });
        expect(h.after(1900)).to.deep.equal([]);
        const sent = h.after(200);
        expect(sent.length).to.equal(probes);
        if (probes) expect(h.seqOf(sent[0]!)).to.equal(0);
      });
    }
  });

  describe('the application interface (RFC 9293 §3.9.1.1, §3.8.5)', () => {
    it('pure: a SYN from a second port is answered while the first handshake waits in SYN-RECEIVED (MUST-42)', () => {
      for (const [settings, answered] of [[{}, true], [{ faults: ['listener-busy-in-handshake'] }, false]] as const) {
        const h = new Harness(settings);
        expect(h.send(9, Flag.SYN, ISN).map((p) => flagLetters(p.tcp.flags))).to.deep.equal(['SA']);
        const second = h.send(9, Flag.SYN, ISN + 5000, 0, { sport: 40001 });
        expect(second.map((p) => flagLetters(p.tcp.flags)), JSON.stringify(settings)).to.deep.equal(answered ? ['SA'] : []);
      }
    });
    /** The reference's puppet listening on `port`, our connection to it open and accepted: the puppet and the accepted handle. */
    async function accepted(h: Harness, port: number): Promise<{ pup: ReferencePuppet; listener: number; conn: number }> {
      const pup = new ReferencePuppet(h.stack, h.clock);
      const listener = (await pup.call('socket', [4])).ret;
      expect((await pup.call('bind', [listener, h.ref, port])).ret).to.equal(0);
      expect((await pup.call('listen', [listener, 16])).ret).to.equal(0);
      h.open(port);
      return { pup, listener, conn: (await pup.call('accept', [listener])).ret };
    }
    it('a second passive OPEN on the port fails and leaves the connection alone; second-listen-takes-port resets it (MUST-41)', async () => {
      for (const [settings, bound, reset] of [[{}, -1, false], [{ faults: ['second-listen-takes-port'] }, 0, true]] as const) {
        const h = new Harness(settings);
        const { pup } = await accepted(h, 2162);
        const before = h.out.length;
        const again = (await pup.call('socket', [4])).ret;
        expect((await pup.call('bind', [again, h.ref, 2162])).ret).to.equal(bound);
        expect(h.out.slice(before).some((p) => (p.tcp.flags & Flag.RST) !== 0)).to.equal(reset);
        expect(h.tcb(2162)?.state ?? 'CLOSED').to.equal(reset ? 'CLOSED' : 'ESTABLISHED');
      }
    });
    it('recv(MSG_OOB) returns the last urgent octet of "abc"; urgent-not-queryable says there is none (MUST-33)', async () => {
      for (const [settings, ret] of [[{}, 1], [{ faults: ['urgent-not-queryable'] }, -1]] as const) {
        const h = new Harness(settings);
        const { pup, conn } = await accepted(h, 2163);
        h.send(2163, Flag.ACK | Flag.PSH | Flag.URG, ISN + 1, h.rel(1), { payload: 'abc', urgent: 3 });
        const r = await pup.call('read', [conn, 1, 'oob']);
        expect(r.ret).to.equal(ret);
        if (ret > 0) expect([...(r.data ?? [])]).to.deep.equal([0x63]);
      }
    });
    it('listener-busy-in-handshake answers again once the handshake is over', () => {
      const h = new Harness({ faults: ['listener-busy-in-handshake'] });
      h.open(9);
      expect(h.send(9, Flag.SYN, ISN + 5000, 0, { sport: 40001 }).map((p) => flagLetters(p.tcp.flags))).to.deep.equal(['SA']);
    });
  });

  describe('the kill matrix', function () {
    this.timeout(120_000);
    /** Each mutant, the scenario written for it, and the (1-based) step it must fail at. */
    const KILLER: Readonly<Record<string, readonly [string, number]>> = {
      'rto-ignores-rtt': ['rto-from-samples.ts', 13],
      'rtt-sample-from-retransmission': ['rto-karn.ts', 13],
      'backoff-dropped-on-ack': ['rto-karn.ts', 13],
      'window-update-any-ack': ['window-update-old-segment.ts', 10],
      'keepalive-idle-ignored': ['app-keepalive-idle-set.ts', 9],
      'second-listen-takes-port': ['app-listen-again.ts', 7],
      'listener-busy-in-handshake': ['listen-during-handshake.ts', 4],
      'urgent-not-queryable': ['app-urgent-query.ts', 9],
    };
    it('every mutant of group F has its scenario here', () => {
      expect(MUTANTS_F.map((m) => m.name).filter((n) => !(n in KILLER))).to.deep.equal([]);
    });
    for (const [name, [file, step]] of Object.entries(KILLER)) {
      it(`${name}: ${file} fails at step ${step}`, async () => {
        const r = await runOnReference(`scenarios/conformance/${file}`, mutantNamed(name).settings);
        expect(r.report?.passed, r.why).to.equal(false);
        expect(r.report?.failure?.stepIndex, r.why).to.equal(step - 1);
      });
    }
    it('each is killed by its scenario, which names its requirement and passes on the pure stack', async () => {
      const files = [...new Set(Object.values(KILLER).map(([f]) => `scenarios/conformance/${f}`))];
      const entries = await Promise.all(files.map(async (file) => ({ file, name: file, scenario: await loadScenario(file) })));
      const m = await killMatrix(entries, MUTANTS_F);
      expect([...m.baseline.values()].every((v) => v === 'pass'), 'the pure stack passes them all').to.equal(true);
      for (const r of m.mutants) expect(r.killedByOwn, r.mutant.name).to.include(`scenarios/conformance/${KILLER[r.mutant.name]![0]}`);
    });
  });
});
