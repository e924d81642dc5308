/**
 * tshark as the independent oracle: packets built by tcpcraft, written with encodePcap, must
 * verify (both checksums good), decode without warnings about their encoding, and decode to the
 * values we put in. Needs tshark (installed by `make setup`); fails with a clear message without it.
 */
import type { Ipv4Spec } from '../../src/wire/ipv4.js';
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPacket,
  buildIcmpError,
  encodePcap,
  Flag,
  flagNames,
  LinkType,
  parsePacket,
  type PacketSpec,
  type PcapRecord,
} from '../../src/wire/index.js';
import { expectOk, fromHex, hex } from '../support/roundtrip.js';
import { packetSpecArb } from './arbitraries.js';
import { num, requireTshark, tshark, tsharkRecords } from './oracle.js';
import { LINUX_SYN_TCP } from './vectors.js';

const CHECK = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
/** No sequence analysis across unrelated random packets, and no application dissectors on their payloads. */
const QUIET = ['-o', 'tcp.analyze_sequence_numbers:FALSE', '-d', 'tcp.port==1-65535,data'];

/** Warnings tshark gives about what the packet *says* (not how it is encoded); allowed for random packets. */
const SEMANTIC_WARNINGS = ['Connection reset (RST)', 'The non-SYN packet does contain a MSS option', 'D-SACK Sequence'];

const SEED = 20261121;

/** The hand-made vectors, each with the tcpdump line that shows it. */
const HANDMADE: Array<{ name: string; spec: PacketSpec }> = [
  {
    // tcpdump: 10.99.0.2.40000 > 10.99.0.1.5000: Flags [S], seq 4126488336, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0
    name: 'Linux-style SYN',
    spec: {
      ip: { src: '10.99.0.2', dst: '10.99.0.1', id: 1 },
      tcp: LINUX_SYN_TCP,
    },
  },
  {
    // tcpdump: 10.99.0.2.40000 > 10.99.0.1.5000: Flags [P.], seq 1:35, ack 1, win 502, length 34
    name: '34-byte PSH/ACK',
    spec: {
      ip: { src: '10.99.0.2', dst: '10.99.0.1', id: 2 },
      tcp: { srcPort: 40000, dstPort: 5000, seq: 4126488337, ack: 547479086, flags: Flag.PSH | Flag.ACK, window: 502 },
      payload: new TextEncoder().encode('tcpcraft netcat seed: hello, nc!!\n'),
    },
  },
  {
    // tcpdump: Flags [.], ack 1, win 502, options [nop,nop,sack 3 {..}{..}{..}], length 0
    name: 'ACK with three SACK blocks',
    spec: {
      ip: { src: '10.99.0.1', dst: '10.99.0.2', id: 3 },
      tcp: {
        srcPort: 5000,
        dstPort: 40000,
        seq: 547479086,
        ack: 4126488371,
        flags: Flag.ACK,
        window: 502,
        options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[4126488871, 4126489371], [4126489871, 4126490371], [0xfffffe00, 0x100]] }],
      },
    },
  },
  {
    // tcpdump: Flags [SEW], seq 7, win 65535, length 0   (ECN setup SYN)
    name: 'ECN SYN (ECE+CWR)',
    spec: { ip: { src: '192.0.2.1', dst: '192.0.2.2', ecn: 0 }, tcp: { srcPort: 40001, dstPort: 40002, seq: 7, ack: 0, flags: Flag.SYN | Flag.ECE | Flag.CWR } },
  },
  {
    // tcpdump: Flags [U.], seq 1:4, ack 1, win 100, urg 3, length 3   (odd payload length)
    name: 'URG/ACK with urgent pointer and a 3-byte payload',
    spec: { ip: { src: '192.0.2.1', dst: '192.0.2.2' }, tcp: { srcPort: 40001, dstPort: 40002, seq: 1, ack: 1, flags: Flag.URG | Flag.ACK, window: 100, urgent: 3 }, payload: fromHex('616263') },
  },
  {
    // tcpdump: Flags [FS], seq 0, win 0, length 0   (SYN+FIN, still representable)
    name: 'SYN+FIN',
    spec: { ip: { src: '192.0.2.1', dst: '192.0.2.2' }, tcp: { srcPort: 40001, dstPort: 40002, seq: 0, ack: 0, flags: Flag.SYN | Flag.FIN, window: 0 } },
  },
  {
    // tcpdump: Flags [none], seq 5, win 1, length 0   (NS set: shown by tshark as AE)
    name: 'NS only',
    spec: { ip: { src: '192.0.2.1', dst: '192.0.2.2' }, tcp: { srcPort: 40001, dstPort: 40002, seq: 5, ack: 0, flags: Flag.NS, window: 1 } },
  },
];

describe('wire vs tshark (independent oracle)', function () {
  this.timeout(60000);
  let dir = '';
  let specs: PacketSpec[] = [];
  let packets: Uint8Array[] = [];

  before(() => {
    requireTshark();
    dir = mkdtempSync(join(tmpdir(), 'tcpcraft-tshark-'));
    const random = fc.sample(
      packetSpecArb({ unknown: false, maxShift: 14, reservedBits: false, ports: fc.integer({ min: 1024, max: 65535 }) }),
      { seed: SEED, numRuns: 150 },
    );
    specs = [...HANDMADE.map((h) => h.spec), ...random];
    packets = specs.map(buildPacket);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, linkType: number, frames: Uint8Array[]): string {
    const file = join(dir, name);
    const records: PcapRecord[] = frames.map((data, i) => ({ timestampUs: 1_763_768_606_000_000n + BigInt(i), data }));
    writeFileSync(file, encodePcap(linkType, records));
    return file;
  }

  /** Checksum statuses, then the expert report, for one file. */
  function assertCleanAndGood(file: string, count: number): void {
    // tshark -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -r f -T fields -e ip.checksum.status -e tcp.checksum.status
    const rows = tsharkRecords(file, ['frame.number', 'ip.checksum.status', 'tcp.checksum.status'], [...CHECK, ...QUIET]);
    expect(rows.length).to.equal(count);
    for (const r of rows) {
      expect({ frame: r['frame.number'], ip: r['ip.checksum.status'], tcp: r['tcp.checksum.status'] }).to.deep.equal({ frame: r['frame.number'], ip: '1', tcp: '1' });
    }
    // tshark -r f -Y _ws.malformed   prints nothing
    expect(tshark(['-r', file, ...QUIET, '-Y', '_ws.malformed || _ws.expert.severity == error'])).to.equal('');
    // tshark -r f -q -z expert,warn   lists only warnings about what the packets say, none about their encoding
    const expert = tshark(['-r', file, ...CHECK, ...QUIET, '-q', '-z', 'expert,warn']);
    expect(expert).not.to.match(/Errors \(\d+\)/);
    expect(expert).not.to.match(/Malformed|Checksum|checksum|Bad/);
    const warnings = expert
      .split('\n')
      .map((l) => /^\s+\d+\s+\S+\s+\S+\s+(.*)$/.exec(l)?.[1]?.trim())
      .filter((s): s is string => s !== undefined && s !== 'Summary');
    for (const w of warnings) expect(SEMANTIC_WARNINGS, `unexpected tshark warning: ${w}`).to.include(w);
  }

  it('raw link type (101): every IPv4 and TCP checksum is good and nothing is malformed', () => {
    const file = write('raw.pcap', LinkType.RAW, packets);
    assertCleanAndGood(file, packets.length);
  });

  it('Ethernet link type (1): the same packets behind a 14-byte header', () => {
    const eth = fromHex('020000000001' + '020000000002' + '0800');
    const frames = packets.map((p) => new Uint8Array([...eth, ...p]));
    const file = write('eth.pcap', LinkType.ETHERNET, frames);
    assertCleanAndGood(file, frames.length);
    const rows = tsharkRecords(file, ['eth.type', 'tcp.seq_raw']);
    rows.forEach((r, i) => expect([r['eth.type'], Number(r['tcp.seq_raw'])]).to.deep.equal(['0x0800', specs[i]!.tcp.seq]));
  });

  it('tshark decodes every field as we put it: addresses, ports, seq/ack, flags, window, urgent, options, payload', () => {
    const file = write('fields.pcap', LinkType.RAW, packets);
    const rows = tsharkRecords(
      file,
      [
        'ip.src',
        'ip.dst',
        'ip.id',
        'ip.ttl',
        'ip.dsfield',
        'ip.flags',
        'ip.len',
        'tcp.srcport',
        'tcp.dstport',
        'tcp.seq_raw',
        'tcp.ack_raw',
        'tcp.flags',
        'tcp.window_size_value',
        'tcp.urgent_pointer',
        'tcp.hdr_len',
        'tcp.options',
        'tcp.payload',
        'data.data',
        'tcp.len',
        'tcp.options.mss_val',
        'tcp.options.wscale.shift',
        'tcp.options.timestamp.tsval',
        'tcp.options.timestamp.tsecr',
        'tcp.options.sack_le',
        'tcp.options.sack_re',
        '_ws.col.Info',
      ],
      QUIET,
    );
    expect(rows.length).to.equal(specs.length);
    specs.forEach((s, i) => {
      const t = rows[i]!;
      const bytes = packets[i]!;
      const p = expectOk(parsePacket(bytes));
      const at = `packet ${i + 1}`;
      const opts = s.tcp.options;
      if (opts instanceof Uint8Array) throw new Error('specs here use option values');
      expect(
        {
          src: t['ip.src'],
          dst: t['ip.dst'],
          id: num(t['ip.id']),
          ttl: num(t['ip.ttl']),
          tos: num(t['ip.dsfield']),
          ipFlags: num(t['ip.flags']),
          len: num(t['ip.len']),
          srcPort: num(t['tcp.srcport']),
          dstPort: num(t['tcp.dstport']),
          seq: num(t['tcp.seq_raw']),
          ack: num(t['tcp.ack_raw']),
          flags: num(t['tcp.flags']),
          window: num(t['tcp.window_size_value']),
          urgent: num(t['tcp.urgent_pointer']),
          headerLength: num(t['tcp.hdr_len']),
          options: t['tcp.options'],
          payloadLength: num(t['tcp.len']),
          // with -d ...,data the bytes are data.data; a RST's payload is shown as "Reset cause" text instead
          payload: s.tcp.flags & Flag.RST ? 'RST' : t['tcp.payload'] || t['data.data'],
          mss: t['tcp.options.mss_val'],
          wscale: t['tcp.options.wscale.shift'],
          tsval: t['tcp.options.timestamp.tsval'],
          tsecr: t['tcp.options.timestamp.tsecr'],
          sackLe: t['tcp.options.sack_le'],
          sackRe: t['tcp.options.sack_re'],
        },
        at,
      ).to.deep.equal({
        src: (s.ip as Ipv4Spec).src,
        dst: (s.ip as Ipv4Spec).dst,
        id: (s.ip as Ipv4Spec).id ?? 0,
        ttl: (s.ip as Ipv4Spec).ttl ?? 64,
        tos: (((s.ip as Ipv4Spec).dscp ?? 0) << 2) | ((s.ip as Ipv4Spec).ecn ?? 0),
        ipFlags: (s.ip as Ipv4Spec).flags ?? 2,
        len: bytes.length,
        srcPort: s.tcp.srcPort,
        dstPort: s.tcp.dstPort,
        seq: s.tcp.seq,
        ack: s.tcp.ack,
        flags: ((s.tcp.reserved ?? 0) << 9) | s.tcp.flags,
        window: s.tcp.window ?? 65535,
        urgent: s.tcp.urgent ?? 0,
        headerLength: p.tcp.dataOffset * 4,
        options: hex(p.tcp.optionBytes),
        payloadLength: s.payload?.length ?? 0,
        payload: s.tcp.flags & Flag.RST ? 'RST' : hex(s.payload ?? new Uint8Array(0)),
        mss: (opts ?? []).flatMap((o) => (o.kind === 'mss' ? [String(o.value)] : [])).join(','),
        wscale: (opts ?? []).flatMap((o) => (o.kind === 'wscale' ? [String(o.shift)] : [])).join(','),
        tsval: (opts ?? []).flatMap((o) => (o.kind === 'timestamp' ? [String(o.tsval)] : [])).join(','),
        tsecr: (opts ?? []).flatMap((o) => (o.kind === 'timestamp' ? [String(o.tsecr)] : [])).join(','),
        sackLe: (opts ?? []).flatMap((o) => (o.kind === 'sack' ? o.blocks.map((b) => String(b[0])) : [])).join(','),
        sackRe: (opts ?? []).flatMap((o) => (o.kind === 'sack' ? o.blocks.map((b) => String(b[1])) : [])).join(','),
      });
      // The Info column lists the flags the way flagNames does (Wireshark 4 says AE for NS, <None> for none).
      const names = s.tcp.flags === 0 ? '<None>' : flagNames(s.tcp.flags).replace('NS', 'AE');
      expect(t['_ws.col.Info'], at).to.contain(`[${names}]`);
    });
  });

  it('TCP Fast Open: tshark reads our cookie request and our cookie (RFC 7413, kind 34)', () => {
    const syn = (options: PacketSpec['tcp']['options']): Uint8Array =>
      buildPacket({ ip: { src: '10.99.0.2', dst: '10.99.0.1' }, tcp: { srcPort: 40000, dstPort: 5000, seq: 1, ack: 0, flags: Flag.SYN, options } });
    const cookie = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04]);
    const file = write('tfo.pcap', LinkType.RAW, [syn([{ kind: 'mss', value: 1460 }, { kind: 'fastOpen', cookie: new Uint8Array(0) }]), syn([{ kind: 'fastOpen', cookie }])]);
    const rows = tsharkRecords(file, ['tcp.options.tfo', 'tcp.options.tfo.request', 'tcp.options.tfo.cookie', 'tcp.checksum.status'], [...CHECK, ...QUIET]);
    expect(rows.map((r) => r['tcp.options.tfo.cookie'])).to.deep.equal(['', 'deadbeef01020304']);
    expect(rows[0]!['tcp.options.tfo.request']).to.not.equal('');
    expect(rows[1]!['tcp.options.tfo.request']).to.equal('');
    expect(rows.map((r) => r['tcp.checksum.status'])).to.deep.equal(['1', '1']); // 1: good
  });

  it('ICMP errors: tshark reads type, code, next-hop MTU and the quoted TCP ports and seq; both checksums good', () => {
    const data = buildPacket({ ip: { src: '10.99.0.2', dst: '10.99.0.1' }, tcp: { srcPort: 19, dstPort: 40000, seq: 123456789, ack: 1, flags: Flag.ACK, options: [] }, payload: new Uint8Array(1460) });
    const msgs = [
      buildIcmpError({ src: '10.99.0.1', dst: '10.99.0.2', type: 3, code: 4, mtu: 1400, quoted: data }),
      buildIcmpError({ src: '10.99.0.1', dst: '10.99.0.2', type: 4, code: 0, quoted: data }),
      buildIcmpError({ src: '10.99.0.1', dst: '10.99.0.2', type: 11, code: 0, quoted: data }),
    ];
    const file = write('icmp.pcap', LinkType.RAW, msgs);
    // Relative numbering off: the quoted seq is shown as sent.
    const rows = tsharkRecords(file, ['icmp.type', 'icmp.code', 'icmp.mtu', 'icmp.checksum.status', 'ip.checksum.status', 'tcp.srcport', 'tcp.dstport', 'tcp.seq'], ['-o', 'tcp.relative_sequence_numbers:FALSE', '-o', 'ip.check_checksum:TRUE', ...QUIET]);
    expect(rows.map((r) => [r['icmp.type'], r['icmp.code'], r['icmp.mtu']])).to.deep.equal([['3', '4', '1400'], ['4', '0', ''], ['11', '0', '']]);
    expect(rows.map((r) => r['icmp.checksum.status'])).to.deep.equal(['1', '1', '1']);
    for (const r of rows) {
      expect(r['ip.checksum.status']!.split(',')[0]).to.equal('1');
      expect([r['tcp.srcport'], r['tcp.dstport'], r['tcp.seq']]).to.deep.equal(['19', '40000', '123456789']);
    }
  });

  it('tshark agrees that the hand-made vectors say what their tcpdump lines say', () => {
    const file = write('handmade.pcap', LinkType.RAW, packets.slice(0, HANDMADE.length));
    const info = tsharkRecords(file, ['_ws.col.Info'], ['-o', 'tcp.analyze_sequence_numbers:FALSE']).map((r) => r['_ws.col.Info']);
    expect(info[0]).to.contain('[SYN]').and.contain('MSS=1460 SACK_PERM TSval=1 TSecr=0 WS=128');
    expect(info[1]).to.contain('[PSH, ACK]').and.contain('Len=34');
    expect(info[2]).to.contain('SLE=4126488871 SRE=4126489371').and.contain('SLE=4294966784 SRE=256');
    expect(info[3]).to.contain('[SYN, ECE, CWR]');
    expect(info[4]).to.contain('[ACK, URG]').and.contain('Urg=3').and.contain('Len=3');
    expect(info[5]).to.contain('[FIN, SYN]');
    expect(info[6]).to.contain('[AE]');
  });
});
