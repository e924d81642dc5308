import type { Ipv4Header } from '../../src/wire/ipv4.js';
import { expect } from 'chai';
import {
  buildPacket,
  encodeOptions,
  Flag,
  ipOffset,
  LinkType,
  parseFrame,
  parsePacket,
  verifyChecksums,
  verifyIpv4Checksum,
  verifyTcpChecksum,
  type PacketSpec,
  type TcpOption,
} from '../../src/wire/index.js';
import { assertBytesRoundTrip, assertValueRoundTrip, deepFreeze, expectOk, fromHex, hex, packetSpecOf } from '../support/roundtrip.js';
import { fixtureFrames, FIXTURE_FILES, fixturePath, num, readFixture, tsharkRecords } from './oracle.js';
import { LINUX_SYN_TCP } from './vectors.js';

// tcpdump -r test/fixtures/nc-plain-eth.pcap -n -v -x 'tcp[13] == 0x18'
//   IP (tos 0x0, ttl 64, id 12940, offset 0, flags [DF], proto TCP (6), length 74)
//   10.99.0.2.43914 > 10.99.0.1.5000: Flags [P.], cksum 0x7b66 (correct), seq 1:35, ack 1, win 64240, length 34
const PSH = fromHex(
  '4500004a328c40004006f3590a6300020a630001ab8a13885d435b5adad6bb805018faf07b6600007463706372616674206e657463617420736565643a2068656c6c6f2c206e6321210a',
);
const LINE = 'tcpcraft netcat seed: hello, nc!!\n';

// tcpdump -r test/fixtures/nc-plain-eth.pcap -n -e -x -c 1   (Ethernet header: dst, src, type 0x0800)
const ETH_HEADER = '0000000000010000000000020800';

function errorOf<T>(r: { ok: true; value: T } | { ok: false; error: import('../../src/wire/index.js').WireError }) {
  if (r.ok) return expect.fail('expected an error');
  return r.error;
}

/** tshark's decode of one fixture, keyed by field. */
const FIELDS = [
  'ip.version',
  'ip.hdr_len',
  'ip.dsfield',
  'ip.len',
  'ip.id',
  'ip.flags',
  'ip.frag_offset',
  'ip.ttl',
  'ip.proto',
  'ip.checksum',
  'ip.src',
  'ip.dst',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.seq_raw',
  'tcp.ack_raw',
  'tcp.hdr_len',
  'tcp.flags',
  'tcp.window_size_value',
  'tcp.checksum',
  'tcp.urgent_pointer',
  'tcp.options',
  'tcp.len',
  'tcp.payload',
  'tcp.options.mss_val',
  'tcp.options.wscale.shift',
  'tcp.options.timestamp.tsval',
  'tcp.options.timestamp.tsecr',
  'tcp.options.sack_le',
  'tcp.options.sack_re',
];

describe('wire/packet', () => {
  describe('the 34-byte PSH/ACK', () => {
    it('decodes IP, TCP and the payload line', () => {
      const p = expectOk(parsePacket(PSH));
      expect(p.ip).to.deep.include({ totalLength: 74, id: 12940, src: '10.99.0.2', dst: '10.99.0.1', checksum: 0xf359 });
      expect(p.tcp).to.deep.include({ srcPort: 43914, dstPort: 5000, seq: 1564695386, ack: 3671505792, flags: Flag.PSH | Flag.ACK, window: 64240 });
      expect(Buffer.from(p.payload).toString('latin1')).to.equal(LINE);
      expect(p.bytes.length).to.equal(74);
    });
    it('re-emits from its parsed values (explicit checksums and offsets, raw option bytes) to identical bytes', () => {
      assertBytesRoundTrip(PSH, parsePacket, (p) => buildPacket(packetSpecOf(p)));
    });
    it("rebuilds identical bytes with every derived field left 'auto' (checksums, lengths, data offset)", () => {
      const spec: PacketSpec = {
        ip: { src: '10.99.0.2', dst: '10.99.0.1', id: 12940 },
        tcp: { srcPort: 43914, dstPort: 5000, seq: 1564695386, ack: 3671505792, flags: Flag.PSH | Flag.ACK, window: 64240 },
        payload: new TextEncoder().encode(LINE),
      };
      expect(hex(buildPacket(spec))).to.equal(hex(PSH));
    });
  });

  describe('buildPacket', () => {
    const base: PacketSpec = {
      ip: { src: '192.0.2.1', dst: '192.0.2.2', id: 7 },
      tcp: LINUX_SYN_TCP,
    };
    it('emit then parse gives the same values, and both checksums verify', () => {
      const bytes = assertValueRoundTrip(base, buildPacket, parsePacket, (p) => ({
        src: (p.ip as Ipv4Header).src,
        dst: (p.ip as Ipv4Header).dst,
        id: (p.ip as Ipv4Header).id,
        seq: p.tcp.seq,
        flags: p.tcp.flags,
        options: p.tcp.options,
      }), { src: '192.0.2.1', dst: '192.0.2.2', id: 7, seq: 4126488336, flags: Flag.SYN, options: base.tcp.options });
      expect(bytes.length).to.equal(60);
      expect(verifyChecksums(expectOk(parsePacket(bytes)))).to.deep.equal({ ip: 'good', tcp: 'good' });
    });
    it('computes a correct TCP checksum over an odd-length payload', () => {
      const bytes = buildPacket({ ...base, tcp: { ...base.tcp, flags: Flag.PSH | Flag.ACK, options: [] }, payload: new Uint8Array([1, 2, 3]) });
      expect(bytes.length).to.equal(43);
      expect(verifyChecksums(expectOk(parsePacket(bytes)))).to.deep.equal({ ip: 'good', tcp: 'good' });
    });
    it('sends a deliberately wrong TCP checksum, IP checksum, data offset and total length exactly as given', () => {
      const bytes = buildPacket({
        ip: { ...base.ip, checksum: 0x1111, totalLength: 1000 },
        tcp: { ...base.tcp, options: [], checksum: 0x2222, dataOffset: 4 },
      });
      expect(bytes.length).to.equal(40);
      expect(hex(bytes.subarray(2, 4))).to.equal('03e8');
      expect(hex(bytes.subarray(10, 12))).to.equal('1111');
      expect(bytes[32]).to.equal(0x40);
      expect(hex(bytes.subarray(36, 38))).to.equal('2222');
    });
    it('computes the checksums last: over the wrong length and data offset that are actually sent', () => {
      const bytes = buildPacket({ ip: { ...base.ip, totalLength: 41 }, tcp: { ...base.tcp, options: [], dataOffset: 6 } });
      // the pseudo-header length is the real segment length (20); the IPv4 sum covers totalLength 41 as written
      expect(verifyTcpChecksum(bytes, 20)).to.equal('good');
      expect(verifyIpv4Checksum(bytes)).to.equal('good');
      expect(bytes[32]).to.equal(0x60);
      expect(hex(bytes.subarray(2, 4))).to.equal('0029');
    });
    it('never mutates its (deep-frozen) input, and the payload bytes are unchanged', () => {
      const payload = new Uint8Array([9, 8, 7]);
      const spec = deepFreeze<PacketSpec>({ ...base, payload });
      const a = buildPacket(spec);
      const b = buildPacket(spec);
      expect(hex(a)).to.equal(hex(b));
      expect(hex(payload)).to.equal('090807');
    });
  });

  describe('unsupported and broken packets', () => {
    it('a non-TCP protocol (UDP) is unsupported, naming byte 9', () => {
      const m = PSH.slice();
      m[9] = 17;
      const e = errorOf(parsePacket(m));
      expect(e).to.include({ kind: 'unsupported', layer: 'ipv4', field: 'protocol', offset: 9 });
      expect(e.message).to.equal('IP protocol 17 is not TCP (6) (IPv4 header protocol, byte 9)');
    });
    it('a non-first fragment is unsupported, naming byte 6', () => {
      const m = PSH.slice();
      m[6] = 0x20;
      m[7] = 0x03;
      const e = errorOf(parsePacket(m));
      expect(e).to.include({ kind: 'unsupported', layer: 'ipv4', field: 'fragmentOffset', offset: 6 });
      expect(e.message).to.contain('IPv4 fragment at offset 24');
    });
    it('a first fragment (MF set, offset 0) still decodes', () => {
      const m = PSH.slice();
      m[6] = 0x20;
      expect((expectOk(parsePacket(m)).ip as Ipv4Header).flags).to.equal(1);
    });
    it('fewer bytes than the total length: truncated in totalLength with needed/available', () => {
      expect(errorOf(parsePacket(PSH.subarray(0, 73)))).to.include({ kind: 'truncated', layer: 'ipv4', field: 'totalLength', offset: 2, needed: 74, available: 73 });
    });
    it('TCP errors are re-based onto the IPv4 packet (data offset at byte 32)', () => {
      const m = PSH.slice();
      m[32] = 0x40;
      expect(errorOf(parsePacket(m))).to.include({ kind: 'malformed', layer: 'tcp', field: 'dataOffset', offset: 32 });
    });
    it('total length cutting the TCP header: TCP truncated at the packet end', () => {
      expect(errorOf(parsePacket(withTotalLength(PSH, 30)))).to.include({ kind: 'truncated', layer: 'tcp', field: 'header', offset: 30, needed: 20, available: 10 });
    });
    it('link padding after the total length is ignored', () => {
      const padded = new Uint8Array([...PSH, 0, 0, 0, 0]);
      const p = expectOk(parsePacket(padded));
      expect(p.bytes.length).to.equal(74);
      expect(p.payload.length).to.equal(34);
    });
  });

  describe('link layers', () => {
    it('Ethernet: skips 14 bytes; 802.1Q VLAN: 18', () => {
      const eth = fromHex(ETH_HEADER + hex(PSH));
      expect(expectOk(parseFrame(eth, LinkType.ETHERNET)).linkHeaderLength).to.equal(14);
      const vlan = fromHex('000000000001000000000002' + '8100' + '0064' + '0800' + hex(PSH));
      expect(expectOk(parseFrame(vlan, LinkType.ETHERNET)).packet.tcp.srcPort).to.equal(43914);
      expect(expectOk(ipOffset(vlan, LinkType.ETHERNET))).to.equal(18);
    });
    it('raw (101 and 12), BSD loopback (0, either byte order), SLL (113), SLL2 (276)', () => {
      expect(expectOk(ipOffset(PSH, LinkType.RAW))).to.equal(0);
      expect(expectOk(ipOffset(PSH, 12))).to.equal(0);
      expect(expectOk(ipOffset(fromHex('02000000' + hex(PSH)), LinkType.NULL))).to.equal(4);
      expect(expectOk(ipOffset(fromHex('00000002' + hex(PSH)), LinkType.NULL))).to.equal(4);
      expect(expectOk(parseFrame(fromHex('0000 0001 0006 000000000002 0000 0800' + hex(PSH)), LinkType.LINUX_SLL)).linkHeaderLength).to.equal(16);
      expect(expectOk(parseFrame(fromHex('0800 0000 00000002 0001 00 06 000000000002 0000' + hex(PSH)), LinkType.LINUX_SLL2)).linkHeaderLength).to.equal(20);
    });
    it('unknown link types are unsupported', () => {
      for (const lt of [2, 105, 127, 228, 0xffff]) {
        const e = errorOf(parseFrame(PSH, lt));
        expect(e).to.include({ kind: 'unsupported', layer: 'link', field: 'linkType', offset: 0 });
        expect(e.message).to.equal(`link type ${lt} is not supported (link header linkType, byte 0)`);
      }
    });
    it('short Ethernet, VLAN, SLL, SLL2 and loopback frames are truncated with needed/available', () => {
      const eth = fromHex(ETH_HEADER);
      expect(errorOf(parseFrame(eth.subarray(0, 13), LinkType.ETHERNET))).to.include({ kind: 'truncated', layer: 'link', field: 'ethertype', offset: 12, needed: 14, available: 13 });
      expect(errorOf(parseFrame(new Uint8Array(0), LinkType.ETHERNET))).to.include({ kind: 'truncated', needed: 14, available: 0 });
      expect(errorOf(parseFrame(fromHex('000000000001000000000002810000640'.padEnd(34, '0')).subarray(0, 17), LinkType.ETHERNET))).to.include({
        kind: 'truncated',
        field: 'vlan',
        needed: 18,
        available: 17,
      });
      expect(errorOf(parseFrame(new Uint8Array(15), LinkType.LINUX_SLL))).to.include({ kind: 'truncated', layer: 'link', field: 'protocol', offset: 14, needed: 16, available: 15 });
      expect(errorOf(parseFrame(new Uint8Array(19), LinkType.LINUX_SLL2))).to.include({ kind: 'truncated', layer: 'link', field: 'protocol', needed: 20, available: 19 });
      expect(errorOf(parseFrame(new Uint8Array(3), LinkType.NULL))).to.include({ kind: 'truncated', layer: 'link', field: 'family', needed: 4, available: 3 });
    });
    it('an ethertype / SLL protocol / loopback family that is neither IPv4 nor IPv6 is unsupported', () => {
      const arp = fromHex('ffffffffffff0000000000020806' + '0001');
      const e = errorOf(parseFrame(arp, LinkType.ETHERNET));
      expect(e).to.include({ kind: 'unsupported', layer: 'link', field: 'ethertype', offset: 12 });
      expect(e.message).to.equal('ethertype 0x0806 is not IPv4 or IPv6 (link header ethertype, byte 12)');
      expect(errorOf(parseFrame(fromHex('0000000100060000000000020000' + '0806'), LinkType.LINUX_SLL))).to.include({ kind: 'unsupported', field: 'protocol', offset: 14 });
      // Loopback family 7 is neither AF_INET (2) nor any AF_INET6 (10, 24, 28, 30).
      expect(errorOf(parseFrame(fromHex('07000000' + hex(PSH)), LinkType.NULL))).to.include({ kind: 'unsupported', field: 'family' });
    });
    it('errors inside the packet are re-based onto the frame (Ethernet: +14)', () => {
      const eth = fromHex(ETH_HEADER + hex(PSH));
      eth[14 + 9] = 17;
      expect(errorOf(parseFrame(eth, LinkType.ETHERNET))).to.include({ field: 'protocol', offset: 23 });
      expect(errorOf(parseFrame(eth.subarray(0, 60), LinkType.ETHERNET))).to.include({ kind: 'truncated', field: 'totalLength', offset: 16, needed: 74, available: 46 });
    });
  });

  describe('every fixture packet, field by field against tshark, and re-emitted byte for byte', () => {
    for (const f of FIXTURE_FILES) {
      // tshark -r FILE -o tcp.relative_sequence_numbers:FALSE -T fields -e ip.id -e tcp.seq_raw -e tcp.ack_raw -e tcp.flags -e tcp.window_size_value -e tcp.options ...
      it(`${f.name} (${f.packets} packets, link type ${f.linkType})`, () => {
        const file = readFixture(f.name);
        expect(file.linkType).to.equal(f.linkType);
        const frames = fixtureFrames(f.name);
        const rows = tsharkRecords(fixturePath(f.name), FIELDS);
        if (f.name !== 'sack-eth.pcap') expect(frames.length).to.equal(f.packets);
        expect(rows.length).to.equal(frames.length);
        frames.forEach((fr, i) => {
          const p = fr.packet;
          const t = rows[i]!;
          const at = `${f.name} frame ${i + 1}`;
          expect(
            {
              version: (p.ip as Ipv4Header).version,
              ihl: (p.ip as Ipv4Header).ihl * 4,
              tos: ((p.ip as Ipv4Header).dscp << 2) | (p.ip as Ipv4Header).ecn,
              totalLength: (p.ip as Ipv4Header).totalLength,
              id: (p.ip as Ipv4Header).id,
              flags: (p.ip as Ipv4Header).flags,
              frag: (p.ip as Ipv4Header).fragmentOffset,
              ttl: (p.ip as Ipv4Header).ttl,
              protocol: (p.ip as Ipv4Header).protocol,
              ipChecksum: (p.ip as Ipv4Header).checksum,
              src: (p.ip as Ipv4Header).src,
              dst: p.ip.dst,
              srcPort: p.tcp.srcPort,
              dstPort: p.tcp.dstPort,
              seq: p.tcp.seq,
              ack: p.tcp.ack,
              headerLength: p.tcp.dataOffset * 4,
              flags12: (p.tcp.reserved << 9) | p.tcp.flags,
              window: p.tcp.window,
              tcpChecksum: p.tcp.checksum,
              urgent: p.tcp.urgent,
              options: hex(p.tcp.optionBytes),
              payloadLength: p.payload.length,
              payload: hex(p.payload),
            },
            at,
          ).to.deep.equal({
            version: num(t['ip.version']),
            ihl: num(t['ip.hdr_len']),
            tos: num(t['ip.dsfield']),
            totalLength: num(t['ip.len']),
            id: num(t['ip.id']),
            flags: num(t['ip.flags']), // tshark 4.0 shows the 3 flag bits (0x02 = DF)
            frag: num(t['ip.frag_offset']) / 8, // tshark shows bytes
            ttl: num(t['ip.ttl']),
            protocol: num(t['ip.proto']),
            ipChecksum: num(t['ip.checksum']),
            src: t['ip.src'],
            dst: t['ip.dst'],
            srcPort: num(t['tcp.srcport']),
            dstPort: num(t['tcp.dstport']),
            seq: num(t['tcp.seq_raw']),
            ack: num(t['tcp.ack_raw']),
            headerLength: num(t['tcp.hdr_len']),
            flags12: num(t['tcp.flags']),
            window: num(t['tcp.window_size_value']),
            tcpChecksum: num(t['tcp.checksum']),
            urgent: num(t['tcp.urgent_pointer']),
            options: t['tcp.options'],
            payloadLength: num(t['tcp.len']),
            payload: t['tcp.payload'],
          });
          // Decoded options against tshark's own option fields.
          expect(optionSummary(p.tcp.options), at).to.deep.equal({
            mss: t['tcp.options.mss_val'],
            wscale: t['tcp.options.wscale.shift'],
            tsval: t['tcp.options.timestamp.tsval'],
            tsecr: t['tcp.options.timestamp.tsecr'],
            sackLe: t['tcp.options.sack_le'],
            sackRe: t['tcp.options.sack_re'],
          });
          expect(p.tcp.optionsError, at).to.equal(undefined);
          // Re-emit from the parsed values: identical bytes, link header aside.
          expect(hex(buildPacket(packetSpecOf(p))), at).to.equal(hex(p.bytes));
          expect(hex(p.bytes), at).to.equal(hex(file.records[i]!.data.subarray(fr.linkHeaderLength)));
          // Options given as values (not raw bytes) re-encode to the same option area too.
          expect(hex(encodeOptions(p.tcp.options)), at).to.equal(hex(p.tcp.optionBytes));
        });
      });
    }
    it('sack-eth.pcap carries SACK blocks, decoded as raw edges one segment (524 bytes) wide', () => {
      const sacks = fixtureFrames('sack-eth.pcap').flatMap((fr) => fr.packet.tcp.options.filter((o): o is Extract<TcpOption, { kind: 'sack' }> => o.kind === 'sack'));
      expect(sacks.length).to.be.greaterThan(0);
      for (const s of sacks) expect(s.blocks.length).to.equal(1);
      expect((sacks[0]!.blocks[0]![1] - sacks[0]!.blocks[0]![0]) >>> 0).to.equal(524);
    });
  });
});

function optionSummary(options: readonly TcpOption[]) {
  const pick = <K extends TcpOption['kind']>(kind: K) => options.filter((o): o is Extract<TcpOption, { kind: K }> => o.kind === kind);
  return {
    mss: pick('mss').map((o) => String(o.value)).join(','),
    wscale: pick('wscale').map((o) => String(o.shift)).join(','),
    tsval: pick('timestamp').map((o) => String(o.tsval)).join(','),
    tsecr: pick('timestamp').map((o) => String(o.tsecr)).join(','),
    sackLe: pick('sack').flatMap((o) => o.blocks.map((b) => String(b[0]))).join(','),
    sackRe: pick('sack').flatMap((o) => o.blocks.map((b) => String(b[1]))).join(','),
  };
}

function withTotalLength(bytes: Uint8Array, total: number): Uint8Array {
  const m = bytes.slice();
  m[2] = total >> 8;
  m[3] = total & 0xff;
  return m;
}
