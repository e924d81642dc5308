/**
 * The reference stack's state machine, segment by segment: a VirtualClock moved by hand, packets
 * built with the wire codec, and every packet the stack sends decoded.
 */
import { expect } from 'chai';
import { acceptable } from '../../src/reference/index.js';
import { buildPacket, type Packet } from '../../src/wire/packet.js';
import type { TcpOption } from '../../src/wire/options.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { seqAdd } from '../../src/wire/seq.js';
import { ISN, StackHarness } from './harness.js';

const ME = '10.77.0.1';
const REF = '10.77.0.2';

class Harness extends StackHarness {
  /** Handshake to `port`; returns the stack's ISS. */
  open(port: number, options: TcpOption[] = []): number {
    const [sa] = this.send(port, Flag.SYN, ISN, 0, { options });
    expect(flagLetters(sa!.tcp.flags)).to.equal('SA');
    this.send(port, Flag.ACK, ISN + 1, seqAdd(sa!.tcp.seq, 1));
    expect(this.tcb(port)?.state).to.equal('ESTABLISHED');
    return sa!.tcp.seq;
  }
}

const row = (p: Packet): string => `${flagLetters(p.tcp.flags)} ${p.tcp.seq} ${p.tcp.ack} ${p.payload.length}`;

describe('reference stack: the state machine', () => {
  describe('sequence number acceptability (RFC 9293 §3.10.7.4, the four cases)', () => {
    it('length 0, window 0: only SEG.SEQ = RCV.NXT', () => {
      expect(acceptable(100, 0, 100, 0)).to.equal(true);
      expect(acceptable(101, 0, 100, 0)).to.equal(false);
    });
    it('length 0, window > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND', () => {
      expect(acceptable(100, 0, 100, 10)).to.equal(true);
      expect(acceptable(109, 0, 100, 10)).to.equal(true);
      expect(acceptable(110, 0, 100, 10)).to.equal(false);
      expect(acceptable(99, 0, 100, 10)).to.equal(false);
    });
    it('length > 0, window 0: never', () => {
      expect(acceptable(100, 5, 100, 0)).to.equal(false);
    });
    it('length > 0, window > 0: the first or the last byte in the window', () => {
      expect(acceptable(95, 10, 100, 10)).to.equal(true); // ends inside
      expect(acceptable(109, 10, 100, 10)).to.equal(true); // starts inside
      expect(acceptable(90, 10, 100, 10)).to.equal(false); // all old
      expect(acceptable(110, 1, 100, 10)).to.equal(false); // past the window
    });
    it('works across the wrap of sequence space', () => {
      expect(acceptable(2, 0, 0xffff_fff0, 100)).to.equal(true);
      expect(acceptable(0xffff_ffe0, 0, 0xffff_fff0, 100)).to.equal(false);
    });
  });

  describe('no connection (RFC 9293 §3.10.7.1)', () => {
    it('a SYN gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (the SYN and its data count)', () => {
      const h = new Harness();
      expect(h.send(5999, Flag.SYN, ISN).map(row)).to.deep.equal([`RA 0 ${ISN + 1} 0`]);
      expect(h.send(5999, Flag.SYN, ISN, 0, { payload: 'abcd' }).map(row)).to.deep.equal([`RA 0 ${ISN + 5} 0`]);
    });
    it('an ACK gets a bare <SEQ=SEG.ACK><CTL=RST>', () => {
      const h = new Harness();
      expect(h.send(5999, Flag.ACK, ISN, 0x5eed1234).map(row)).to.deep.equal([`R ${0x5eed1234} 0 0`]);
    });
    it('a RST gets nothing', () => {
      const h = new Harness();
      expect(h.send(5999, Flag.RST, ISN)).to.deep.equal([]);
      expect(h.send(5999, Flag.RST | Flag.ACK, ISN, 5)).to.deep.equal([]);
    });
  });

  describe('LISTEN (§3.10.7.2)', () => {
    it('ignores a RST, refuses an ACK with <SEQ=SEG.ACK><CTL=RST>, answers a SYN with SYN/ACK and our MSS', () => {
      const h = new Harness();
      expect(h.send(9, Flag.RST, ISN)).to.deep.equal([]);
      expect(h.send(9, Flag.ACK, ISN, 777).map(row)).to.deep.equal(['R 777 0 0']);
      const [sa] = h.send(9, Flag.SYN, ISN);
      expect(flagLetters(sa!.tcp.flags)).to.equal('SA');
      expect(sa!.tcp.ack).to.equal(ISN + 1);
      expect(sa!.tcp.options).to.deep.equal([{ kind: 'mss', value: 1460 }]);
      expect(h.tcb(9)?.state).to.equal('SYN-RECEIVED');
    });
    it('a bad ACK in SYN-RECEIVED gets <SEQ=SEG.ACK><CTL=RST> and the connection stays', () => {
      const h = new Harness();
      h.send(9, Flag.SYN, ISN);
      expect(h.send(9, Flag.ACK, ISN + 1, 12345).map(row)).to.deep.equal(['R 12345 0 0']);
      expect(h.tcb(9)?.state).to.equal('SYN-RECEIVED');
    });
  });

  describe('MSS (RFC 9293 §3.7.1)', () => {
    it('536 without the option, the peer\'s value when smaller than ours, ours when larger', () => {
      for (const [options, want] of [[[], 536], [[{ kind: 'mss', value: 1000 }], 1000], [[{ kind: 'mss', value: 9000 }], 1460]] as const) {
        const h = new Harness();
        h.open(9, [...options]);
        expect(h.tcb(9)!.sndMss).to.equal(want);
      }
    });
  });

  describe('RST processing (RFC 5961 §3.2)', () => {
    it('a RST at exactly RCV.NXT resets the connection, silently', () => {
      const h = new Harness();
      h.open(9);
      expect(h.send(9, Flag.RST, ISN + 1)).to.deep.equal([]);
      expect(h.tcb(9)).to.equal(undefined);
    });
    it('a RST in the window but not at RCV.NXT gets a challenge ACK and the connection stays', () => {
      const h = new Harness();
      const iss = h.open(9);
      expect(h.send(9, Flag.RST, ISN + 101).map(row)).to.deep.equal([`A ${iss + 1} ${ISN + 1} 0`]);
      expect(h.tcb(9)?.state).to.equal('ESTABLISHED');
    });
    it('a RST outside the window is dropped without an answer', () => {
      const h = new Harness();
      h.open(9);
      expect(h.send(9, Flag.RST, ISN + 1 + 70000)).to.deep.equal([]);
      expect(h.tcb(9)?.state).to.equal('ESTABLISHED');
    });
    it('without RFC 5961, any RST in the window resets', () => {
      const h = new Harness({ rfc5961: false });
      h.open(9);
      expect(h.send(9, Flag.RST, ISN + 101)).to.deep.equal([]);
      expect(h.tcb(9)).to.equal(undefined);
    });
  });

  describe('SYN in a synchronized state (RFC 5961 §4) and the ACK range check (§5)', () => {
    it('a SYN gets a challenge ACK whatever its sequence number; the connection stays', () => {
      const h = new Harness();
      const iss = h.open(9);
      expect(h.send(9, Flag.SYN, ISN + 1001).map(row)).to.deep.equal([`A ${iss + 1} ${ISN + 1} 0`]);
      expect(h.tcb(9)?.state).to.equal('ESTABLISHED');
    });
    it('challenge ACKs are rate limited (§7): at most challengeAckLimit per window', () => {
      const h = new Harness({ challengeAckLimit: 2, challengeAckWindowMs: 1000 });
      h.open(9);
      const answers = [101, 201, 301].map((d) => h.send(9, Flag.RST, ISN + d).length);
      expect(answers).to.deep.equal([1, 1, 0]);
      h.after(1000);
      expect(h.send(9, Flag.RST, ISN + 401)).to.have.length(1);
    });
    it('an ACK of data never sent is answered with an ACK and dropped (its text not taken)', () => {
      const h = new Harness();
      const iss = h.open(9);
      expect(h.send(9, Flag.ACK | Flag.PSH, ISN + 1, iss + 500, { payload: 'xx' }).map(row)).to.deep.equal([`A ${iss + 1} ${ISN + 1} 0`]);
      expect(h.tcb(9)!.rcvNxt).to.equal(ISN + 1);
    });
    it('an ACK older than SND.UNA - MAX.SND.WND is answered and dropped', () => {
      const h = new Harness();
      const iss = h.open(9);
      expect(h.send(9, Flag.ACK | Flag.PSH, ISN + 1, iss - 70000, { payload: 'xx' }).map(row)).to.deep.equal([`A ${iss + 1} ${ISN + 1} 0`]);
      expect(h.tcb(9)!.rcvNxt).to.equal(ISN + 1);
    });
  });

  describe('delayed ACK (RFC 9293 §3.8.6.3)', () => {
    it('one small segment is acknowledged after delayedAckMs, not at once', () => {
      const h = new Harness();
      const iss = h.open(9);
      expect(h.send(9, Flag.ACK | Flag.PSH, ISN + 1, iss + 1, { payload: 'hello' }).length).to.equal(0);
      expect(h.after(199)).to.deep.equal([]);
      expect(h.after(1).map((p) => p.tcp.ack)).to.deep.equal([ISN + 6]);
    });
    it('the second full-sized segment is acknowledged at once', () => {
      const h = new Harness();
      const iss = h.open(9, [{ kind: 'mss', value: 1460 }]);
      const full = 'x'.repeat(1460);
      expect(h.send(9, Flag.ACK, ISN + 1, iss + 1, { payload: full })).to.deep.equal([]);
      expect(h.send(9, Flag.ACK, ISN + 1461, iss + 1, { payload: full }).map((p) => p.tcp.ack)).to.deep.equal([ISN + 2921]);
    });
    it('with delayedAck off, every segment is acknowledged at once', () => {
      const h = new Harness({ delayedAck: false });
      const iss = h.open(9);
      expect(h.send(9, Flag.ACK | Flag.PSH, ISN + 1, iss + 1, { payload: 'hello' }).map((p) => p.tcp.ack)).to.deep.equal([ISN + 6]);
    });
  });

  describe('retransmission (RFC 6298)', () => {
    it('a SYN is sent again after 1 s, 2 s, 4 s (doubling); after the handshake the RTO is 3 s (§5.7)', () => {
      const h = new Harness();
      const tcb = h.stack.connect(ME, 7777);
      const times: number[] = [];
      for (let t = 0; t < 8000; t += 100) for (const p of h.after(100)) if (p.tcp.flags === Flag.SYN) times.push(h.clock.now());
      expect(times).to.deep.equal([1000, 3000, 7000]);
      const syn = h.out[0]!;
      h.stack.input(buildPacket({ ip: { src: ME, dst: REF }, tcp: { srcPort: 7777, dstPort: tcb.localPort, seq: 5000, ack: syn.tcp.seq + 1, flags: Flag.SYN | Flag.ACK, window: 65535 } }));
      expect(tcb.state).to.equal('ESTABLISHED');
      // Karn: the retransmitted SYN gave no sample; §5.7 puts the RTO at 3 s.
      expect(tcb.smoothedRtt).to.equal(undefined);
      expect(tcb.currentRto).to.equal(3000);
    });
    it('a measured RTT sets SRTT and the RTO, never under the 1 s floor; backoff doubles up to 60 s', () => {
      const h = new Harness({ r2Ms: 1_000_000 });
      const iss = h.open(9);
      const tcb = h.tcb(9)!;
      // The handshake's SYN/ACK was answered at once: the first sample is 0 ms.
      expect(tcb.smoothedRtt).to.equal(0);
      tcb.write(new TextEncoder().encode('data'));
      h.after(100);
      h.send(9, Flag.ACK, ISN + 1, iss + 5);
      // SRTT = 7/8 * 0 + 1/8 * 100; RTTVAR = 3/4 * 0 + 1/4 * 100; RTO = 12.5 + 4 * 25 = 112.5, floored to 1 s.
      expect(tcb.smoothedRtt).to.equal(12.5);
      expect(tcb.currentRto).to.equal(1000);
      tcb.write(new TextEncoder().encode('more'));
      const gaps: number[] = [];
      let last = h.clock.now();
      for (let i = 0; i < 9; i++) {
        const before = h.out.length;
        for (let n = 0; h.out.length === before && n < 10_000; n++) h.clock.advance(100);
        gaps.push(h.clock.now() - last);
        last = h.clock.now();
      }
      expect(gaps).to.deep.equal([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    });
  });

  describe('Nagle (RFC 9293 §3.7.4)', () => {
    it('a second small write waits for the ACK of the first; with TCP_NODELAY it goes at once', () => {
      for (const nodelay of [false, true]) {
        const h = new Harness();
        const iss = h.open(9);
        const tcb = h.tcb(9)!;
        tcb.nodelay = nodelay;
        const sent = h.out.length;
        tcb.write(new TextEncoder().encode('a'));
        tcb.write(new TextEncoder().encode('b'));
        expect(h.out.slice(sent).map((p) => p.payload.length)).to.deep.equal(nodelay ? [1, 1] : [1]);
        if (!nodelay) expect(h.send(9, Flag.ACK, ISN + 1, iss + 2).map((p) => new TextDecoder().decode(p.payload))).to.deep.equal(['b']);
      }
    });
  });

  describe('closing', () => {
    it('daytime: data, FIN; after the peer\'s FIN, TIME-WAIT for 2 MSL, then gone', () => {
      const h = new Harness({ mslMs: 1000 });
      const [sa] = h.send(13, Flag.SYN, ISN);
      const iss = sa!.tcp.seq;
      const got = h.send(13, Flag.ACK, ISN + 1, iss + 1).map(row);
      expect(got.map((r) => r.split(' ')[0])).to.deep.equal(['PA', 'FA']);
      expect(h.tcb(13)?.state).to.equal('FIN-WAIT-1');
      h.send(13, Flag.ACK, ISN + 1, iss + 24);
      expect(h.tcb(13)?.state).to.equal('FIN-WAIT-2');
      expect(h.send(13, Flag.FIN | Flag.ACK, ISN + 1, iss + 24).map(row)).to.deep.equal([`A ${iss + 24} ${ISN + 2} 0`]);
      expect(h.tcb(13)?.state).to.equal('TIME-WAIT');
      // The FIN again: acknowledged again.
      expect(h.send(13, Flag.FIN | Flag.ACK, ISN + 1, iss + 24).map(row)).to.deep.equal([`A ${iss + 24} ${ISN + 2} 0`]);
      h.after(1999);
      expect(h.tcb(13)?.state).to.equal('TIME-WAIT');
      h.after(1);
      expect(h.tcb(13)).to.equal(undefined);
    });
    it('simultaneous close: FIN-WAIT-1, the peer\'s FIN, CLOSING, its ACK, TIME-WAIT', () => {
      const h = new Harness();
      const iss = h.open(9);
      const tcb = h.tcb(9)!;
      tcb.close();
      expect(tcb.state).to.equal('FIN-WAIT-1');
      h.send(9, Flag.FIN | Flag.ACK, ISN + 1, iss + 1);
      expect(tcb.state).to.equal('CLOSING');
      h.send(9, Flag.ACK, ISN + 2, iss + 2);
      expect(tcb.state).to.equal('TIME-WAIT');
    });
    it('passive close: CLOSE-WAIT, then LAST-ACK (the ACK of the FIN rides on ours), then CLOSED on the ACK of our FIN', () => {
      const h = new Harness();
      const iss = h.open(7);
      // The echo service closes as soon as it sees the end: its FIN carries the ACK of ours.
      expect(h.send(7, Flag.FIN | Flag.ACK, ISN + 1, iss + 1).map(row)).to.deep.equal([`FA ${iss + 1} ${ISN + 2} 0`]);
      expect(h.tcb(7)?.state).to.equal('LAST-ACK');
      h.send(7, Flag.ACK, ISN + 2, iss + 2);
      expect(h.tcb(7)).to.equal(undefined);
    });
    it('a FIN the application does not answer at once is acknowledged at once (CLOSE-WAIT)', () => {
      const h = new Harness();
      const iss = h.open(2003);
      expect(h.send(2003, Flag.FIN | Flag.ACK, ISN + 1, iss + 1).map(row)).to.deep.equal([`A ${iss + 1} ${ISN + 2} 0`]);
      expect(h.tcb(2003)?.state).to.equal('CLOSE-WAIT');
    });
  });
});
