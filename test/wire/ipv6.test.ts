/**
 * IPv6 in the wire codec: addresses in RFC 5952 form, every header field and the extension chain
 * built and parsed exactly, the TCP checksum over the IPv6 pseudo-header (tshark validates it), a
 * derived field wrong on purpose, property round trips (parse then re-emit gives the same bytes),
 * and truncated or mutated bytes that never make the parser throw.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPacket,
  canonicalIpv6,
  encodePcap,
  Flag,
  formatIpv6Address,
  isIpv6Header,
  LinkType,
  NextHeader,
  parseFrame,
  parseIpv6Address,
  parsePacket,
  verifyChecksums,
  frameOf,
  type Ipv6ExtensionSpec,
  type Ipv6Header,
  type Ipv6Spec,
  type PacketSpec,
} from '../../src/wire/index.js';
import { optionListArb, u16, u32, u8 } from './arbitraries.js';
import { fixtureFrames, fixturePath, tsharkFields } from './oracle.js';
import { hex, packetSpecOf } from '../support/roundtrip.js';

const A = 'fd77::1';
const B = 'fd77::2';

function v6(bytes: Uint8Array): { ip: Ipv6Header; packet: ReturnType<typeof parsePacket> } {
  const p = parsePacket(bytes);
  if (!p.ok) throw new Error(p.error.message);
  if (!isIpv6Header(p.value.ip)) throw new Error('not IPv6');
  return { ip: p.value.ip, packet: p };
}

const ipv6Address = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6Address(b));
const extensionArb: fc.Arbitrary<Ipv6ExtensionSpec> = fc.oneof(
  fc.uint8Array({ maxLength: 22 }).map((data) => ({ type: NextHeader.HOP_BY_HOP, data: Uint8Array.from([1, data.length, ...data]) })),
  fc.uint8Array({ maxLength: 22 }).map((data) => ({ type: NextHeader.DEST_OPTIONS, data: Uint8Array.from([1, data.length, ...data]) })),
  // A routing header of type 0 with no segments left: passed along, not acted on.
  fc.constant({ type: NextHeader.ROUTING, data: Uint8Array.of(0, 0, 0, 0, 0, 0) }),
  // An atomic fragment (offset 0, M clear) with an identification.
  u32.map((id) => ({ type: NextHeader.FRAGMENT, data: Uint8Array.of(0, 0, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff) })),
);
const specArb: fc.Arbitrary<PacketSpec> = fc.record({
  ip: fc.record({
    src: ipv6Address,
    dst: ipv6Address.filter((a) => a.includes(':')),
    trafficClass: u8,
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
    hopLimit: u8,
    extensions: fc.array(extensionArb, { maxLength: 3 }),
  }) as fc.Arbitrary<Ipv6Spec>,
  tcp: fc.record({
    srcPort: u16,
    dstPort: u16,
    seq: u32,
    ack: u32,
    flags: fc.integer({ min: 0, max: 0x1ff }),
    window: u16,
    urgent: u16,
    options: optionListArb({ unknown: true, maxShift: 14 }),
  }),
  payload: fc.uint8Array({ maxLength: 64 }),
});

describe('wire/ipv6', () => {
  it('addresses: any RFC 4291 form in, RFC 5952 out (lower case, longest zero run as ::, no leading zeros)', () => {
    const cases: Array<[string, string]> = [
      ['fd77:0:0:0:0:0:0:2', 'fd77::2'],
      ['FD77::0002', 'fd77::2'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['::', '::'],
      ['::1', '::1'],
      ['fe80::', 'fe80::'],
      ['::ffff:10.77.0.2', '::ffff:a4d:2'],
    ];
    for (const [given, want] of cases) expect(canonicalIpv6(given), given).to.equal(want);
    expect(parseIpv6Address('10.77.0.2')).to.equal(undefined);
    expect(parseIpv6Address('fd77::2::1')).to.equal(undefined);
    expect(parseIpv6Address('fe80::1%eth0')).to.equal(undefined);
  });

  it('builds and parses every header field; the TCP checksum covers the IPv6 pseudo-header', () => {
    const bytes = buildPacket({
      ip: { src: A, dst: B, trafficClass: 0xb8, flowLabel: 0x12345, hopLimit: 7 },
      tcp: { srcPort: 40000, dstPort: 5000, seq: 1, ack: 2, flags: Flag.SYN | Flag.ACK, window: 64800, options: [{ kind: 'mss', value: 1440 }] },
      payload: new TextEncoder().encode('hi'),
    });
    expect(bytes.length).to.equal(40 + 24 + 2);
    const { ip } = v6(bytes);
    expect(ip).to.deep.include({ version: 6, trafficClass: 0xb8, flowLabel: 0x12345, payloadLength: 26, nextHeader: 6, hopLimit: 7, src: A, dst: B, protocol: 6, headerLength: 40 });
    expect(ip.extensions).to.deep.equal([]);
    const p = parsePacket(bytes);
    expect(p.ok && verifyChecksums(p.value)).to.deep.equal({ ip: 'none', tcp: 'good' });
  });

  it('walks an extension chain (hop-by-hop, destination options, fragment) and reports each header', () => {
    const bytes = buildPacket({
      ip: { src: A, dst: B, extensions: [{ type: NextHeader.HOP_BY_HOP }, { type: NextHeader.DEST_OPTIONS, data: Uint8Array.of(1, 12, ...new Array(12).fill(0)) }, { type: NextHeader.FRAGMENT, data: Uint8Array.of(0, 0, 0, 0, 0, 42) }] },
      tcp: { srcPort: 1, dstPort: 2, seq: 3, ack: 0, flags: Flag.SYN, window: 100 },
    });
    const { ip } = v6(bytes);
    expect(ip.nextHeader).to.equal(NextHeader.HOP_BY_HOP);
    expect(ip.extensions.map((e) => [e.type, e.nextHeader, e.bytes.length])).to.deep.equal([
      [0, 60, 8],
      [60, 44, 16],
      [44, 6, 8],
    ]);
    expect(ip.headerLength).to.equal(40 + 8 + 16 + 8);
    expect(ip.payloadLength).to.equal(32 + 20);
    const p = parsePacket(bytes);
    expect(p.ok && verifyChecksums(p.value).tcp).to.equal('good');
  });

  it('derived fields are auto unless given: a wrong payload length, next header or checksum goes out as written', () => {
    const base: PacketSpec = { ip: { src: A, dst: B }, tcp: { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: Flag.SYN, window: 1 } };
    const short = buildPacket({ ...base, ip: { src: A, dst: B, payloadLength: 10 } });
    const r = parsePacket(short);
    expect(r.ok).to.equal(false);
    const long = buildPacket({ ...base, ip: { src: A, dst: B, payloadLength: 400 } });
    const t = parsePacket(long);
    expect(!t.ok && t.error.kind).to.equal('truncated');
    const udp = buildPacket({ ...base, ip: { src: A, dst: B, nextHeader: 17 } });
    const u = parsePacket(udp);
    expect(!u.ok && u.error.message).to.match(/next header 17 is not TCP/);
    const bad = parsePacket(buildPacket({ ...base, tcp: { ...base.tcp, checksum: 'bad' } }));
    expect(bad.ok && verifyChecksums(bad.value).tcp).to.equal('bad');
  });

  it('a later fragment carries no TCP header: unsupported, with the offset', () => {
    const bytes = buildPacket({ ip: { src: A, dst: B, extensions: [{ type: NextHeader.FRAGMENT, data: Uint8Array.of(0x00, 0x08, 0, 0, 0, 1) }] }, tcp: { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: 0, window: 0 } });
    const r = parsePacket(bytes);
    expect(!r.ok && r.error.kind).to.equal('unsupported');
    expect(!r.ok && r.error.message).to.match(/fragment at offset 8/);
  });

  it('property: any IPv6 spec builds, parses back to its fields, and re-emits the same bytes', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const bytes = buildPacket(spec);
        const p = parsePacket(bytes);
        if (!p.ok) return false;
        const ip = p.value.ip as Ipv6Header;
        const s = spec.ip as Ipv6Spec;
        if (ip.src !== canonicalIpv6(s.src) || ip.dst !== canonicalIpv6(s.dst) || ip.flowLabel !== s.flowLabel || ip.trafficClass !== s.trafficClass || ip.hopLimit !== s.hopLimit) return false;
        if (ip.extensions.length !== (s.extensions?.length ?? 0) || verifyChecksums(p.value).tcp !== 'good') return false;
        // Re-emit from what was parsed: the extensions as raw blocks, every other field as decoded.
        const again = buildPacket({
          ip: { src: ip.src, dst: ip.dst, trafficClass: ip.trafficClass, flowLabel: ip.flowLabel, hopLimit: ip.hopLimit, extensions: ip.extensions.map((e) => ({ type: e.type, nextHeader: e.nextHeader, length: e.bytes[1], data: e.bytes.subarray(2) })) },
          tcp: { ...p.value.tcp, checksum: p.value.tcp.checksum },
          payload: p.value.payload,
        });
        return Buffer.from(again).equals(Buffer.from(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('truncated and mutated IPv6 bytes never make the parser throw', () => {
    fc.assert(
      fc.property(specArb, fc.nat(), fc.array(fc.tuple(fc.nat(), u8), { maxLength: 6 }), (spec, cut, flips) => {
        const bytes = buildPacket(spec).slice();
        for (const [at, v] of flips) bytes[at % bytes.length] = v;
        const frame = bytes.subarray(0, cut % (bytes.length + 1));
        parsePacket(frame);
        parseFrame(frameOf(frame, LinkType.ETHERNET), LinkType.ETHERNET);
        return true;
      }),
      { numRuns: 3000 },
    );
  });

  describe('tshark as the oracle', function () {
    this.timeout(60_000);
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), 'tcpcraft-ipv6-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('reads every field as built, finds every TCP checksum good, on raw and Ethernet links', () => {
      const specs = fc.sample(specArb, { numRuns: 60, seed: 6 });
      for (const linkType of [LinkType.RAW, LinkType.ETHERNET]) {
        const file = join(dir, `v6-${linkType}.pcap`);
        const packets = specs.map((s) => buildPacket(s));
        writeFileSync(file, encodePcap(linkType, packets.map((p, i) => ({ timestampUs: BigInt(i), data: frameOf(p, linkType) }))));
        // tshark -o tcp.check_checksum:TRUE -r f -T fields -e ipv6.src -e ipv6.dst -e ipv6.flow -e ipv6.tclass -e ipv6.hlim -e ipv6.plen -e tcp.srcport -e tcp.seq_raw -e tcp.checksum.status
        const rows = tsharkFields(file, ['ipv6.src', 'ipv6.dst', 'ipv6.flow', 'ipv6.tclass', 'ipv6.hlim', 'ipv6.plen', 'tcp.srcport', 'tcp.seq_raw', 'tcp.checksum.status'], ['-o', 'tcp.check_checksum:TRUE']);
        expect(rows).to.have.length(specs.length);
        rows.forEach((r, i) => {
          const s = specs[i]!;
          const ip = s.ip as Ipv6Spec;
          const got = parsePacket(packets[i]!);
          const plen = got.ok ? (got.value.ip as Ipv6Header).payloadLength : -1;
          // tcp.checksum.status 1: good (0 bad, 2 unverified)
          const [src, dst, flow, tclass, ...rest] = r;
          expect([src, dst, Number(flow), Number(tclass), ...rest], `packet ${i}`).to.deep.equal([canonicalIpv6(ip.src), canonicalIpv6(ip.dst), ip.flowLabel, ip.trafficClass, String(ip.hopLimit), String(plen), String(s.tcp.srcPort), String(s.tcp.seq), '1']);
        });
      }
    });
  });
});

describe('wire/ipv6: vectors from real IPv6 traffic', () => {
  // Captured in a dual-stack lab (two namespaces, a veth, no default route; see test/fixtures/README.md):
  //   ip netns exec LAB-client tcpdump -n -U -i LAB-c -w nc6-eth.pcap "ip6 and tcp port 5000"
  //     (nc -N -s fd77::1 fd77::2 5000 to Linux's nc -lk: timestamps, SACK, window scaling)
  //   ip netns exec LAB-server tcpdump -n -U -i LAB-s -w ext6-eth.pcap ip6
  //     (tcpcraft's ipv6-extension-headers.ts: a SYN behind hop-by-hop, destination options and
  //      fragment headers, and Linux's SYN/ACK)
  for (const name of ['nc6-eth.pcap', 'ext6-eth.pcap']) {
    it(`${name}: every frame parses to tshark's values and re-emits byte for byte`, () => {
      const file = fixturePath(name);
      const frames = fixtureFrames(name);
      // tshark -r FILE -o tcp.check_checksum:TRUE -T fields -e ipv6.src -e ipv6.dst -e ipv6.flow -e ipv6.hlim -e ipv6.plen -e tcp.srcport -e tcp.seq_raw -e tcp.ack_raw -e tcp.window_size_value -e tcp.len -e tcp.checksum.status
      const rows = tsharkFields(file, ['ipv6.src', 'ipv6.dst', 'ipv6.flow', 'ipv6.hlim', 'ipv6.plen', 'tcp.srcport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.window_size_value', 'tcp.len', 'tcp.checksum.status'], ['-o', 'tcp.check_checksum:TRUE']);
      expect(rows).to.have.length(frames.length);
      frames.forEach((f, i) => {
        const p = f.packet;
        const ip = p.ip as Ipv6Header;
        const r = rows[i]!;
        expect([ip.src, ip.dst, ip.flowLabel, String(ip.hopLimit), String(ip.payloadLength), String(p.tcp.srcPort), String(p.tcp.seq), String(p.tcp.ack), String(p.tcp.window), String(p.payload.length), verifyChecksums(p).tcp], `${name} frame ${i + 1}`).to.deep.equal([r[0], r[1], Number(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10] === '1' ? 'good' : 'bad']);
        const again = buildPacket(packetSpecOf(p));
        expect(hex(again), `${name} frame ${i + 1} re-emitted`).to.equal(hex(p.bytes));
      });
      if (name === 'ext6-eth.pcap') {
        const first = frames[0]!.packet.ip as Ipv6Header;
        expect(first.extensions.map((e) => e.type)).to.deep.equal([0, 60, 44]);
        expect(first.headerLength).to.equal(40 + 8 + 8 + 8);
      }
    });
  }
});
