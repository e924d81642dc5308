import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { encodePcap, LinkType, parsePcap, pcapGlobalHeader, pcapRecord, PCAP_SNAPLEN, type PcapFile } from '../../src/wire/index.js';
import { assertValueRoundTrip, expectOk, fromHex, hex } from '../support/roundtrip.js';
import { FIXTURE_FILES, fixturePath, readFixture, tsharkRecords } from './oracle.js';

function errorOf(bytes: Uint8Array) {
  const r = parsePcap(bytes);
  if (r.ok) return expect.fail('expected an error');
  return r.error;
}

const RECORDS = [
  { timestampUs: 1_763_768_606_031_934n, data: fromHex('450000140000400040060000'), originalLength: 12 },
  { timestampUs: 0n, data: new Uint8Array(0), originalLength: 0 },
  { timestampUs: 999_999n, data: fromHex('ff'), originalLength: 1500 },
];

describe('wire/pcap', () => {
  it('writes the 24-byte little-endian microsecond global header', () => {
    // xxd -l 24 test/fixtures/nc-plain-eth.pcap  (tcpdump's own header: the same bytes, link type 1)
    expect(hex(pcapGlobalHeader(LinkType.RAW))).to.equal('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '65000000');
    expect(PCAP_SNAPLEN).to.equal(262144);
  });

  it('writes a record: seconds, microseconds, included and original lengths, data', () => {
    expect(hex(pcapRecord({ timestampUs: 1_000_002n, data: fromHex('abcd') }))).to.equal('01000000' + '02000000' + '02000000' + '02000000' + 'abcd');
    expect(hex(pcapRecord({ timestampUs: 5n, data: fromHex('ab'), originalLength: 60 })).slice(16 * 2 - 8, 16 * 2)).to.equal('3c000000');
  });

  it('encode then parse gives the same file', () => {
    const value: PcapFile = { linkType: LinkType.RAW, snaplen: PCAP_SNAPLEN, records: RECORDS };
    assertValueRoundTrip(value, (v) => encodePcap(v.linkType, v.records), parsePcap);
  });

  it('reads big-endian and nanosecond files', () => {
    // A big-endian nanosecond file (magic a1b23c4d), as some tools write it.
    const be = fromHex('a1b23c4d 0002 0004 00000000 00000000 0000ffff 00000065' + '00000002 3b9ac9ff 00000001 00000014' + 'ee');
    const f = expectOk(parsePcap(be));
    expect(f.linkType).to.equal(101);
    expect(f.snaplen).to.equal(65535);
    expect(f.records).to.deep.equal([{ timestampUs: 2_999_999n, data: fromHex('ee'), originalLength: 20 }]);
    const leNs = fromHex('4d3cb2a1 0200 0400 00000000 00000000 0000ffff 01000000' + '01000000 e8030000 00000000 00000000');
    expect(expectOk(parsePcap(leNs)).records[0]!.timestampUs).to.equal(1_000_001n);
  });

  it('masks the FCS bits out of the link type field', () => {
    const h = pcapGlobalHeader(LinkType.ETHERNET);
    h[23] = 0x10; // FCS present bit
    expect(expectOk(parsePcap(h)).linkType).to.equal(1);
  });

  describe('truncated and malformed files', () => {
    it('shorter than the global header: truncated', () => {
      expect(errorOf(new Uint8Array(23))).to.deep.equal({
        kind: 'truncated',
        layer: 'pcap',
        field: 'globalHeader',
        offset: 0,
        needed: 24,
        available: 23,
        message: 'pcap file truncated in globalHeader at byte 0: need 24 bytes, have 23',
      });
    });
    it('a pcapng file (or anything else) is malformed in magic', () => {
      const ng = fromHex('0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffffffffffff 1c000000');
      const e = errorOf(ng);
      expect(e).to.include({ kind: 'malformed', layer: 'pcap', field: 'magic', offset: 0 });
      expect(e.message).to.equal('magic 0xa0d0d0a is not a pcap file (pcapng is not supported) (pcap file magic, byte 0)');
    });
    it('a cut-off record header: truncated at its offset', () => {
      const bytes = encodePcap(LinkType.RAW, RECORDS.slice(0, 1));
      expect(errorOf(bytes.subarray(0, 24 + 15))).to.include({ kind: 'truncated', field: 'recordHeader', offset: 24, needed: 16, available: 15 });
    });
    it('cut-off record data: truncated, needing the included length', () => {
      const bytes = encodePcap(LinkType.RAW, RECORDS.slice(0, 1));
      expect(errorOf(bytes.subarray(0, bytes.length - 1))).to.include({ kind: 'truncated', field: 'recordData', offset: 40, needed: 12, available: 11 });
    });
    it('an absurd included length is truncated, not a crash', () => {
      const bytes = encodePcap(LinkType.RAW, RECORDS.slice(0, 1));
      bytes[32] = 0xff;
      bytes[33] = 0xff;
      bytes[34] = 0xff;
      bytes[35] = 0xff;
      expect(errorOf(bytes)).to.include({ kind: 'truncated', field: 'recordData', needed: 0xffffffff });
    });
  });

  describe('the tcpdump fixtures', () => {
    for (const f of FIXTURE_FILES) {
      // tshark -r FILE -T fields -e frame.time_epoch -e frame.len -e frame.cap_len
      it(`${f.name}: link type ${f.linkType}, ${f.packets} records, timestamps and lengths as tshark reads them; re-encodes byte for byte`, () => {
        const raw = new Uint8Array(readFileSync(fixturePath(f.name)));
        const file = readFixture(f.name);
        expect(file.linkType).to.equal(f.linkType);
        expect(file.snaplen).to.equal(262144);
        const rows = tsharkRecords(fixturePath(f.name), ['frame.time_epoch', 'frame.len', 'frame.cap_len']);
        expect(file.records.length).to.equal(rows.length);
        file.records.forEach((r, i) => {
          const t = rows[i]!;
          const [sec, frac] = t['frame.time_epoch']!.split('.');
          expect(r.timestampUs, `record ${i + 1}`).to.equal(BigInt(sec!) * 1_000_000n + BigInt(frac!.padEnd(9, '0').slice(0, 6)));
          expect(r.data.length).to.equal(Number(t['frame.cap_len']));
          expect(r.originalLength).to.equal(Number(t['frame.len']));
        });
        // tcpdump writes the same little-endian microsecond form encodePcap does.
        expect(hex(encodePcap(file.linkType, file.records))).to.equal(hex(raw));
      });
    }
  });
});
