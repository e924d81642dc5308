import { expect } from 'chai';
import {
  emitTcpHeader,
  Flag,
  flagLetters,
  flagNames,
  parseFlagLetters,
  parseTcpHeader,
  segmentLength,
  tcpHeaderLength,
  type TcpHeader,
  type TcpSpec,
} from '../../src/wire/tcp.js';
import { assertBytesRoundTrip, deepFreeze, expectOk, fromHex, hex } from '../support/roundtrip.js';

// tcpdump -r test/fixtures/nc-opts-eth.pcap -n -v -x -c 1   (TCP header only: bytes 20.. of the IPv4 packet)
//   10.99.0.2.43926 > 10.99.0.1.5000: Flags [S], cksum 0x681e (correct), seq 2675559665, win 64240,
//   options [mss 1460,sackOK,TS val 2237931319 ecr 0,nop,wscale 10], length 0
const SYN_TCP = fromHex('ab9613889f79ccf100000000a002faf0681e0000020405b40402080a85641f37000000000103030a');

// tcpdump -r test/fixtures/nc-plain-eth.pcap -n -v -x 'tcp[13] == 0x18'
//   10.99.0.2.43914 > 10.99.0.1.5000: Flags [P.], cksum 0x7b66 (correct), seq 1:35, ack 1, win 64240, length 34
const PSH_TCP = fromHex('ab8a13885d435b5adad6bb805018faf07b6600007463706372616674206e657463617420736565643a2068656c6c6f2c206e6321210a');

/** The spec that rebuilds a parsed header exactly. */
function specOf(h: TcpHeader): TcpSpec {
  return {
    srcPort: h.srcPort,
    dstPort: h.dstPort,
    seq: h.seq,
    ack: h.ack,
    flags: h.flags,
    window: h.window,
    urgent: h.urgent,
    reserved: h.reserved,
    options: h.optionBytes,
    dataOffset: h.dataOffset,
    checksum: h.checksum,
  };
}

function emitHeader(spec: TcpSpec): Uint8Array {
  const buf = new Uint8Array(tcpHeaderLength(spec));
  emitTcpHeader(spec, buf, 0);
  return buf;
}

function header(b12: number, b13: number, extra = ''): Uint8Array {
  const h = fromHex(`0001 0002 00000003 00000004 ${b12.toString(16).padStart(2, '0')}${b13.toString(16).padStart(2, '0')} 0005 0006 0007 ${extra}`);
  return h;
}

function errorOf(bytes: Uint8Array) {
  const r = parseTcpHeader(bytes);
  if (r.ok) return expect.fail(`expected an error for ${hex(bytes)}`);
  return r.error;
}

describe('wire/tcp', () => {
  describe('real headers', () => {
    it('decodes every field of the Linux SYN', () => {
      const h = expectOk(parseTcpHeader(SYN_TCP));
      expect(h).to.deep.include({
        srcPort: 43926,
        dstPort: 5000,
        seq: 2675559665,
        ack: 0,
        dataOffset: 10,
        reserved: 0,
        flags: Flag.SYN,
        window: 64240,
        checksum: 0x681e,
        urgent: 0,
      });
      expect(h.options).to.deep.equal([
        { kind: 'mss', value: 1460 },
        { kind: 'sackOk' },
        { kind: 'timestamp', tsval: 2237931319, tsecr: 0 },
        { kind: 'nop' },
        { kind: 'wscale', shift: 10 },
      ]);
      expect(hex(h.optionBytes)).to.equal('020405b40402080a85641f37000000000103030a');
      expect(h.optionsError).to.equal(undefined);
    });
    it('re-emits the SYN header to identical bytes (parse then emit)', () => {
      assertBytesRoundTrip(SYN_TCP, parseTcpHeader, (h) => emitHeader(specOf(h)));
    });
    it('re-emits the SYN from option values (not raw bytes) to the same bytes, with automatic data offset', () => {
      const h = expectOk(parseTcpHeader(SYN_TCP));
      const bytes = emitHeader({ ...specOf(h), options: h.options, dataOffset: 'auto' });
      expect(hex(bytes)).to.equal(hex(SYN_TCP));
    });
    it('decodes the 34-byte PSH/ACK: header only, the payload follows the data offset', () => {
      const h = expectOk(parseTcpHeader(PSH_TCP));
      expect(h).to.deep.include({ seq: 0x5d435b5a, ack: 0xdad6bb80, dataOffset: 5, flags: Flag.PSH | Flag.ACK, window: 64240, checksum: 0x7b66 });
      expect(h.options).to.deep.equal([]);
      expect(h.optionBytes.length).to.equal(0);
      expect(PSH_TCP.length - h.dataOffset * 4).to.equal(34);
    });
  });

  describe('emitTcpHeader', () => {
    const spec: TcpSpec = {
      srcPort: 0xabcd,
      dstPort: 80,
      seq: 0xfedcba98,
      ack: 0x01234567,
      flags: Flag.NS | Flag.CWR | Flag.ECE | Flag.SYN,
      window: 0x1234,
      urgent: 0x5678,
      reserved: 0b101,
      options: [{ kind: 'mss', value: 1460 }, { kind: 'wscale', shift: 7 }],
      checksum: 0xbeef,
    };
    it('writes every byte into a 0xa5-filled buffer (option padding included) and nothing outside', () => {
      const buf = new Uint8Array(4 + 28 + 4).fill(0xa5);
      const n = emitTcpHeader(spec, buf, 4);
      expect(n).to.equal(28);
      // tcpdump would print: Flags [SEW], ... urg 22136, options [mss 1460,wscale 7,eol]
      expect(hex(buf)).to.equal('a5a5a5a5' + 'abcd0050fedcba9801234567' + '7bc2' + '1234beef5678' + '020405b4030307' + '00' + 'a5a5a5a5');
    });
    it('writes raw option bytes exactly as given, with an automatic data offset', () => {
      const buf = new Uint8Array(24).fill(0xa5);
      emitTcpHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 0, options: fromHex('01010101') }, buf, 0);
      expect(hex(buf)).to.equal('000100020000000300000004' + '6000' + 'ffff' + '0000' + '0000' + '01010101');
    });
    it('defaults: window 65535, urgent 0, reserved 0, no options, data offset 5, checksum field 0 (filled in later)', () => {
      const bytes = emitHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: Flag.ACK });
      expect(hex(bytes)).to.equal('000100020000000300000004' + '5010' + 'ffff' + '0000' + '0000');
    });
    it('sends a deliberately wrong data offset and checksum exactly as given', () => {
      const bytes = emitHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: Flag.ACK, dataOffset: 4, checksum: 0xdead });
      expect(bytes[12]).to.equal(0x40);
      expect(hex(bytes.subarray(16, 18))).to.equal('dead');
      const far = emitHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 0, dataOffset: 15 });
      expect(far[12]).to.equal(0xf0);
      expect(far.length).to.equal(20);
    });
    it('never mutates its (deep-frozen) input', () => {
      const frozen = deepFreeze({ ...spec, options: [{ kind: 'sack' as const, blocks: [[1, 2] as const] }] });
      expect(() => emitHeader(frozen)).not.to.throw();
      expect(frozen.options).to.deep.equal([{ kind: 'sack', blocks: [[1, 2]] }]);
    });
  });

  describe('flags, reserved bits and the urgent pointer, as seen', () => {
    const all: Array<[string, number, number, number]> = [
      // [name, byte 12 (offset/reserved/NS), byte 13, expected mask]
      ['FIN', 0x50, 0x01, Flag.FIN],
      ['SYN', 0x50, 0x02, Flag.SYN],
      ['RST', 0x50, 0x04, Flag.RST],
      ['PSH', 0x50, 0x08, Flag.PSH],
      ['ACK', 0x50, 0x10, Flag.ACK],
      ['URG', 0x50, 0x20, Flag.URG],
      ['ECE', 0x50, 0x40, Flag.ECE],
      ['CWR', 0x50, 0x80, Flag.CWR],
      ['NS', 0x51, 0x00, Flag.NS],
      ['all nine', 0x51, 0xff, 0x1ff],
      ['SYN+FIN', 0x50, 0x03, Flag.SYN | Flag.FIN],
      ['no flags', 0x50, 0x00, 0],
    ];
    for (const [name, b12, b13, mask] of all) {
      // tshark -r f -T fields -e tcp.flags   shows the 12-bit field (reserved, NS, CWR ... FIN)
      it(`${name}: flags 0x${mask.toString(16).padStart(3, '0')}, round trip`, () => {
        const bytes = header(b12, b13);
        const h = assertBytesRoundTrip(bytes, parseTcpHeader, (v) => emitHeader(specOf(v)));
        expect(h.flags).to.equal(mask);
        expect(h.reserved).to.equal(0);
        expect(h.dataOffset).to.equal(5);
      });
    }
    it('reports the three reserved bits (0b111) separately from NS', () => {
      const h = expectOk(parseTcpHeader(header(0x5e, 0x10)));
      expect(h.reserved).to.equal(7);
      expect(h.flags).to.equal(Flag.ACK);
      const h2 = expectOk(parseTcpHeader(header(0x5b, 0x00)));
      expect(h2.reserved).to.equal(0b101);
      expect(h2.flags).to.equal(Flag.NS);
    });
    it('reports the urgent pointer with and without URG', () => {
      expect(expectOk(parseTcpHeader(header(0x50, 0x30))).urgent).to.equal(7);
      expect(expectOk(parseTcpHeader(header(0x50, 0x10))).urgent).to.equal(7);
    });
    it('emits all nine flags and the reserved bits into bytes 12 and 13', () => {
      const bytes = emitHeader({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: 0x1ff, reserved: 7 });
      expect(hex(bytes.subarray(12, 14))).to.equal('5fff');
    });
  });

  describe('flag notation', () => {
    it('flagLetters: tcpcraft order F S R P A U E W N', () => {
      expect(flagLetters(Flag.SYN | Flag.ACK)).to.equal('SA');
      expect(flagLetters(Flag.PSH | Flag.ACK)).to.equal('PA');
      expect(flagLetters(Flag.FIN | Flag.ACK)).to.equal('FA');
      expect(flagLetters(Flag.FIN | Flag.PSH | Flag.ACK)).to.equal('FPA');
      expect(flagLetters(0x1ff)).to.equal('FSRPAUEWN');
      expect(flagLetters(0)).to.equal('');
    });
    it('parseFlagLetters: any order, "." for ACK, every letter, errors as sentences', () => {
      expect(parseFlagLetters('AS')).to.deep.equal({ ok: true, flags: Flag.SYN | Flag.ACK });
      expect(parseFlagLetters('P.')).to.deep.equal({ ok: true, flags: Flag.PSH | Flag.ACK });
      expect(parseFlagLetters('NWEUAPRSF')).to.deep.equal({ ok: true, flags: 0x1ff });
      expect(parseFlagLetters('')).to.deep.equal({ ok: true, flags: 0 });
      expect(parseFlagLetters('SX')).to.deep.equal({ ok: false, message: "unknown flag letter 'X' in 'SX' (use F S R P A U E W N, e.g. 'SA', 'PA', 'FA')" });
      expect(parseFlagLetters('A.')).to.deep.equal({ ok: false, message: "flag letter '.' given twice in 'A.'" });
      expect(parseFlagLetters('s').ok).to.equal(false);
      for (let m = 0; m < 0x200; m++) expect(parseFlagLetters(flagLetters(m))).to.deep.equal({ ok: true, flags: m });
    });
    it('flagNames: Wireshark names; <none> for no flag', () => {
      expect(flagNames(Flag.SYN | Flag.ACK)).to.equal('SYN, ACK');
      expect(flagNames(Flag.FIN | Flag.PSH | Flag.ACK)).to.equal('FIN, PSH, ACK');
      expect(flagNames(Flag.RST)).to.equal('RST');
      expect(flagNames(0)).to.equal('<none>');
      // tshark -r f -T fields -e _ws.col.Info   shows "[ACK, URG]", "[SYN, ECE, CWR]", "[FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE]"
      expect(flagNames(Flag.URG | Flag.ACK)).to.equal('ACK, URG');
      expect(flagNames(Flag.CWR | Flag.ECE | Flag.SYN)).to.equal('SYN, ECE, CWR');
      expect(flagNames(Flag.SYN | Flag.FIN)).to.equal('FIN, SYN');
      expect(flagNames(0x1ff)).to.equal('FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, NS');
    });
    it('segmentLength counts SYN and FIN as one each', () => {
      expect(segmentLength(Flag.SYN, 0)).to.equal(1);
      expect(segmentLength(Flag.SYN | Flag.FIN, 34)).to.equal(36);
      expect(segmentLength(Flag.PSH | Flag.ACK, 34)).to.equal(34);
    });
  });

  describe('truncated and malformed headers', () => {
    it('fewer than 20 bytes: truncated with needed/available', () => {
      expect(errorOf(SYN_TCP.subarray(0, 19))).to.deep.equal({
        kind: 'truncated',
        layer: 'tcp',
        field: 'header',
        offset: 19,
        needed: 20,
        available: 19,
        message: 'TCP header truncated in header at byte 19: need 20 bytes, have 19',
      });
      expect(errorOf(new Uint8Array(0))).to.include({ kind: 'truncated', needed: 20, available: 0 });
    });
    it('data offset 4: malformed at byte 12', () => {
      const e = errorOf(header(0x40, 0x10));
      expect(e).to.include({ kind: 'malformed', layer: 'tcp', field: 'dataOffset', offset: 12 });
      expect(e.message).to.equal('TCP data offset 4 < 5 (TCP header dataOffset, byte 12)');
      expect(errorOf(header(0x00, 0x10)).message).to.contain('TCP data offset 0 < 5');
    });
    it('data offset beyond the segment: malformed, with both lengths', () => {
      const e = errorOf(SYN_TCP.subarray(0, 39));
      expect(e).to.include({ kind: 'malformed', layer: 'tcp', field: 'dataOffset', offset: 12 });
      expect(e.message).to.equal('TCP data offset 10 (40 bytes) exceeds the 39-byte segment (TCP header dataOffset, byte 12)');
    });
    it('a bad option area is reported in optionsError (offset within the header), keeping the options before it', () => {
      const bytes = header(0x70, 0x02, '020405b4 0800 0000');
      const h = expectOk(parseTcpHeader(bytes));
      expect(h.options).to.deep.equal([{ kind: 'mss', value: 1460 }]);
      expect(h.optionsError).to.include({ kind: 'malformed', layer: 'tcp-option', field: 'length', offset: 25 });
      // still re-emits byte for byte from the raw option area
      assertBytesRoundTrip(bytes, parseTcpHeader, (v) => emitHeader(specOf(v)));
    });
    it('an option area ending in a kind byte: optionsError truncated', () => {
      const h = expectOk(parseTcpHeader(header(0x60, 0x02, '01010102')));
      expect(h.options).to.deep.equal([{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }]);
      expect(h.optionsError).to.include({ kind: 'truncated', layer: 'tcp-option', field: 'length', offset: 24, needed: 2, available: 1 });
    });
  });
});
