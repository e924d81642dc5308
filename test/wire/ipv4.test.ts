import { expect } from 'chai';
import {
  emitIpv4Header,
  formatIpv4Address,
  IpFlag,
  ipv4HeaderLength,
  parseIpv4Address,
  parseIpv4Header,
  type Ipv4Header,
  type Ipv4Spec,
} from '../../src/wire/ipv4.js';
import { assertBytesRoundTrip, deepFreeze, expectOk, fromHex, hex } from '../support/roundtrip.js';
import { UsageError } from '../../src/errors.js';

// tcpdump -r test/fixtures/nc-opts-eth.pcap -n -v -x -c 1   (first 20 bytes: the IPv4 header)
//   IP (tos 0x0, ttl 64, id 4571, offset 0, flags [DF], proto TCP (6), length 60) 10.99.0.2 > 10.99.0.1
const SYN_IP = fromHex('4500003c11db4000400614190a6300020a630001');

function specOf(h: Ipv4Header): Ipv4Spec {
  return {
    src: h.src,
    dst: h.dst,
    version: h.version,
    ihl: h.ihl,
    dscp: h.dscp,
    ecn: h.ecn,
    totalLength: h.totalLength,
    id: h.id,
    flags: h.flags,
    fragmentOffset: h.fragmentOffset,
    ttl: h.ttl,
    protocol: h.protocol,
    checksum: h.checksum,
    options: h.options,
  };
}

function emit(spec: Ipv4Spec, segmentLength = 0): Uint8Array {
  const buf = new Uint8Array(ipv4HeaderLength(spec));
  emitIpv4Header(spec, segmentLength, buf, 0);
  return buf;
}

function errorOf(bytes: Uint8Array) {
  const r = parseIpv4Header(bytes);
  if (r.ok) return expect.fail(`expected an error for ${hex(bytes)}`);
  return r.error;
}

describe('wire/ipv4', () => {
  it('decodes every field of the captured SYN header', () => {
    const h = expectOk(parseIpv4Header(SYN_IP));
    expect({ ...h, options: hex(h.options) }).to.deep.equal({
      version: 4,
      ihl: 5,
      dscp: 0,
      ecn: 0,
      totalLength: 60,
      id: 4571,
      flags: IpFlag.DF,
      fragmentOffset: 0,
      ttl: 64,
      protocol: 6,
      checksum: 0x1419,
      src: '10.99.0.2',
      dst: '10.99.0.1',
      options: '',
    });
  });

  it('re-emits the captured header to identical bytes', () => {
    assertBytesRoundTrip(SYN_IP, parseIpv4Header, (h) => emit(specOf(h)));
  });

  // tcpdump -v: IP (tos 0xb9,ECT(1), ttl 1, id 65535, offset 65528, flags [+, evil], proto UDP (17), length 65535, options (NOP,NOP,NOP,EOL))
  it('decodes DSCP/ECN, all three flag bits, the largest fragment offset and IP options as seen', () => {
    const bytes = fromHex('4 6 b9 ffff ffff ffff 01 11 0000 c0a80001 08080808 01010100');
    const h = assertBytesRoundTrip(bytes, parseIpv4Header, (v) => emit(specOf(v)));
    expect(h).to.deep.include({ ihl: 6, dscp: 0x2e, ecn: 1, totalLength: 65535, id: 65535, flags: 7, fragmentOffset: 0x1fff, ttl: 1, protocol: 17 });
    expect(hex(h.options)).to.equal('01010100');
  });

  describe('emitIpv4Header', () => {
    it('writes every byte into a 0xa5-filled buffer, with automatic IHL and total length, checksum field 0 when auto', () => {
      const buf = new Uint8Array(2 + 24 + 2).fill(0xa5);
      const n = emitIpv4Header({ src: '10.99.0.2', dst: '10.99.0.1', id: 0x1234, ttl: 63, options: fromHex('94040000') }, 40, buf, 2);
      expect(n).to.equal(24);
      expect(hex(buf)).to.equal('a5a5' + '4600' + '0040' + '1234' + '4000' + '3f06' + '0000' + '0a630002' + '0a630001' + '94040000' + 'a5a5');
    });
    it('defaults: version 4, DF, TTL 64, protocol 6, id 0, tos 0', () => {
      expect(hex(emit({ src: '1.2.3.4', dst: '5.6.7.8' }, 20))).to.equal('45000028000040004006000001020304' + '05060708');
    });
    it('sends a deliberately wrong IHL, total length, version and checksum exactly as given', () => {
      const bytes = emit({ src: '1.2.3.4', dst: '5.6.7.8', ihl: 4, totalLength: 19, version: 6, checksum: 0xbad0, flags: 0, fragmentOffset: 3 }, 40);
      expect(hex(bytes)).to.equal('6400' + '0013' + '0000' + '0003' + '4006' + 'bad0' + '01020304' + '05060708');
    });
    it('never mutates its (deep-frozen) input', () => {
      const spec = deepFreeze<Ipv4Spec>({ src: '1.2.3.4', dst: '5.6.7.8', ttl: 9 });
      expect(() => emit(spec, 0)).not.to.throw();
      expect(spec).to.deep.equal({ src: '1.2.3.4', dst: '5.6.7.8', ttl: 9 });
    });
    it('throws a UsageError naming an unparseable address', () => {
      expect(() => emit({ src: '1.2.3', dst: '5.6.7.8' })).to.throw(UsageError, "invalid IPv4 source address '1.2.3'");
      expect(() => emit({ src: '1.2.3.4', dst: '256.0.0.1' })).to.throw(UsageError, "invalid IPv4 destination address '256.0.0.1'");
    });
  });

  it('parses and formats dotted quads strictly', () => {
    expect(hex(parseIpv4Address('10.99.0.255')!)).to.equal('0a6300ff');
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '1.2.3.-1', 'a.b.c.d', '1.2.3.4 ']) {
      expect(parseIpv4Address(bad), bad).to.equal(undefined);
    }
    expect(formatIpv4Address(fromHex('ff0a6300fe'), 1)).to.equal('10.99.0.254');
  });

  describe('truncated and malformed headers', () => {
    it('empty input: truncated in version', () => {
      expect(errorOf(new Uint8Array(0))).to.deep.equal({
        kind: 'truncated',
        layer: 'ipv4',
        field: 'version',
        offset: 0,
        needed: 20,
        available: 0,
        message: 'IPv4 header truncated in version at byte 0: need 20 bytes, have 0',
      });
    });
    it('19 bytes: truncated in header', () => {
      expect(errorOf(SYN_IP.subarray(0, 19))).to.include({ kind: 'truncated', layer: 'ipv4', field: 'header', offset: 19, needed: 20, available: 19 });
    });
    it('version 6: unsupported at byte 0', () => {
      const e = errorOf(fromHex('6000000000000000'));
      expect(e).to.include({ kind: 'unsupported', layer: 'ipv4', field: 'version', offset: 0 });
      expect(e.message).to.equal('IP version 6 is not 4 (IPv4 header version, byte 0)');
    });
    it('IHL 4: malformed at byte 0', () => {
      const m = SYN_IP.slice();
      m[0] = 0x44;
      const e = errorOf(m);
      expect(e).to.include({ kind: 'malformed', layer: 'ipv4', field: 'ihl', offset: 0 });
      expect(e.message).to.equal('IPv4 IHL 4 < 5 (IPv4 header ihl, byte 0)');
    });
    it('IHL 6 with 20 bytes: truncated in options, needing 24', () => {
      const m = SYN_IP.slice();
      m[0] = 0x46;
      expect(errorOf(m)).to.include({ kind: 'truncated', layer: 'ipv4', field: 'options', offset: 20, needed: 24, available: 20 });
    });
    it('total length < header length: malformed at byte 2', () => {
      const m = SYN_IP.slice();
      m[2] = 0;
      m[3] = 19;
      const e = errorOf(m);
      expect(e).to.include({ kind: 'malformed', layer: 'ipv4', field: 'totalLength', offset: 2 });
      expect(e.message).to.equal('IPv4 total length 19 < header length 20 (IPv4 header totalLength, byte 2)');
    });
  });
});
