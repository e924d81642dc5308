import { expect } from 'chai';
import {
  emitOptions,
  encodeOptions,
  formatOption,
  formatOptions,
  optionLength,
  optionsLength,
  parseOptions,
  type TcpOption,
} from '../../src/wire/options.js';
import { assertBytesRoundTrip, assertValueRoundTrip, expectOk, fromHex, hex } from '../support/roundtrip.js';

// tcpdump -r test/fixtures/nc-opts-eth.pcap -n -v -c 1
//   options [mss 1460,sackOK,TS val 2237931319 ecr 0,nop,wscale 10]
const SYN_OPTIONS = fromHex('020405b40402080a85641f37000000000103030a');
const SYN_VALUES: TcpOption[] = [
  { kind: 'mss', value: 1460 },
  { kind: 'sackOk' },
  { kind: 'timestamp', tsval: 2237931319, tsecr: 0 },
  { kind: 'nop' },
  { kind: 'wscale', shift: 10 },
];

// tcpdump -r test/fixtures/sack-eth.pcap -n -v 'tcp[tcpflags] == tcp-ack and tcp[12] == 0xb0' -c 1
//   options [nop,nop,TS val 3056637116 ecr 3453295151,nop,nop,sack 1 {1573:2097}]   (raw: sack 1 {1560794973..})
const SACK_OPTIONS = fromHex('0101080ab63094bccdd51a2f0101050a5d07d75d5d07d969');

function errorOf(bytes: Uint8Array) {
  const r = parseOptions(bytes);
  if (r.ok) return expect.fail(`expected an error for ${hex(bytes)}, got ${JSON.stringify(r.value)}`);
  return r.error;
}

describe('wire/options', () => {
  describe('real option areas', () => {
    it('decodes the Linux SYN options and re-encodes them to the same bytes', () => {
      const v = assertBytesRoundTrip(SYN_OPTIONS, parseOptions, encodeOptions);
      expect(v).to.deep.equal(SYN_VALUES);
      expect(formatOptions(v)).to.equal('mss 1460,sackOK,TS val 2237931319 ecr 0,nop,wscale 10');
    });
    it('decodes the SACK block of the duplicate ACK (raw sequence numbers)', () => {
      const v = assertBytesRoundTrip(SACK_OPTIONS, parseOptions, encodeOptions);
      expect(v).to.deep.equal([
        { kind: 'nop' },
        { kind: 'nop' },
        { kind: 'timestamp', tsval: 3056637116, tsecr: 3453295151 },
        { kind: 'nop' },
        { kind: 'nop' },
        { kind: 'sack', blocks: [[0x5d07d75d, 0x5d07d969]] },
      ]);
      expect(0x5d07d969 - 0x5d07d75d).to.equal(524);
    });
    it('decodes up to four SACK blocks', () => {
      const opt: TcpOption = { kind: 'sack', blocks: [[1, 2], [3, 4], [0xfffffff0, 0x10], [0xffffffff, 0]] };
      const bytes = assertValueRoundTrip([opt], encodeOptions, parseOptions);
      expect(bytes.length).to.equal(34);
      expect(bytes[1]).to.equal(34);
    });
  });

  describe('emitting into a buffer', () => {
    it('writes every byte of the options, and only those, into a 0xa5-filled buffer', () => {
      const buf = new Uint8Array(SYN_OPTIONS.length + 8).fill(0xa5);
      const end = emitOptions(SYN_VALUES, buf, 4);
      expect(end).to.equal(4 + SYN_OPTIONS.length);
      expect(hex(buf.subarray(4, end))).to.equal(hex(SYN_OPTIONS));
      expect(hex(buf.subarray(0, 4))).to.equal('a5a5a5a5');
      expect(hex(buf.subarray(end))).to.equal('a5a5a5a5');
    });
    it('writes into a subarray view at its own offsets', () => {
      const backing = new Uint8Array(40).fill(0xa5);
      const view = backing.subarray(10, 30);
      emitOptions([{ kind: 'timestamp', tsval: 0x01020304, tsecr: 0x05060708 }], view, 2);
      expect(hex(backing.subarray(12, 22))).to.equal('080a0102030405060708');
      expect(backing[11]).to.equal(0xa5);
      expect(backing[22]).to.equal(0xa5);
    });
    it('counts lengths: eol/nop 1, mss 4, wscale 3, sackOK 2, sack 2+8n, TS 10, unknown 2+data', () => {
      expect(SYN_VALUES.map(optionLength)).to.deep.equal([4, 2, 10, 1, 3]);
      expect(optionsLength(SYN_VALUES)).to.equal(20);
      expect(optionLength({ kind: 'eol' })).to.equal(1);
      expect(optionLength({ kind: 'sack', blocks: [[1, 2], [3, 4]] })).to.equal(18);
      expect(optionLength({ kind: 'unknown', code: 30, data: new Uint8Array(5) })).to.equal(7);
    });
  });

  describe('faithful decoding', () => {
    // tcpdump shows these as "unknown-30 0x0102" / "mss" with a bad length
    it('keeps an unknown kind as {kind: unknown, code, data}', () => {
      const bytes = fromHex('1e0401020101');
      const v = assertBytesRoundTrip(bytes, parseOptions, encodeOptions);
      expect(v).to.deep.equal([{ kind: 'unknown', code: 30, data: fromHex('0102') }, { kind: 'nop' }, { kind: 'nop' }]);
      expect(formatOption(v[0]!)).to.equal('opt-30:0102');
    });
    it('keeps an unknown kind with no data (length 2)', () => {
      const v = assertBytesRoundTrip(fromHex('fd02'), parseOptions, encodeOptions);
      expect(v).to.deep.equal([{ kind: 'unknown', code: 253, data: new Uint8Array(0) }]);
    });
    const oddLengths: Array<[string, string, number]> = [
      ['MSS with length 3', '020305', 2],
      ['MSS with length 6', '020605b40000', 2],
      ['window scale with length 4', '03040a00', 3],
      ['sackOK with length 3', '040300', 4],
      ['timestamp with length 8', '0808000000010000', 8],
      ['SACK with no block (length 2)', '0502', 5],
      ['SACK with a half block (length 6)', '050600000001', 5],
    ];
    for (const [name, h, code] of oddLengths) {
      it(`keeps a ${name} as unknown, byte for byte`, () => {
        const bytes = fromHex(h);
        const v = assertBytesRoundTrip(bytes, parseOptions, encodeOptions);
        expect(v).to.deep.equal([{ kind: 'unknown', code, data: bytes.slice(2) }]);
      });
    }
    it('stops at EOL and does not return the padding after it as options', () => {
      const v = expectOk(parseOptions(fromHex('03030a00 00ff0102')));
      expect(v).to.deep.equal([{ kind: 'wscale', shift: 10 }, { kind: 'eol' }]);
    });
    it('decodes an empty area as no options', () => {
      expect(expectOk(parseOptions(new Uint8Array(0)))).to.deep.equal([]);
    });
  });

  describe('TCP Fast Open (RFC 7413 §4.1.1, kind 34)', () => {
    // tcpdump -n -v: options [mss 1460,tfo cookiereq]  /  options [mss 1460,tfo cookie 0102030405060708]
    const REQUEST = fromHex('020405b4 2202');
    const COOKIE = fromHex('020405b4 220a 0102030405060708');
    it('decodes a cookie request (length 2) and re-encodes it to the same bytes', () => {
      const v = assertBytesRoundTrip(REQUEST, parseOptions, encodeOptions);
      expect(v).to.deep.equal([{ kind: 'mss', value: 1460 }, { kind: 'fastOpen', cookie: new Uint8Array(0) }]);
      expect(formatOptions(v)).to.equal('mss 1460,tfo cookiereq');
    });
    it('decodes an 8-byte cookie and re-encodes it to the same bytes', () => {
      const v = assertBytesRoundTrip(COOKIE, parseOptions, encodeOptions);
      expect(v[1]).to.deep.equal({ kind: 'fastOpen', cookie: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) });
      expect(formatOption(v[1]!)).to.equal('tfo cookie 0102030405060708');
      expect(optionLength(v[1]!)).to.equal(10);
    });
    it('keeps a kind 34 of a length RFC 7413 does not allow (3, 19) as unknown, byte for byte', () => {
      for (const area of [fromHex('2203aa 00'), fromHex('2213' + '11'.repeat(17) + '00')]) {
        const v = expectOk(parseOptions(area));
        expect(v[0]!.kind).to.equal('unknown');
        expect(hex(encodeOptions(v.slice(0, 1)))).to.equal(hex(area.subarray(0, area.length - 1)));
      }
    });
    it('emits a cookie of any length as given (a crafter may send an illegal one)', () => {
      expect(hex(encodeOptions([{ kind: 'fastOpen', cookie: Uint8Array.from([0xab]) }]))).to.equal('2203ab');
    });
  });

  describe('malformed and truncated option areas', () => {
    it('length 0: malformed, naming the length byte', () => {
      const e = errorOf(fromHex('0101 0200 0000'));
      expect(e).to.include({ kind: 'malformed', layer: 'tcp-option', field: 'length', offset: 3 });
      expect(e.message).to.equal('TCP option kind 2 has length 0 < 2 (TCP option length, byte 3)');
    });
    it('length 1: malformed', () => {
      const e = errorOf(fromHex('1e01'));
      expect(e).to.include({ kind: 'malformed', layer: 'tcp-option', field: 'length', offset: 1 });
      expect(e.message).to.contain('length 1 < 2');
    });
    it('length running past the area: malformed, with the bytes left', () => {
      const e = errorOf(fromHex('01 080a 00000001'));
      expect(e).to.include({ kind: 'malformed', layer: 'tcp-option', field: 'length', offset: 2 });
      expect(e.message).to.equal('TCP option kind 8 length 10 runs past the option area (6 bytes left) (TCP option length, byte 2)');
    });
    it('area ending in a kind byte: truncated, needing 2 bytes with 1 available', () => {
      const e = errorOf(fromHex('010101 02'));
      expect(e).to.deep.equal({
        kind: 'truncated',
        layer: 'tcp-option',
        field: 'length',
        offset: 4,
        needed: 2,
        available: 1,
        message: 'TCP option truncated in length at byte 4: need 2 bytes, have 1',
      });
    });
  });
});
