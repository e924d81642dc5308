/**
 * The reference stack's link layer for the lab's tap (ethernet.ts) and the impaired link
 * (impair.ts), frame by frame: ARP and neighbour discovery answered with the right bytes and
 * checksums, packets held until their neighbour is known, garbage counted and dropped.
 */
import { expect } from 'chai';
import { VirtualClock } from '../../src/engine/device.js';
import { EthernetHost, macBytes } from '../../src/reference/ethernet.js';
import { ImpairedLink, parseImpairment } from '../../src/reference/impair.js';
import { internetChecksum, pseudoHeaderSum } from '../../src/wire/checksum.js';
import { parseIpv6Address } from '../../src/wire/ipv6.js';
import { buildPacket } from '../../src/wire/packet.js';
import { Flag } from '../../src/wire/tcp.js';

const OUR_MAC = '02:77:00:00:00:02';
const THEIR_MAC = '42:00:00:00:00:01';

function harness() {
  const clock = new VirtualClock(1_700_000_000_000_000n, false);
  const out: Uint8Array[] = [];
  const delivered: Uint8Array[] = [];
  const host = new EthernetHost({ mac: OUR_MAC, ipv4: '10.77.0.2', ipv6: 'fd77::2', clock, transmit: (f) => out.push(f), deliver: (p) => delivered.push(p) });
  return { clock, out, delivered, host };
}

const frame = (dst: Uint8Array, src: Uint8Array, type: number, body: Uint8Array): Uint8Array => Uint8Array.from([...dst, ...src, type >> 8, type & 0xff, ...body]);

function arpRequest(senderIp: number[], targetIp: number[]): Uint8Array {
  return Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, ...macBytes(THEIR_MAC), ...senderIp, 0, 0, 0, 0, 0, 0, ...targetIp]);
}

/** An ICMPv6 neighbour solicitation from fd77::1 for `target`, with its source link-layer option. */
function solicitation(target: string): Uint8Array {
  const p = new Uint8Array(72);
  p[0] = 0x60;
  p[5] = 32;
  p[6] = 58;
  p[7] = 255;
  p.set(parseIpv6Address('fd77::1')!, 8);
  p.set(parseIpv6Address('ff02::1:ff00:2')!, 24);
  p[40] = 135;
  p.set(parseIpv6Address(target)!, 48);
  p[64] = 1;
  p[65] = 1;
  p.set(macBytes(THEIR_MAC), 66);
  const sum = internetChecksum(p, 40, 72, pseudoHeaderSum(p.subarray(8, 24), p.subarray(24, 40), 58, 32));
  p[42] = sum >> 8;
  p[43] = sum & 0xff;
  return p;
}

describe('reference on a tap: Ethernet, ARP, neighbour discovery', () => {
  it('answers an ARP request for its address with a reply from its MAC, and learns the asker', () => {
    const h = harness();
    h.host.input(frame(new Uint8Array(6).fill(0xff), macBytes(THEIR_MAC), 0x0806, arpRequest([10, 77, 0, 1], [10, 77, 0, 2])));
    expect(h.out).to.have.length(1);
    const r = h.out[0]!;
    expect([...r.subarray(0, 6)]).to.deep.equal([...macBytes(THEIR_MAC)]);
    expect([...r.subarray(6, 12)]).to.deep.equal([...macBytes(OUR_MAC)]);
    expect([...r.subarray(12, 14)]).to.deep.equal([0x08, 0x06]);
    const a = r.subarray(14);
    expect([...a.subarray(6, 8)], 'opcode reply').to.deep.equal([0, 2]);
    expect([...a.subarray(8, 14)]).to.deep.equal([...macBytes(OUR_MAC)]);
    expect([...a.subarray(14, 18)]).to.deep.equal([10, 77, 0, 2]);
    expect([...a.subarray(24, 28)]).to.deep.equal([10, 77, 0, 1]);
    expect(h.host.known.get('10.77.0.1')).to.equal(THEIR_MAC);
  });

  it('ignores an ARP request for another address (but learns its sender)', () => {
    const h = harness();
    h.host.input(frame(new Uint8Array(6).fill(0xff), macBytes(THEIR_MAC), 0x0806, arpRequest([10, 77, 0, 1], [10, 77, 0, 9])));
    expect(h.out).to.have.length(0);
  });

  it('answers a neighbour solicitation with a solicited advertisement whose ICMPv6 checksum verifies', () => {
    const h = harness();
    h.host.input(frame(Uint8Array.of(0x33, 0x33, 0xff, 0, 0, 2), macBytes(THEIR_MAC), 0x86dd, solicitation('fd77::2')));
    expect(h.out).to.have.length(1);
    const na = h.out[0]!.subarray(14);
    expect(na[7], 'hop limit').to.equal(255);
    expect(na[40], 'type').to.equal(136);
    expect(na[44]! & 0x60, 'solicited and override').to.equal(0x60);
    expect([...na.subarray(24, 40)]).to.deep.equal([...parseIpv6Address('fd77::1')!]);
    expect([...na.subarray(48, 64)]).to.deep.equal([...parseIpv6Address('fd77::2')!]);
    expect([...na.subarray(66, 72)], 'target link-layer option').to.deep.equal([...macBytes(OUR_MAC)]);
    expect(internetChecksum(na, 40, na.length, pseudoHeaderSum(na.subarray(8, 24), na.subarray(24, 40), 58, na.length - 40))).to.equal(0);
    expect(h.delivered).to.have.length(0);
  });

  it('drops a solicitation with a bad checksum or a hop limit other than 255 (RFC 4861 §7.1.1)', () => {
    const h = harness();
    const bad = solicitation('fd77::2');
    bad[43] = bad[43]! ^ 1;
    h.host.input(frame(Uint8Array.of(0x33, 0x33, 0xff, 0, 0, 2), macBytes(THEIR_MAC), 0x86dd, bad));
    const low = solicitation('fd77::2');
    low[7] = 64;
    h.host.input(frame(Uint8Array.of(0x33, 0x33, 0xff, 0, 0, 2), macBytes(THEIR_MAC), 0x86dd, low));
    expect(h.out).to.have.length(0);
  });

  it('holds a packet for an unknown neighbour, asks once (ARP), and sends it when the reply comes', () => {
    const h = harness();
    const syn = buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.1' }, tcp: { srcPort: 7, dstPort: 4000, seq: 1, ack: 0, flags: Flag.SYN, window: 100 } });
    h.host.output(syn);
    h.host.output(syn);
    expect(h.out, 'one request for two packets').to.have.length(1);
    expect([...h.out[0]!.subarray(0, 6)]).to.deep.equal([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const reply = Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 2, ...macBytes(THEIR_MAC), 10, 77, 0, 1, ...macBytes(OUR_MAC), 10, 77, 0, 2]);
    h.host.input(frame(macBytes(OUR_MAC), macBytes(THEIR_MAC), 0x0806, reply));
    expect(h.out).to.have.length(3);
    expect([...h.out[1]!.subarray(0, 6)]).to.deep.equal([...macBytes(THEIR_MAC)]);
    expect([...h.out[1]!.subarray(14)]).to.deep.equal([...syn]);
  });

  it('passes IPv4 packets up without the Ethernet padding; counts runts and unknown types', () => {
    const h = harness();
    const p = buildPacket({ ip: { src: '10.77.0.1', dst: '10.77.0.2' }, tcp: { srcPort: 4000, dstPort: 7, seq: 1, ack: 0, flags: Flag.SYN, window: 100 } });
    h.host.input(frame(macBytes(OUR_MAC), macBytes(THEIR_MAC), 0x0800, Uint8Array.from([...p, 0, 0, 0, 0, 0, 0])));
    expect([...h.delivered[0]!]).to.deep.equal([...p]);
    h.host.input(new Uint8Array(5));
    h.host.input(frame(macBytes(OUR_MAC), macBytes(THEIR_MAC), 0x88cc, new Uint8Array(40)));
    expect(h.host.dropped).to.equal(2);
  });
});

describe('reference on a tap: the impaired link', () => {
  it('parses loss and reorder as percentages or fractions, and refuses nonsense with a usage error', () => {
    expect(parseImpairment('loss=1%,reorder=0.5%,seed=7')).to.deep.include({ loss: 0.01, reorder: 0.005, seed: 7 });
    expect(parseImpairment('loss=0.02')).to.deep.include({ loss: 0.02, reorder: 0 });
    expect(() => parseImpairment('loss=60%')).to.throw(/more than 50%/);
    expect(() => parseImpairment('jitter=3ms')).to.throw(/not loss=P/);
  });

  it('loses about the share asked, reorders by holding one frame behind the next, and repeats with the same seed', () => {
    const run = (seed: number): number[] => {
      const clock = new VirtualClock(0n, false);
      const out: number[] = [];
      const link = new ImpairedLink({ loss: 0.05, reorder: 0.05, holdMs: 10, seed }, clock, (f) => out.push(f[0]! | (f[1]! << 8)));
      for (let i = 0; i < 10_000; i++) link.send(Uint8Array.of(i & 0xff, i >> 8));
      clock.advance(20);
      expect(link.counts.passed + link.counts.dropped).to.equal(10_000);
      expect(link.counts.dropped).to.be.within(400, 600);
      expect(link.counts.reordered).to.be.within(350, 600);
      return out;
    };
    const a = run(3);
    expect(run(3)).to.deep.equal(a);
    expect(run(4)).to.not.deep.equal(a);
    const swaps = a.filter((v, i) => i > 0 && v < a[i - 1]!).length;
    expect(swaps).to.be.greaterThan(300);
  });

  it('a held frame goes out after the hold time when nothing follows it', () => {
    const clock = new VirtualClock(0n, false);
    const out: Uint8Array[] = [];
    const link = new ImpairedLink({ loss: 0, reorder: 0.999999, holdMs: 10, seed: 9 }, clock, (f) => out.push(f));
    link.send(Uint8Array.of(1));
    expect(out).to.have.length(0);
    clock.advance(10);
    expect(out).to.have.length(1);
  });
});
