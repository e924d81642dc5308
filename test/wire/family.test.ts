/**
 * The family table (src/wire/family.ts): familyOf on the awkward cases, every entry for both
 * families, and one segment built as IPv4 and as IPv6 through the one builder, read back by the
 * codec and by tshark.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildIcmpErrorFor,
  buildPacket,
  encodePcap,
  ETHERNET_HEADER_LENGTH,
  FAMILY,
  familyOf,
  familyOfPacket,
  familyOfSpec,
  Flag,
  frameOf,
  IP_FAMILIES,
  LinkType,
  parseIpView,
  parsePacket,
  pseudoHeaderSum,
  verifyChecksums,
  type PacketSpec,
  type TcpSpec,
} from '../../src/wire/index.js';
import { expectOk, hex } from '../support/roundtrip.js';
import { tsharkFields } from './oracle.js';

const ADDR = { 4: { src: '10.77.0.1', dst: '10.77.0.2' }, 6: { src: 'fd77::1', dst: 'fd77::2' } } as const;

describe('wire/family', () => {
  describe('familyOf', () => {
    const cases: Array<[string, 4 | 6 | undefined]> = [
      ['10.77.0.1', 4],
      ['0.0.0.0', 4],
      ['255.255.255.255', 4],
      ['fd77::2', 6],
      ['FD77:0:0:0:0:0:0:2', 6],
      ['::', 6],
      ['::1', 6],
      // IPv4-mapped IPv6 text is IPv6 text: the packet it addresses is an IPv6 one.
      ['::ffff:10.0.0.1', 6],
      ['not-an-ip', undefined],
      ['', undefined],
      ['10.77.0', undefined],
      ['10.77.0.256', undefined],
      ['010.77.0.1', undefined],
      ['fd77::2::1', undefined],
      ['[fd77::2]', undefined],
      ['10.77.0.1:5000', undefined],
    ];
    for (const [text, family] of cases) {
      it(`'${text}' is ${family === undefined ? 'no address' : `IPv${family}`}`, () => {
        expect(familyOf(text)).to.equal(family);
        // Asked twice (the second answer comes from the cache).
        expect(familyOf(text)).to.equal(family);
      });
    }

    it('familyOfPacket reads the version nibble; familyOfSpec follows the destination, then the source, else IPv4', () => {
      expect(familyOfPacket(Uint8Array.of(0x45))).to.equal(4);
      expect(familyOfPacket(Uint8Array.of(0x60, 0))).to.equal(6);
      expect(familyOfPacket(Uint8Array.of(0x50))).to.equal(undefined);
      expect(familyOfPacket(new Uint8Array(0))).to.equal(undefined);
      expect(familyOfSpec({ src: '10.0.0.1', dst: 'fd77::2' })).to.equal(6);
      expect(familyOfSpec({ src: 'fd77::1', dst: 'bad' })).to.equal(6);
      expect(familyOfSpec({ src: 'bad', dst: 'bad' })).to.equal(4);
    });
  });

  describe('the table', () => {
    it('has the same entries for both families, each saying which family it is', () => {
      expect(IP_FAMILIES).to.deep.equal([4, 6]);
      expect(Object.keys(FAMILY[4]).sort()).to.deep.equal(Object.keys(FAMILY[6]).sort());
      expect(Object.keys(FAMILY[4].icmp).sort()).to.deep.equal(Object.keys(FAMILY[6].icmp).sort());
      expect(FAMILY[4].family).to.equal(4);
      expect(FAMILY[6].family).to.equal(6);
    });

    it('the figures and words of each family', () => {
      const pick = (f: 4 | 6) => {
        const t = FAMILY[f];
        return [t.name, t.layer, t.minHeader, t.addressBytes, t.srcOffset, t.dstOffset, t.lengthOffset, t.lengthExcludes, t.lengthKey, t.ethertype, t.nft, t.pcap, t.udp, t.ipFlag, t.inet, t.node, t.neighbourProtocol, t.minMtu, t.defaultMss];
      };
      expect(pick(4)).to.deep.equal(['IPv4', 'ipv4', 20, 4, 12, 16, 2, 0, 'totalLength', 0x0800, 'ip', 'ip', 'udp4', '-4', 'inet', 'ipv4', 'ARP', 68, 536]);
      expect(pick(6)).to.deep.equal(['IPv6', 'ipv6', 40, 16, 8, 24, 4, 40, 'payloadLength', 0x86dd, 'ip6', 'ip6', 'udp6', '-6', 'inet6', 'ipv6', 'neighbour discovery', 1280, 1220]);
    });

    it('the room after a header: IPv4 counts its header in the total length, IPv6 leaves the fixed 40 bytes out', () => {
      expect(FAMILY[4].maxUpperLayer(20)).to.equal(65515);
      expect(FAMILY[4].maxUpperLayer(60)).to.equal(65475);
      expect(FAMILY[6].maxUpperLayer(40)).to.equal(65535);
      expect(FAMILY[6].maxUpperLayer(48)).to.equal(65527);
    });

    it('address text: parse, format and the canonical form (RFC 5952 for IPv6)', () => {
      expect(hex(FAMILY[4].parseAddress('10.77.0.1')!)).to.equal('0a4d0001');
      expect(FAMILY[4].parseAddress('fd77::1')).to.equal(undefined);
      expect(FAMILY[4].formatAddress(Uint8Array.of(0, 10, 77, 0, 1), 1)).to.equal('10.77.0.1');
      expect(FAMILY[4].canonical('10.77.0.1')).to.equal('10.77.0.1');
      expect(hex(FAMILY[6].parseAddress('fd77::1')!)).to.equal('fd770000000000000000000000000001');
      expect(FAMILY[6].parseAddress('10.77.0.1')).to.equal(undefined);
      expect(FAMILY[6].formatAddress(FAMILY[6].parseAddress('FD77:0:0:0:0:0:0:1')!)).to.equal('fd77::1');
      expect(FAMILY[6].canonical('FD77:0000::0001')).to.equal('fd77::1');
      expect(FAMILY[6].canonical('::ffff:10.0.0.1')).to.equal('::ffff:a00:1');
    });

    for (const f of IP_FAMILIES) {
      it(`IPv${f}: emit, parse and view agree on the header; finish leaves a header that verifies`, () => {
        const t = FAMILY[f];
        const spec = { ...ADDR[f], protocol: 6 };
        const length = f === 4 ? FAMILY[4].headerLength(spec) : FAMILY[6].headerLength(spec);
        expect(length).to.equal(t.minHeader);
        const buf = new Uint8Array(length + 20);
        const view = new DataView(buf.buffer);
        const at = f === 4 ? FAMILY[4].emit(spec, 20, buf, 0, view) : FAMILY[6].emit(spec, 20, buf, 0, view);
        expect(at).to.equal(length);
        if (f === 4) FAMILY[4].finish(buf, at, spec, view);
        else FAMILY[6].finish(buf, at, spec, view);
        expect(t.verifyHeader(buf)).to.equal(f === 4 ? 'good' : 'none');
        expect(view.getUint16(t.lengthOffset) + t.lengthExcludes).to.equal(length + 20);
        expect(t.formatAddress(buf, t.srcOffset)).to.equal(ADDR[f].src);
        expect(t.formatAddress(buf, t.dstOffset)).to.equal(ADDR[f].dst);
        const parsed = f === 4 ? expectOk(FAMILY[4].parse(buf)) : expectOk(FAMILY[6].parse(buf));
        expect([parsed.src, parsed.dst, parsed.protocol]).to.deep.equal([ADDR[f].src, ADDR[f].dst, 6]);
        expect(expectOk(t.view(buf))).to.deep.equal({ family: f, src: ADDR[f].src, dst: ADDR[f].dst, protocol: 6, headerBytes: length, fragmentOffset: 0 });
        expect(expectOk(parseIpView(buf)).family).to.equal(f);
      });

      it(`IPv${f}: the pseudo-header sum covers the addresses, the protocol and the upper-layer length`, () => {
        const t = FAMILY[f];
        const packet = buildPacket({ ip: ADDR[f], tcp: { srcPort: 1, dstPort: 2, seq: 3, ack: 0, flags: Flag.SYN }, payload: Uint8Array.of(1, 2, 3) });
        const start = t.minHeader;
        const byHand = pseudoHeaderSum(t.parseAddress(ADDR[f].src)!, t.parseAddress(ADDR[f].dst)!, 6, packet.length - start);
        expect(t.pseudoHeaderSum(packet, start, packet.length, 6)).to.equal(byHand);
      });

      it(`IPv${f}: the ICMP flavour builds an error whose type, code, MTU and quote sit where the table says`, () => {
        const t = FAMILY[f];
        const quoted = buildPacket({ ip: { src: ADDR[f].dst, dst: ADDR[f].src }, tcp: { srcPort: 5000, dstPort: 40000, seq: 1, ack: 2, flags: Flag.ACK }, payload: new Uint8Array(100).fill(7) });
        const msg = buildIcmpErrorFor({ ...ADDR[f], type: t.icmp.tooBig.type, code: t.icmp.tooBig.code, mtu: 1300, quoted });
        expect(familyOfPacket(msg)).to.equal(f);
        const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
        const at = t.minHeader;
        expect(expectOk(t.view(msg)).protocol).to.equal(t.icmp.protocol);
        expect([msg[at], msg[at + 1]]).to.deep.equal([t.icmp.tooBig.type, t.icmp.tooBig.code]);
        const mtu = t.icmp.mtu.width === 2 ? view.getUint16(at + t.icmp.mtu.offset) : view.getUint32(at + t.icmp.mtu.offset);
        expect(mtu).to.equal(1300);
        expect(msg.length - at - 8).to.equal(t.icmp.quoteLength(quoted));
        expect(hex(msg.subarray(at + 8))).to.equal(hex(quoted.subarray(0, t.icmp.quoteLength(quoted))));
        expect(t.verifyHeader(msg)).to.equal(f === 4 ? 'good' : 'none');
      });
    }

    it('the ICMP quote: IPv4 quotes the header and 8 bytes, IPv6 as much as fits in 1280 bytes', () => {
      const big = new Uint8Array(2000);
      big[0] = 0x46; // IHL 6: a 24-byte header
      expect(FAMILY[4].icmp.quoteLength(big)).to.equal(32);
      expect(FAMILY[4].icmp.quoteLength(big.subarray(0, 10))).to.equal(10);
      expect(FAMILY[6].icmp.quoteLength(big)).to.equal(1280 - 48);
      expect(FAMILY[6].icmp.quoteLength(big.subarray(0, 100))).to.equal(100);
    });
  });

  describe('one builder for both families', function () {
    this.timeout(60_000);
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'tcpcraft-family-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    const tcp: TcpSpec = { srcPort: 40000, dstPort: 5000, seq: 0x01020304, ack: 0xa0b0c0d0, flags: Flag.PSH | Flag.ACK, window: 501, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', tsval: 1, tsecr: 2 }] };
    const payload = new TextEncoder().encode('the same segment, twice');
    const specs: Record<4 | 6, PacketSpec> = { 4: { ip: ADDR[4], tcp, payload }, 6: { ip: ADDR[6], tcp, payload } };

    it('builds the same segment as IPv4 and IPv6: the TCP bytes differ only in the checksum', () => {
      const built = IP_FAMILIES.map((f) => buildPacket(specs[f]));
      const parsed = built.map((b) => expectOk(parsePacket(b)));
      built.forEach((b, i) => expect(familyOfPacket(b)).to.equal(IP_FAMILIES[i]));
      expect(built[0]!.length + 20).to.equal(built[1]!.length);
      const [t4, t6] = parsed.map((p) => ({ ...p.tcp, checksum: 0 }));
      expect(t4).to.deep.equal(t6);
      expect(hex(parsed[0]!.payload)).to.equal(hex(parsed[1]!.payload));
      expect(verifyChecksums(parsed[0]!)).to.deep.equal({ ip: 'good', tcp: 'good' });
      expect(verifyChecksums(parsed[1]!)).to.deep.equal({ ip: 'none', tcp: 'good' });
      // 'bad' still flips the lowest bit of the computed value, in either family.
      for (const f of IP_FAMILIES) {
        const good = expectOk(parsePacket(buildPacket(specs[f]))).tcp.checksum;
        const bad = expectOk(parsePacket(buildPacket({ ...specs[f], tcp: { ...tcp, checksum: 'bad' } }))).tcp.checksum;
        expect(bad).to.equal(good ^ 1);
      }
    });

    it('tshark reads both as built and finds every checksum good', () => {
      const file = join(dir, 'both.pcap');
      const packets = IP_FAMILIES.map((f) => buildPacket(specs[f]));
      const frames = packets.map((p) => frameOf(p, LinkType.ETHERNET));
      expect(frames.map((fr) => (fr[12]! << 8) | fr[13]!)).to.deep.equal([FAMILY[4].ethertype, FAMILY[6].ethertype]);
      expect(frames.map((fr) => fr.length - ETHERNET_HEADER_LENGTH)).to.deep.equal(packets.map((p) => p.length));
      writeFileSync(file, encodePcap(LinkType.ETHERNET, frames.map((data, i) => ({ timestampUs: BigInt(i), data }))));
      // tshark -r both.pcap -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -T fields -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e ip.checksum.status
      //   -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e tcp.ack_raw -e tcp.window_size_value -e tcp.len -e tcp.checksum.status
      const fields = ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ip.checksum.status', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.window_size_value', 'tcp.len', 'tcp.checksum.status'];
      const rows = tsharkFields(file, fields, ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE']);
      const common = ['40000', '5000', String(0x01020304), String(0xa0b0c0d0), '501', String(payload.length), '1'];
      // Status 1: good.
      expect(rows).to.deep.equal([
        ['10.77.0.1', '10.77.0.2', '', '', '1', ...common],
        ['', '', 'fd77::1', 'fd77::2', '', ...common],
      ]);
    });
  });
});
