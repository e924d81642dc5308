/**
 * The reference stack's loss, timer and ICMP behaviour, segment by segment on a hand-moved
 * VirtualClock: RFC 5681 congestion control with NewReno (congestion.ts), zero-window probing
 * (persist.ts), keep-alives (keepalive.ts), R1/R2 and the user timeout (failure.ts), ICMP errors
 * and Path MTU Discovery (icmp.ts, src/wire/icmp.ts's parseIcmpError).
 */
import { expect } from 'chai';
import { ReferencePuppet, referenceSettings } from '../../src/reference/index.js';
import { plateauBelow, newPathMtu } from '../../src/reference/icmp.js';
import { giveUpDue } from '../../src/reference/failure.js';
import { buildIcmpErrorFor, parseIcmpError } from '../../src/wire/icmp.js';
import type { Packet } from '../../src/wire/packet.js';
import { mss as mssOption } from '../../src/scenario/index.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { seqAdd, seqDiff } from '../../src/wire/seq.js';
import { ISN, SPORT, StackHarness } from './harness.js';

class Harness extends StackHarness {
  /** The stack's ISS on the connection opened last. */
  iss = 0;
  /** Acknowledges up to relative sequence number `rel` (1 = the first data byte) with window `window`. */
  ack(port: number, rel: number, window = 65535, sport = SPORT): Packet[] {
    return this.send(port, Flag.ACK, ISN + 1, seqAdd(this.iss, rel), { window, sport });
  }
  /** Handshake to `port` with MSS `mss` and window `window`; returns what followed our ACK. */
  open(port: number, mss = 500, window = 65535, sport = SPORT): Packet[] {
    const [sa] = this.send(port, Flag.SYN, ISN, 0, { options: [mssOption(mss)], window, sport });
    expect(flagLetters(sa!.tcp.flags)).to.equal('SA');
    this.iss = sa!.tcp.seq;
    return this.send(port, Flag.ACK, ISN + 1, seqAdd(this.iss, 1), { window, sport });
  }
  /** Relative sequence number of a packet the stack sent. */
  rel(p: Packet): number {
    return seqDiff(p.tcp.seq, this.iss);
  }
  /** `rel len` rows of data segments. */
  rows(ps: Packet[]): string[] {
    return ps.map((p) => `${flagLetters(p.tcp.flags)} ${this.rel(p)} ${p.payload.length}`);
  }
  /** An ICMP error from `src` (a router, or the peer) quoting `about`. */
  icmp(about: Packet, type: number, code: number, mtu?: number): Packet[] {
    return this.input(buildIcmpErrorFor({ src: this.me, dst: this.ref, type, code, quoted: about.bytes, ...(mtu !== undefined ? { mtu } : {}) }));
  }
}

const data = (ps: Packet[]): Packet[] => ps.filter((p) => p.payload.length > 0);

describe('reference stack: loss, timers and ICMP', () => {
  describe('RFC 5681 congestion control (congestion.ts)', () => {
    it('initial window of 4 segments for MSS 500 (§3.1), then slow start: cwnd grows by SMSS per ACK', () => {
      const h = new Harness();
      const first = h.open(19);
      expect(h.rows(first)).to.deep.equal(['A 1 500', 'A 501 500', 'A 1001 500', 'A 1501 500']);
      const t = h.tcb(19)!;
      expect([t.cwnd, t.flightSize]).to.deep.equal([2000, 2000]);
      // One segment acknowledged: cwnd 2500, so two more go (flight 1500 + 1000).
      expect(h.rows(h.ack(19, 501))).to.deep.equal(['A 2001 500', 'A 2501 500']);
      expect([t.cwnd, t.flightSize]).to.deep.equal([2500, 2500]);
    });

    it('the third duplicate ACK retransmits SND.UNA at once: ssthresh = max(FlightSize/2, 2*SMSS), cwnd = ssthresh + 3*SMSS (§3.2)', () => {
      const h = new Harness({ limitedTransmit: false });
      h.open(19, 500, 2000);
      h.ack(19, 501, 1500);
      const t = h.tcb(19)!;
      expect(h.ack(19, 501, 1500)).to.deep.equal([]);
      expect(h.ack(19, 501, 1500)).to.deep.equal([]);
      expect(h.rows(h.ack(19, 501, 1500))).to.deep.equal(['A 501 500']);
      expect(t.ssthresh).to.equal(1000); // FlightSize 1500: max(750, 1000)
      expect(t.cwnd).to.equal(1000 + 3 * 500);
      // Step 4: each further duplicate inflates cwnd by SMSS.
      h.ack(19, 501, 1500);
      expect(t.cwnd).to.equal(3000);
      expect(t.cc.inRecovery).to.equal(true);
    });

    it('an ACK whose window differs is not a duplicate (§2 (e)); nor is one answering a zero window', () => {
      const h = new Harness();
      h.open(19, 500, 2000);
      h.ack(19, 501, 1500);
      for (const w of [1400, 1300, 1200, 1100]) expect(data(h.ack(19, 501, w))).to.deep.equal([]);
      expect(h.tcb(19)!.cc.dupAcks).to.equal(0);
    });

    it('limited transmit (RFC 3042): one new segment on each of the first two duplicate ACKs, cwnd unchanged', () => {
      const h = new Harness();
      h.open(19, 500, 4000);
      // Flight 2000 of a 4000 window: after ACK 501 (window 4000) cwnd 2500, two more go.
      expect(h.rows(h.ack(19, 501, 4000))).to.deep.equal(['A 2001 500', 'A 2501 500']);
      const t = h.tcb(19)!;
      expect(h.rows(h.ack(19, 501, 4000))).to.deep.equal(['A 3001 500']);
      expect(h.rows(h.ack(19, 501, 4000))).to.deep.equal(['A 3501 500']);
      expect(t.cwnd).to.equal(2500);
      // The third: fast retransmit, FlightSize 3500 then.
      expect(h.rows(h.ack(19, 501, 4000))).to.deep.equal(['A 501 500']);
      expect(t.ssthresh).to.equal(1750);
    });

    it('NewReno (RFC 6582): a partial ACK retransmits the next hole and stays in recovery; the full ACK leaves it with cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)', () => {
      const h = new Harness({ limitedTransmit: false });
      h.open(19, 500, 2000);
      h.ack(19, 501, 1500);
      for (let i = 0; i < 3; i++) h.ack(19, 501, 1500);
      const t = h.tcb(19)!;
      expect(t.cc.recover).to.equal(seqAdd(h.iss, 2000) >>> 0);
      // 501 repaired but 1001 lost too: a partial ACK.
      expect(h.rows(data(h.ack(19, 1001, 1500)))[0]).to.equal('A 1001 500');
      expect(t.cc.inRecovery).to.equal(true);
      // Everything up to recover: recovery ends.
      h.ack(19, 2001, 1000);
      expect(t.cc.inRecovery).to.equal(false);
      expect(t.cwnd).to.be.at.most(t.ssthresh);
    });

    it('plain Reno (newReno off): the first ACK of new data ends recovery with cwnd = ssthresh (§3.2 step 6)', () => {
      const h = new Harness({ limitedTransmit: false, newReno: false });
      h.open(19, 500, 2000);
      h.ack(19, 501, 1500);
      for (let i = 0; i < 3; i++) h.ack(19, 501, 1500);
      const t = h.tcb(19)!;
      h.ack(19, 1001, 1500);
      expect(t.cc.inRecovery).to.equal(false);
      expect(t.cwnd).to.equal(t.ssthresh);
    });

    it('fastRetransmit off: duplicate ACKs do nothing, the RTO repairs', () => {
      const h = new Harness({ fastRetransmit: false, limitedTransmit: false });
      h.open(19, 500, 2000);
      h.ack(19, 501, 1500);
      for (let i = 0; i < 5; i++) expect(h.ack(19, 501, 1500)).to.deep.equal([]);
      expect(h.rows(h.after(1000))).to.deep.equal(['A 501 500']);
    });

    it('a timeout: ssthresh by equation 4, cwnd = the loss window (1 SMSS); a second timeout of the same segment holds ssthresh (§3.1)', () => {
      const h = new Harness();
      h.open(19, 500, 2000);
      const t = h.tcb(19)!;
      expect(h.rows(h.after(1000))).to.deep.equal(['A 1 500']);
      expect([t.ssthresh, t.cwnd]).to.deep.equal([1000, 500]);
      h.after(2000);
      expect([t.ssthresh, t.cwnd]).to.deep.equal([1000, 500]);
      // Congestion avoidance above ssthresh: about SMSS per RTT (SMSS*SMSS/cwnd per ACK).
      h.ack(19, 501, 2000);
      h.ack(19, 1001, 2000);
      expect(t.cwnd).to.equal(1250); // 500 -> 1000 (slow start, below ssthresh) -> 1000 + 500*500/1000
    });

    it('after an idle period longer than the RTO, cwnd goes back to at most the initial window (§4.1)', () => {
      const h = new Harness();
      const ps = h.open(7, 500);
      expect(ps).to.deep.equal([]);
      // Echo grows cwnd: send data, it echoes, we acknowledge.
      let rel = 1;
      let mine = ISN + 1;
      for (let i = 0; i < 6; i++) {
        const echoed = data(h.send(7, Flag.ACK | Flag.PSH, mine, seqAdd(h.iss, rel), { payload: 'x'.repeat(500) }));
        mine += 500;
        for (const p of echoed) rel = h.rel(p) + p.payload.length;
        h.send(7, Flag.ACK, mine, seqAdd(h.iss, rel));
      }
      const t = h.tcb(7)!;
      expect(t.cwnd).to.be.greaterThan(2000);
      h.after(5000);
      h.send(7, Flag.ACK | Flag.PSH, mine, seqAdd(h.iss, rel), { payload: 'y' });
      expect(t.cwnd).to.equal(2000);
    });
  });

  describe('zero-window probing (RFC 9293 §3.8.6.1, persist.ts)', () => {
    it('a zero window: the first probe (one octet at SND.UNA) after one RTO, the next after 2, 4 s; data flows when the window opens', () => {
      const h = new Harness();
      expect(h.open(19, 500, 0)).to.deep.equal([]);
      expect(h.rows(h.after(999))).to.deep.equal([]);
      expect(h.rows(h.after(1))).to.deep.equal(['A 1 1']);
      expect(h.rows(h.after(1999))).to.deep.equal([]);
      expect(h.rows(h.after(1))).to.deep.equal(['A 1 1']);
      h.ack(19, 1, 0);
      expect(h.rows(h.after(4000))).to.deep.equal(['A 1 1']);
      // The window opens without the probe octet taken: it goes again, with the data after it.
      expect(h.rows(h.ack(19, 1, 1000))).to.deep.equal(['A 1 500', 'A 501 500']);
    });

    it('probes answered with a zero window keep the connection open far beyond R2 (MUST-37); the gap stops growing at maxPersistMs', () => {
      const h = new Harness();
      h.open(19, 500, 0);
      const times: number[] = [];
      for (let ms = 0; ms < 400_000; ms += 500) {
        const ps = h.after(500);
        if (ps.length) {
          times.push(h.clock.now());
          h.ack(19, 1, 0);
        }
      }
      expect(h.tcb(19)?.state).to.equal('FIN-WAIT-1'); // chargen wrote and closed; its data waits
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(gaps.slice(0, 5)).to.deep.equal([2000, 4000, 8000, 16000, 32000]);
      expect(Math.max(...gaps)).to.equal(60_000);
    });

    it('a peer that answers no probe for R2 is given up on (ETIMEDOUT)', () => {
      const h = new Harness();
      h.open(19, 500, 0);
      h.after(400_000);
      expect(h.tcb(19)).to.equal(undefined);
      expect(flagLetters(h.out.at(-1)!.tcp.flags)).to.equal('R');
    });
  });

  describe('keep-alives (RFC 9293 §3.8.4, keepalive.ts)', () => {
    it('off by default (MUST-25): an idle connection to discard sends nothing in three hours', () => {
      const h = new Harness();
      h.open(9);
      expect(h.after(3 * 3600_000)).to.deep.equal([]);
    });

    it('service 2009: a probe <SEQ=SND.NXT-1><ACK=RCV.NXT> without data after 1 s idle; answered, the next after another idle second', () => {
      const h = new Harness();
      h.open(2009);
      expect(h.after(999)).to.deep.equal([]);
      const [p] = h.after(1);
      expect([flagLetters(p!.tcp.flags), h.rel(p!), p!.tcp.ack, p!.payload.length]).to.deep.equal(['A', 0, ISN + 1, 0]);
      h.ack(2009, 1);
      expect(h.after(999)).to.deep.equal([]);
      expect(h.after(1)).to.have.length(1);
    });

    it('unanswered probes repeat every interval (MUST-29); after keepAliveCount of them the connection is dropped with ETIMEDOUT', () => {
      const h = new Harness({ keepAliveCount: 3 });
      h.open(2009);
      const t = h.tcb(2009)!;
      expect(h.after(1000)).to.have.length(1);
      expect(h.after(1000)).to.have.length(1);
      expect(h.after(1000)).to.have.length(1);
      const [rst] = h.after(1000);
      expect(flagLetters(rst!.tcp.flags)).to.equal('R');
      expect([t.state, t.error]).to.deep.equal(['CLOSED', 'ETIMEDOUT']);
    });

    it('with keepAliveGarbageOctet the probe carries one octet (MAY-6)', () => {
      const h = new Harness({ keepAliveGarbageOctet: true });
      h.open(2009);
      const [p] = h.after(1000);
      expect([h.rel(p!), p!.payload.length]).to.deep.equal([0, 1]);
    });

    it('the puppet: SO_KEEPALIVE alone waits the two-hour default (MUST-28); TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT set the rest', async () => {
      const h = new Harness();
      const app = new ReferencePuppet(h.stack, h.clock);
      const call = async (c: string, ...a: Array<string | number>): Promise<number> => (await app.call(c, a)).ret;
      const l = await call('socket', 4);
      await call('bind', l, '0.0.0.0', 4242);
      await call('listen', l);
      h.open(4242);
      const s = await call('accept', l);
      expect(await call('setsockopt', s, 'SO_KEEPALIVE', 1)).to.equal(0);
      expect(h.after(7_200_000 - 1)).to.deep.equal([]);
      expect(h.after(1)).to.have.length(1);
      h.ack(4242, 1);
      expect(await call('setsockopt', s, 'TCP_KEEPIDLE', 0)).to.equal(-1);
      await call('setsockopt', s, 'TCP_KEEPIDLE', 5);
      await call('setsockopt', s, 'TCP_KEEPINTVL', 2);
      await call('setsockopt', s, 'TCP_KEEPCNT', 2);
      expect(await call('getsockopt', s, 'TCP_KEEPINTVL')).to.equal(2);
      expect(h.after(5000)).to.have.length(1);
      expect(h.after(2000)).to.have.length(1);
      expect(flagLetters(h.after(2000)[0]!.tcp.flags)).to.equal('R');
      expect((await app.call('read', [s, 10])).errno).to.equal('ETIMEDOUT');
    });
  });

  describe('R1, R2 and the user timeout (RFC 9293 §3.8.3, failure.ts)', () => {
    it('data never acknowledged: retransmissions go on until R2 (100 s) has passed since the first, then the last one gets its RTO: RST, ETIMEDOUT', () => {
      const h = new Harness();
      h.open(19, 500, 500);
      const t = h.tcb(19)!;
      const at: number[] = [];
      for (let ms = 0; ms < 300_000 && t.state !== 'CLOSED'; ms += 1000) for (const p of h.after(1000)) at.push(h.clock.now() * (flagLetters(p.tcp.flags) === 'R' ? -1 : 1));
      // 1, 3, 7, 15, 31, 63, 123 s (RTO 1 s doubling, at most 60 s); 123 - 1 >= 100: the last; given up at 183 s.
      expect(at).to.deep.equal([1000, 3000, 7000, 15000, 31000, 63000, 123000, -183000]);
      expect(t.error).to.equal('ETIMEDOUT');
      expect(t.deliveryProblem).to.equal(true);
    });

    it('a SYN is retransmitted for at least 3 minutes (MUST-23): the last at 183 s, given up at 243 s', () => {
      const h = new Harness();
      const t = h.stack.connect(h.me, 47012);
      const at: number[] = [];
      for (let ms = 0; ms < 400_000 && t.state !== 'CLOSED'; ms += 1000) at.push(...h.after(1000).map(() => h.clock.now()));
      expect(at).to.deep.equal([1000, 3000, 7000, 15000, 31000, 63000, 123000, 183000]);
      expect(h.clock.now()).to.equal(243000);
      expect([t.state, t.error]).to.deep.equal(['CLOSED', 'ETIMEDOUT']);
    });

    it('R2 as a count: r2Retransmissions 2 gives up at the timeout after the second retransmission', () => {
      const h = new Harness({ r2Retransmissions: 2, resetOnGiveUp: false });
      h.open(19, 500, 500);
      expect(h.after(1000)).to.have.length(1);
      expect(h.after(2000)).to.have.length(1);
      expect(h.after(4000)).to.deep.equal([]); // no RST with resetOnGiveUp off
      expect(h.tcb(19)).to.equal(undefined);
    });

    it('TCP_USER_TIMEOUT (RFC 5482): 2 s after the data was sent the connection is closed, before the RTO schedule would say', async () => {
      const h = new Harness();
      const app = new ReferencePuppet(h.stack, h.clock);
      const l = (await app.call('socket', [4])).ret;
      await app.call('bind', [l, '0.0.0.0', 4243]);
      await app.call('listen', [l]);
      h.open(4243);
      const s = (await app.call('accept', [l])).ret;
      expect((await app.call('setsockopt', [s, 'TCP_USER_TIMEOUT', 2000])).ret).to.equal(0);
      await app.call('write', [s, 10]);
      expect(h.rows(h.after(1000))).to.deep.equal(['PA 1 10']);
      expect(h.rows(h.after(1000))).to.deep.equal(['R 11 0']);
      expect((await app.call('read', [s, 10])).errno).to.equal('ETIMEDOUT');
    });

    it('giveUpDue: by time, the last retransmission must be R2 past the first; a user timeout is a deadline', () => {
      const s = referenceSettings();
      const ep = (firstAt: number, lastAt: number, count: number) => ({ firstAt, lastAt, count });
      expect(giveUpDue(s, { now: 150_000, episode: ep(1000, 99_000, 6), synPending: false, userTimeoutMs: undefined, progressAt: 0 })).to.equal(false);
      expect(giveUpDue(s, { now: 150_000, episode: ep(1000, 101_000, 7), synPending: false, userTimeoutMs: undefined, progressAt: 0 })).to.equal(true);
      expect(giveUpDue(s, { now: 150_000, episode: ep(1000, 101_000, 7), synPending: true, userTimeoutMs: undefined, progressAt: 0 })).to.equal(false);
      expect(giveUpDue(s, { now: 2000, episode: ep(1000, 1000, 1), synPending: false, userTimeoutMs: 2000, progressAt: 0 })).to.equal(true);
    });
  });

  describe('ICMP (RFC 9293 §3.9.2.2, RFC 5927, icmp.ts)', () => {
    it('parseIcmpError reads what buildIcmpErrorFor builds (ICMPv4 and ICMPv6); a bad checksum is not read', () => {
      for (const family of [4, 6] as const) {
        const h = new Harness({}, family);
        const [seg] = h.open(19, 500);
        const bytes = buildIcmpErrorFor({ src: h.me, dst: h.ref, type: family === 4 ? 3 : 2, code: family === 4 ? 4 : 0, mtu: 1300, quoted: seg!.bytes });
        const m = parseIcmpError(bytes)!;
        expect([m.family, m.type, m.mtu, m.quoted.src, m.quoted.protocol, m.quotedLength]).to.deep.equal([family, family === 4 ? 3 : 2, 1300, h.ref, 6, seg!.bytes.length]);
        expect(new DataView(m.quotedPayload.buffer, m.quotedPayload.byteOffset).getUint32(4)).to.equal(seg!.tcp.seq);
        const bad = bytes.slice();
        bad[bad.length - 1]! ^= 1;
        expect(parseIcmpError(bad)).to.equal(undefined);
      }
    });

    it('soft errors (Destination Unreachable 0, 1, 5, Time Exceeded, Parameter Problem) never abort (MUST-56); the error is reported if the connection later times out', () => {
      const h = new Harness();
      const [seg] = h.open(19, 500, 500);
      for (const [type, code] of [[3, 0], [3, 1], [3, 5], [11, 0], [12, 0]] as const) expect(h.icmp(seg!, type, code)).to.deep.equal([]);
      const t = h.tcb(19)!;
      expect([t.state, t.softError]).to.deep.equal(['FIN-WAIT-1', 'EPROTO']);
      h.icmp(seg!, 3, 1);
      h.after(300_000);
      expect(t.error).to.equal('EHOSTUNREACH');
    });

    it('Source Quench is silently discarded (MUST-55, RFC 6633): cwnd unchanged', () => {
      const h = new Harness();
      const segs = h.open(19, 500);
      const t = h.tcb(19)!;
      h.icmp(segs[1]!, 4, 0);
      expect([t.cwnd, t.softError]).to.deep.equal([2000, undefined]);
    });

    it('a hard error (port unreachable) aborts with a RST (SHLD-26); with icmpHardErrors "report" it is only reported', () => {
      const h = new Harness();
      const segs = h.open(19, 500);
      const t = h.tcb(19)!;
      expect(h.rows(h.icmp(segs[1]!, 3, 3))).to.deep.equal(['R 2001 0']);
      expect([t.state, t.error]).to.deep.equal(['CLOSED', 'ECONNREFUSED']);
      const r = new Harness({ icmpHardErrors: 'report' });
      const rs = r.open(19, 500);
      expect(r.icmp(rs[1]!, 3, 2)).to.deep.equal([]);
      expect([r.tcb(19)!.state, r.tcb(19)!.softError]).to.deep.equal(['FIN-WAIT-1', 'ECONNREFUSED']);
    });

    it('RFC 5927 §4.1: an error quoting a sequence number outside SND.UNA..SND.NXT-1 is ignored', () => {
      const h = new Harness();
      const segs = h.open(19, 500);
      h.ack(19, 1001);
      expect(h.icmp(segs[0]!, 3, 3)).to.deep.equal([]);
      expect(h.tcb(19)!.state).to.equal('FIN-WAIT-1');
    });

    it('a hard error in SYN-SENT ends the connection attempt (ECONNREFUSED), without a RST', () => {
      const h = new Harness();
      const t = h.stack.connect(h.me, 47012);
      const syn = h.out.at(-1)!;
      expect(h.icmp(syn, 3, 3)).to.deep.equal([]);
      expect([t.state, t.error]).to.deep.equal(['CLOSED', 'ECONNREFUSED']);
    });

    it('fragmentation needed (RFC 1191): the MSS shrinks to the MTU, the flight goes again at once in the smaller size, cwnd untouched; later connections to that address start small', () => {
      const h = new Harness();
      const segs = h.open(19, 1460);
      expect(h.rows(segs)).to.deep.equal(['A 1 1460', 'A 1461 1460', 'A 2921 1460']);
      const t = h.tcb(19)!;
      expect(h.rows(h.icmp(segs[2]!, 3, 4, 1400))).to.deep.equal(['A 1 1360', 'A 1361 1360', 'A 2721 1360', 'A 4081 300']);
      expect([t.sndMss, t.cwnd]).to.deep.equal([1360, 4380]);
      // Not an increase, not again for the same MTU.
      expect(h.icmp(segs[2]!, 3, 4, 1500)).to.deep.equal([]);
      h.open(19, 1460, 65535, SPORT + 1);
      expect(h.tcb(19, SPORT + 1)!.sndMss).to.equal(1360);
    });

    it('PMTU bounds: no next-hop MTU means the plateau below the datagram (RFC 1191 §5); never below 68 (IPv4); an IPv6 report under 1280 is discarded (RFC 8201)', () => {
      expect(plateauBelow(1500)).to.equal(1492);
      expect(plateauBelow(576)).to.equal(508);
      expect(newPathMtu(4, 40, 1500)).to.equal(68);
      expect(newPathMtu(4, 1500, 1500)).to.equal(undefined);
      expect(newPathMtu(6, 1000, 1500)).to.equal(undefined);
      expect(newPathMtu(6, 1280, 1500)).to.equal(1280);
      const h = new Harness();
      const segs = h.open(19, 1460);
      h.icmp(segs[0]!, 3, 4, 0);
      expect(h.tcb(19)!.sndMss).to.equal(1492 - 40);
    });

    it('ICMPv6 packet too big (RFC 8201): MTU 1280 gives segments of 1220; port unreachable (code 4) aborts', () => {
      const h = new Harness({}, 6);
      const segs = h.open(19, 1440);
      h.icmp(segs[0]!, 2, 0, 1000);
      expect(h.tcb(19)!.sndMss).to.equal(1440);
      expect(h.rows(h.icmp(segs[0]!, 2, 0, 1280))[0]).to.equal('A 1 1220');
      expect(h.rows(h.icmp(segs[0]!, 1, 4))).to.deep.equal([`R ${h.rel(h.out.at(-1)!) + h.out.at(-1)!.payload.length} 0`]);
    });
  });
});
