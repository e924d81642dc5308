/**
 * The reference stack's application and IP-level features, segment by segment: the lab-apps of
 * lab/apps.c (small receive buffers, urgent data, a slow reader, pieces), the puppet's socket
 * options (IP_TOS, SO_RCVBUF, MSG_OOB...), ECN (RFC 3168), Fast Open (RFC 7413) and return source
 * routes (RFC 1122 §4.2.3.8). A VirtualClock moved by hand; every packet the stack sends decoded.
 */
import { expect } from 'chai';
import { ECN_CE, ECN_ECT0, fastOpenCookie, ReferencePuppet, referenceSettings, returnRoute, STALL_RCVBUF, urgentSignalled, type ReferenceSettings } from '../../src/reference/index.js';
import type { Packet } from '../../src/wire/packet.js';
import type { TcpOption } from '../../src/wire/options.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { seqAdd } from '../../src/wire/seq.js';
import { pendingHops, sourceRouteOf } from '../../src/wire/route.js';
import { ISN, SPORT, StackHarness, type SendOpts } from './harness.js';

const ME = '10.77.0.1';
const REF = '10.77.0.2';

class Harness extends StackHarness {
  /** Handshake to `port`; returns the stack's ISS. */
  open(port: number, o: SendOpts & { flags?: number } = {}): number {
    const [sa] = this.send(port, o.flags ?? Flag.SYN, ISN, 0, o);
    expect(sa!.tcp.flags & (Flag.SYN | Flag.ACK)).to.equal(Flag.SYN | Flag.ACK);
    this.send(port, Flag.ACK, ISN + 1, seqAdd(sa!.tcp.seq, 1), { ...o, options: undefined, payload: undefined });
    expect(this.tcb(port)?.state).to.equal('ESTABLISHED');
    return sa!.tcp.seq;
  }
}

const row = (p: Packet): string => `${flagLetters(p.tcp.flags)} ${p.tcp.seq} ${p.tcp.ack} ${p.payload.length}`;
const text = (p: Packet): string => new TextDecoder().decode(p.payload);
const ipv4 = (p: Packet): { dscp: number; ecn: number; options: Uint8Array; dst: string } => p.ip as never;
const PIECE = 'z'.repeat(200);

/** Fills the stall/trickle application's 2048-byte buffer with 200-byte pieces (our MSS 200); returns RCV.NXT. */
function fill(h: Harness, port: number, iss: number): number {
  let nxt = ISN + 1;
  for (let i = 0; i < 11; i++) {
    h.send(port, Flag.ACK | Flag.PSH, nxt, seqAdd(iss, 1), { payload: PIECE });
    nxt = h.tcb(port)!.rcvNxt;
    h.after(200);
  }
  expect(nxt).to.equal(ISN + 1 + STALL_RCVBUF);
  return nxt;
}

describe('reference stack: applications and IP-level features', () => {
  describe('SO_RCVBUF, a zero window and urgent data (lab-apps 2011 stall)', () => {
    it('the listener\'s 2048-byte buffer is the window of the SYN/ACK', () => {
      const h = new Harness();
      const [sa] = h.send(2011, Flag.SYN, ISN, 0, { options: [{ kind: 'mss', value: 200 }] });
      expect(sa!.tcp.window).to.equal(STALL_RCVBUF);
      // Other ports keep the stack's buffer.
      expect(h.send(9, Flag.SYN, ISN)[0]!.tcp.window).to.equal(65535);
    });

    it('data beyond the window is acknowledged at once, with the window (RFC 9293 §3.10.7.4 first check)', () => {
      const h = new Harness();
      const iss = h.open(2011, { options: [{ kind: 'mss', value: 200 }] });
      const nxt = fill(h, 2011, iss);
      const answer = h.send(2011, Flag.ACK | Flag.PSH, nxt, seqAdd(iss, 1), { payload: PIECE });
      expect(answer.map(row)).to.deep.equal([`A ${iss + 1} ${nxt} 0`]);
      expect(answer[0]!.tcp.window).to.equal(0);
    });

    it('a RST at RCV.NXT resets the connection even with the window zero (MUST-66)', () => {
      const h = new Harness();
      const iss = h.open(2011, { options: [{ kind: 'mss', value: 200 }] });
      const nxt = fill(h, 2011, iss);
      expect(h.send(2011, Flag.RST, nxt)).to.deep.equal([]);
      expect(h.tcb(2011)).to.equal(undefined);
    });

    it('URG with the window zero: the octet is not taken, the application learns of urgent data and writes "urgent\\n" at its next look', () => {
      const h = new Harness();
      const iss = h.open(2011, { options: [{ kind: 'mss', value: 200 }] });
      const nxt = fill(h, 2011, iss);
      const tcb = h.tcb(2011)!;
      expect(urgentSignalled(tcb)).to.equal(false);
      const ack = h.send(2011, Flag.URG | Flag.ACK | Flag.PSH, nxt, seqAdd(iss, 1), { payload: '!', urgent: 1 });
      expect(ack.map(row)).to.deep.equal([`A ${iss + 1} ${nxt} 0`]);
      expect(tcb.rcvUp).to.equal(nxt + 1);
      expect(urgentSignalled(tcb)).to.equal(true);
      const later = h.after(20);
      expect(later.map(row)).to.deep.equal([`PA ${iss + 1} ${nxt} 7`]);
      expect(text(later[0]!)).to.equal('urgent\n');
    });

    it('SEG.UP counts from the segment\'s own sequence number, before old octets are trimmed away', () => {
      const h = new Harness();
      const iss = h.open(9);
      h.send(9, Flag.ACK, ISN + 1, iss + 1, { payload: 'abcd' });
      // Starts 4 octets back (old), 8 long, URG pointer 6: the urgent data ends at ISN + 1 + 6.
      h.send(9, Flag.URG | Flag.ACK, ISN + 1, iss + 1, { payload: 'abcdefgh', urgent: 6 });
      expect(h.tcb(9)!.rcvUp).to.equal(ISN + 1 + 6);
    });

    it('the stall application closes after 10 s, resetting (its data unread)', () => {
      const h = new Harness();
      h.open(2011, { options: [{ kind: 'mss', value: 200 }] });
      h.send(2011, Flag.ACK | Flag.PSH, ISN + 1, h.tcb(2011)!.sndNxt, { payload: 'x' });
      expect(flagLetters(h.after(10_000).at(-1)!.tcp.flags)).to.equal('R');
    });
  });

  describe('receiver SWS avoidance (RFC 9293 §3.8.6.2.2, MUST-39; lab-apps 2012 trickle)', () => {
    it('after 1 s without growth it reads 25 bytes every 20 ms; the window reopens only by min(RCV.BUFF/2, Eff.snd.MSS) = 200', () => {
      const h = new Harness();
      const iss = h.open(2012, { options: [{ kind: 'mss', value: 200 }] });
      fill(h, 2012, iss);
      const tcb = h.tcb(2012)!;
      expect(tcb.rbuf.length).to.equal(STALL_RCVBUF);
      expect(h.after(800)).to.deep.equal([]);
      expect(tcb.rbuf.length).to.equal(STALL_RCVBUF);
      // Reading has started (1 s without growth, the fill's last 200 ms included); 7 reads of 25: 175 bytes, no update yet.
      h.after(100);
      expect(tcb.rbuf.length).to.be.lessThan(STALL_RCVBUF);
      const updates: Packet[] = [];
      for (let i = 0; i < 12 && !updates.length; i++) updates.push(...h.after(20));
      expect(updates).to.have.length(1);
      expect(updates[0]!.tcp.window).to.equal(200);
      expect(STALL_RCVBUF - tcb.rbuf.length).to.equal(200);
    });
  });

  describe('pushes collapse (RFC 9293 §3.9.1.2 SHLD-27; lab-apps 2013 pieces)', () => {
    it('ten pushed 100-byte writes behind a zero window leave as one 1000-byte segment with PSH', () => {
      const h = new Harness();
      const [sa] = h.send(2013, Flag.SYN, ISN, 0, { window: 0, options: [{ kind: 'mss', value: 1460 }] });
      const iss = sa!.tcp.seq;
      expect(h.send(2013, Flag.ACK, ISN + 1, iss + 1, { window: 0 })).to.deep.equal([]);
      expect(h.tcb(2013)!.sendQueued).to.equal(1000);
      const out = h.send(2013, Flag.ACK, ISN + 1, iss + 1, { window: 4000 });
      expect(out.map(row)).to.deep.equal([`PA ${iss + 1} ${ISN + 1} 1000`]);
      expect(text(out[0]!)).to.equal(Array.from({ length: 10 }, (_, k) => String(k).repeat(100)).join(''));
    });
  });

  describe('urgent data sent (RFC 9293 §3.8.5 MUST-30, RFC 6093)', () => {
    it('URG and a pointer to the octet after the urgent data on every segment before it, until it is acknowledged', () => {
      const h = new Harness();
      const iss = h.open(7);
      const tcb = h.tcb(7)!;
      tcb.extras.sndUp = iss + 1 + 7;
      tcb.write(new TextEncoder().encode('urgent!'));
      const [seg] = h.out.slice(-1);
      expect(row(seg!)).to.equal(`PAU ${iss + 1} ${ISN + 1} 7`);
      expect(seg!.tcp.urgent).to.equal(7);
      // Acknowledged: the mode ends; later data carries no URG.
      h.send(7, Flag.ACK, ISN + 1, iss + 8);
      tcb.write(new TextEncoder().encode('x'));
      expect(flagLetters(h.out.at(-1)!.tcp.flags)).to.equal('PA');
      expect(h.out.at(-1)!.tcp.urgent).to.equal(0);
    });
  });

  describe('ECN (RFC 3168 §6.1)', () => {
    const ECN_SYN = Flag.SYN | Flag.ECE | Flag.CWR;
    it('an ECN-setup SYN gets an ECN-setup SYN/ACK (ECE, not CWR), not ECT; a plain SYN a plain one', () => {
      const h = new Harness();
      const [sa] = h.send(9, ECN_SYN, ISN);
      expect(flagLetters(sa!.tcp.flags)).to.equal('SAE');
      expect(ipv4(sa!).ecn).to.equal(0);
      const [plain] = h.send(9, Flag.SYN, ISN, 0, { sport: SPORT + 1 });
      expect(flagLetters(plain!.tcp.flags)).to.equal('SA');
    });
    it('with the setting off, an ECN-setup SYN gets a plain SYN/ACK', () => {
      const h = new Harness({ ecn: false });
      expect(flagLetters(h.send(9, ECN_SYN, ISN)[0]!.tcp.flags)).to.equal('SA');
    });
    it('CE on data: ECE on the ACKs until a CWR comes; pure ACKs are not-ECT', () => {
      const h = new Harness();
      const iss = h.open(9, { flags: ECN_SYN });
      h.send(9, Flag.ACK | Flag.PSH, ISN + 1, iss + 1, { payload: 'marked', ecn: ECN_CE });
      const [a1] = h.after(200);
      expect(row(a1!)).to.equal(`AE ${iss + 1} ${ISN + 7} 0`);
      expect(ipv4(a1!).ecn).to.equal(0);
      h.send(9, Flag.ACK | Flag.PSH, ISN + 7, iss + 1, { payload: 'again', ecn: ECN_ECT0 });
      expect(flagLetters(h.after(200)[0]!.tcp.flags)).to.equal('AE');
      h.send(9, Flag.ACK | Flag.PSH | Flag.CWR, ISN + 12, iss + 1, { payload: 'cwr', ecn: ECN_ECT0 });
      expect(flagLetters(h.after(200)[0]!.tcp.flags)).to.equal('A');
    });
    it('new data goes ECT(0), a retransmission not-ECT; ECE halves cwnd once per window and the next new data carries CWR', () => {
      const h = new Harness();
      const iss = h.open(7, { flags: ECN_SYN });
      const tcb = h.tcb(7)!;
      h.send(7, Flag.ACK | Flag.PSH, ISN + 1, iss + 1, { payload: 'a'.repeat(100) });
      const [echo] = h.out.slice(-1);
      expect(row(echo!)).to.equal(`PA ${iss + 1} ${ISN + 101} 100`);
      expect(ipv4(echo!).ecn).to.equal(ECN_ECT0);
      const [rtx] = h.after(1000);
      expect(row(rtx!)).to.equal(`PA ${iss + 1} ${ISN + 101} 100`);
      expect(ipv4(rtx!).ecn).to.equal(0);
      // The timeout reduced the window: the first new data packet after it says so.
      h.send(7, Flag.ACK | Flag.ECE, ISN + 101, iss + 101);
      const cwnd = tcb.cwnd;
      tcb.write(new TextEncoder().encode('b'));
      expect(flagLetters(h.out.at(-1)!.tcp.flags)).to.equal('PAW');
      // ECE: halved once (the data in flight not yet acknowledged: a second ECE does nothing).
      const h2 = new Harness();
      const iss2 = h2.open(7, { flags: ECN_SYN, options: [{ kind: 'mss', value: 1460 }] });
      const t2 = h2.tcb(7)!;
      t2.nodelay = true;
      t2.write(new TextEncoder().encode('c'.repeat(1000)));
      const before = t2.cwnd;
      h2.send(7, Flag.ACK | Flag.ECE, ISN + 1, iss2 + 501);
      expect(t2.cwnd).to.equal(Math.floor(before / 2));
      expect(t2.ssthresh).to.equal(2 * t2.sndMss);
      h2.send(7, Flag.ACK | Flag.ECE, ISN + 1, iss2 + 601);
      expect(t2.cwnd).to.equal(Math.floor(before / 2));
      t2.write(new TextEncoder().encode('d'));
      const last = h2.out.at(-1)!;
      expect(flagLetters(last.tcp.flags)).to.equal('PAW');
      expect(ipv4(last).ecn).to.equal(ECN_ECT0);
      expect(cwnd).to.be.greaterThan(0);
    });
    it('without ECN agreed, nothing is marked and ECE is ignored', () => {
      const h = new Harness();
      const iss = h.open(7);
      const tcb = h.tcb(7)!;
      h.send(7, Flag.ACK | Flag.PSH, ISN + 1, iss + 1, { payload: 'x', ecn: ECN_CE });
      const [echo] = h.out.slice(-1);
      expect(flagLetters(echo!.tcp.flags)).to.equal('PA');
      expect(ipv4(echo!).ecn).to.equal(0);
      const cwnd = tcb.cwnd;
      h.send(7, Flag.ACK | Flag.ECE, ISN + 2, iss + 1);
      expect(tcb.cwnd).to.equal(cwnd);
    });
    it('ecnActive: an active open sends an ECN-setup SYN, and an ECN-setup SYN/ACK agrees ECN', () => {
      const h = new Harness({ ecnActive: true });
      const tcb = h.stack.connect(ME, 5555);
      const syn = h.out.at(-1)!;
      expect(flagLetters(syn.tcp.flags)).to.equal('SEW');
      h.send(tcb.localPort, Flag.SYN | Flag.ACK | Flag.ECE, 777, seqAdd(syn.tcp.seq, 1), { sport: 5555 });
      expect(tcb.state).to.equal('ESTABLISHED');
      expect(tcb.extras.ecn.ok).to.equal(true);
    });
  });

  describe('TCP Fast Open, server side (RFC 7413; lab-apps 2014)', () => {
    const request: TcpOption = { kind: 'fastOpen', cookie: new Uint8Array(0) };
    const cookieOf = (p: Packet): Uint8Array | undefined => {
      const o = p.tcp.options.find((x) => x.kind === 'fastOpen');
      return o && o.kind === 'fastOpen' ? o.cookie : undefined;
    };
    it('a cookie request gets an 8-byte cookie, a MAC of the client address (the same each time, another for another address)', () => {
      const h = new Harness();
      const c1 = cookieOf(h.send(2014, Flag.SYN, ISN, 0, { options: [request] })[0]!);
      expect(c1).to.have.length(8);
      expect(cookieOf(h.send(2014, Flag.SYN, ISN, 0, { options: [request], sport: SPORT + 1 })[0]!)).to.deep.equal(c1);
      expect(fastOpenCookie(h.stack.settings, '10.77.0.201')).to.not.deep.equal(c1);
      expect(fastOpenCookie(referenceSettings({ fastOpenSecret: 'other' }), ME)).to.not.deep.equal(c1);
    });
    it('a listener without Fast Open, or the stack with it off, gives no cookie', () => {
      expect(cookieOf(new Harness().send(7, Flag.SYN, ISN, 0, { options: [request] })[0]!)).to.equal(undefined);
      expect(cookieOf(new Harness({ fastOpen: false }).send(2014, Flag.SYN, ISN, 0, { options: [request] })[0]!)).to.equal(undefined);
    });
    it('a valid cookie with data: the SYN/ACK acknowledges the data, which the echo returns after the handshake', () => {
      const h = new Harness();
      const cookie = fastOpenCookie(h.stack.settings, ME);
      const [sa] = h.send(2014, Flag.SYN, ISN, 0, { options: [{ kind: 'fastOpen', cookie }], payload: 'hello' });
      expect(row(sa!)).to.equal(`SA ${sa!.tcp.seq} ${ISN + 6} 0`);
      expect(cookieOf(sa!)).to.equal(undefined);
      const echo = h.send(2014, Flag.ACK, ISN + 6, sa!.tcp.seq + 1);
      expect(echo.map(row)).to.deep.equal([`PA ${sa!.tcp.seq + 1} ${ISN + 6} 5`]);
      expect(text(echo[0]!)).to.equal('hello');
    });
    it('an invalid cookie: the data is dropped, only the SYN acknowledged, and a valid cookie given back (unless the setting says not)', () => {
      const bad: TcpOption = { kind: 'fastOpen', cookie: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) };
      const h = new Harness();
      const [sa] = h.send(2014, Flag.SYN, ISN, 0, { options: [bad], payload: 'hello' });
      expect(sa!.tcp.ack).to.equal(ISN + 1);
      expect(cookieOf(sa!)).to.deep.equal(fastOpenCookie(h.stack.settings, ME));
      const h2 = new Harness({ fastOpenCookieOnInvalid: false });
      expect(cookieOf(h2.send(2014, Flag.SYN, ISN, 0, { options: [bad], payload: 'hello' })[0]!)).to.equal(undefined);
    });
  });

  describe('source routes (RFC 1122 §3.2.1.8, §4.2.3.8)', () => {
    const VIA_SPARE = Uint8Array.of(131, 7, 8, 10, 77, 0, 201, 0);
    const VIA_TWO = Uint8Array.of(131, 11, 12, 10, 77, 0, 99, 10, 77, 0, 201, 0);
    const route = (p: Packet): { dst: string; hops: readonly string[] } => {
      const r = sourceRouteOf(ipv4(p).options);
      return { dst: ipv4(p).dst, hops: r ? pendingHops(r) : [] };
    };
    it('the return route reverses the recorded one, ends at the sender, and never lists the sender twice', () => {
      expect(returnRoute(ME, REF, VIA_TWO)).to.deep.equal({ nextHop: '10.77.0.201', options: Uint8Array.of(131, 11, 4, 10, 77, 0, 99, 10, 77, 0, 1, 0) });
      // The sender recorded itself first: left out of the middle.
      expect(returnRoute(ME, REF, Uint8Array.of(131, 11, 12, 10, 77, 0, 1, 10, 77, 0, 201, 0))?.options).to.deep.equal(Uint8Array.of(131, 7, 4, 10, 77, 0, 1, 0));
      // Strict stays strict; a route not complete gives none.
      expect(returnRoute(ME, REF, Uint8Array.of(137, 7, 8, 10, 77, 0, 201, 0))?.options[0]).to.equal(137);
      expect(returnRoute(ME, REF, Uint8Array.of(131, 7, 4, 10, 77, 0, 201, 0))).to.equal(undefined);
      expect(returnRoute(ME, REF, Uint8Array.of(1, 1, 1, 0))).to.equal(undefined);
    });
    it('a source-routed SYN: the SYN/ACK and every later segment go back by the reversed route (MUST-53)', () => {
      const h = new Harness();
      const [sa] = h.send(9, Flag.SYN, ISN, 0, { ipOptions: VIA_SPARE });
      expect(route(sa!)).to.deep.equal({ dst: '10.77.0.201', hops: [ME] });
      h.send(9, Flag.ACK, ISN + 1, sa!.tcp.seq + 1);
      h.send(9, Flag.ACK | Flag.PSH, ISN + 1, sa!.tcp.seq + 1, { payload: 'routed' });
      expect(route(h.after(200)[0]!)).to.deep.equal({ dst: '10.77.0.201', hops: [ME] });
    });
    it('a later route overrides it (SHLD-24), unless the setting says not', () => {
      for (const [override, want] of [[true, ['10.77.0.99', ME]], [false, [ME]]] as const) {
        const h = new Harness({ sourceRouteOverride: override });
        const [sa] = h.send(9, Flag.SYN, ISN, 0, { ipOptions: VIA_SPARE });
        h.send(9, Flag.ACK, ISN + 1, sa!.tcp.seq + 1);
        h.send(9, Flag.ACK | Flag.PSH, ISN + 1, sa!.tcp.seq + 1, { payload: 'newer', ipOptions: VIA_TWO });
        expect(route(h.after(200)[0]!)).to.deep.equal({ dst: '10.77.0.201', hops: want });
      }
    });
    it('a source-routed SYN to a closed port is refused by the same way back', () => {
      const h = new Harness();
      const [rst] = h.send(5999, Flag.SYN, ISN, 0, { ipOptions: VIA_SPARE });
      expect(flagLetters(rst!.tcp.flags)).to.equal('RA');
      expect(route(rst!)).to.deep.equal({ dst: '10.77.0.201', hops: [ME] });
    });
  });

  describe('the puppet\'s options and urgent calls', () => {
    const setup = (settings: Partial<ReferenceSettings> = {}): { h: Harness; app: ReferencePuppet; call: (c: string, ...a: Array<string | number>) => Promise<{ ret: number; errno?: string; data?: Uint8Array }> } => {
      const h = new Harness(settings);
      const app = new ReferencePuppet(h.stack, h.clock);
      return { h, app, call: (c, ...a) => app.call(c, a) };
    };
    it('IP_TOS before connect: the SYN carries the DS field (MUST-48); changed later, the next segment carries the new one (SHLD-21)', async () => {
      const { h, call } = setup();
      const s = (await call('socket', 4)).ret;
      expect((await call('setsockopt', s, 'IP_TOS', 0x20)).ret).to.equal(0);
      expect((await call('getsockopt', s, 'IP_TOS')).ret).to.equal(0x20);
      expect((await call('setsockopt', s, 'IPV6_TCLASS', 0x20)).errno).to.equal('ENOPROTOOPT');
      await call('nonblock', s, 1);
      expect((await call('connect', s, ME, 5555)).errno).to.equal('EINPROGRESS');
      const syn = h.out.at(-1)!;
      expect(ipv4(syn).dscp).to.equal(8);
      h.send(syn.tcp.srcPort, Flag.SYN | Flag.ACK, 777, syn.tcp.seq + 1, { sport: 5555 });
      expect(ipv4(h.out.at(-1)!).dscp).to.equal(8);
      await call('setsockopt', s, 'IP_TOS', 0x48 | 3); // the ECN bits are not the application's
      await call('write', s, 3, '-');
      expect(ipv4(h.out.at(-1)!).dscp).to.equal(18);
      expect(ipv4(h.out.at(-1)!).ecn).to.equal(0);
    });
    it('SO_RCVBUF on a listener: the SYN/ACK announces it; TCP_MAXSEG: the MSS announced', async () => {
      const { h, call } = setup();
      const l = (await call('socket', 4)).ret;
      await call('bind', l, REF, 2100);
      await call('setsockopt', l, 'SO_RCVBUF', 3000);
      await call('setsockopt', l, 'TCP_MAXSEG', 1000);
      await call('listen', l, 5);
      const [sa] = h.send(2100, Flag.SYN, ISN);
      expect(sa!.tcp.window).to.equal(3000);
      expect(sa!.tcp.options).to.deep.equal([{ kind: 'mss', value: 1000 }]);
    });
    it('write MSG_OOB: URG with the pointer past the urgent data; read MSG_OOB: EINVAL with none, the last urgent octet once it came', async () => {
      const { h, call } = setup();
      const l = (await call('socket', 4)).ret;
      await call('bind', l, REF, 2100);
      await call('listen', l, 5);
      const [sa] = h.send(2100, Flag.SYN, ISN);
      h.send(2100, Flag.ACK, ISN + 1, sa!.tcp.seq + 1);
      const c = (await call('accept', l)).ret;
      expect((await call('read', c, 1, 'oob')).errno).to.equal('EINVAL');
      expect((await call('send', c, Buffer.from('urgent!').toString('hex'), 'oob')).ret).to.equal(7);
      const out = h.out.at(-1)!;
      expect(flagLetters(out.tcp.flags)).to.equal('PAU');
      expect(out.tcp.urgent).to.equal(7);
      // URG pointing 3 past a segment of 2: signalled, its last octet still to come.
      await call('nonblock', c, 1);
      h.send(2100, Flag.URG | Flag.ACK, ISN + 1, sa!.tcp.seq + 8, { payload: 'ab', urgent: 3 });
      expect((await call('read', c, 1, 'oob')).errno).to.equal('EAGAIN');
      h.send(2100, Flag.ACK, ISN + 3, sa!.tcp.seq + 8, { payload: 'c!' });
      const oob = await call('read', c, 1, 'oob');
      expect(oob.ret).to.equal(1);
      expect(new TextDecoder().decode(oob.data)).to.equal('c');
      // In-line as well.
      expect(new TextDecoder().decode((await call('read', c, 10, '-')).data)).to.equal('abc!');
      expect((await call('read', c, 1, 'oob')).errno).to.equal('EINVAL');
    });
    it('TCP_FASTOPEN on a puppet listener gives it Fast Open', async () => {
      const { h, call } = setup();
      const l = (await call('socket', 4)).ret;
      await call('bind', l, REF, 2100);
      await call('setsockopt', l, 'TCP_FASTOPEN', 16);
      await call('listen', l, 5);
      const [sa] = h.send(2100, Flag.SYN, ISN, 0, { options: [{ kind: 'fastOpen', cookie: new Uint8Array(0) }] });
      expect(sa!.tcp.options.some((o) => o.kind === 'fastOpen')).to.equal(true);
    });
    it('SO_SNDBUF: a non-blocking write takes what fits, then EAGAIN until data is acknowledged', async () => {
      const { h, call } = setup();
      const l = (await call('socket', 4)).ret;
      await call('bind', l, REF, 2100);
      await call('setsockopt', l, 'SO_SNDBUF', 100);
      await call('listen', l, 5);
      const [sa] = h.send(2100, Flag.SYN, ISN);
      h.send(2100, Flag.ACK, ISN + 1, sa!.tcp.seq + 1);
      const c = (await call('accept', l)).ret;
      await call('nonblock', c, 1);
      expect((await call('write', c, 150, '-')).ret).to.equal(100);
      expect((await call('write', c, 10, '-')).errno).to.equal('EAGAIN');
      h.send(2100, Flag.ACK, ISN + 1, sa!.tcp.seq + 101);
      expect((await call('write', c, 10, '-')).ret).to.equal(10);
    });
  });
});
