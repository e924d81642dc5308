import type { Ipv4Header } from '../../src/wire/ipv4.js';
import { expect } from 'chai';
import {
  fold,
  ipv4HeaderChecksum,
  onesSum,
  pseudoHeaderSum,
  tcpChecksum,
  verifyIpv4Checksum,
  verifyTcpChecksum,
} from '../../src/wire/checksum.js';
import { parsePacket, verifyChecksums } from '../../src/wire/packet.js';
import { expectOk, fromHex } from '../support/roundtrip.js';
import { fixtureFrames, FIXTURE_FILES, fixturePath, tsharkRecords } from './oracle.js';

// tcpdump -r test/fixtures/nc-opts-eth.pcap -n -v -x -c 1
//   IP (tos 0x0, ttl 64, id 4571, offset 0, flags [DF], proto TCP (6), length 60)
//   10.99.0.2.43926 > 10.99.0.1.5000: Flags [S], cksum 0x681e (correct), seq 2675559665, win 64240,
//   options [mss 1460,sackOK,TS val 2237931319 ecr 0,nop,wscale 10], length 0
const SYN = fromHex('4500003c11db4000400614190a6300020a630001ab9613889f79ccf100000000a002faf0681e0000020405b40402080a85641f37000000000103030a');

// tcpdump -r test/fixtures/nc-plain-eth.pcap -n -v -x 'tcp[13] == 0x18'
//   10.99.0.2.43914 > 10.99.0.1.5000: Flags [P.], cksum 0x7b66 (correct), seq 1:35, ack 1, win 64240, length 34
const PSH = fromHex(
  '4500004a328c40004006f3590a6300020a630001ab8a13885d435b5adad6bb805018faf07b6600007463706372616674206e657463617420736565643a2068656c6c6f2c206e6321210a',
);

// tcpdump -r test/fixtures/nc-offload-eth.pcap -n -v -x -c 1   (client TX checksum offload on)
//   10.99.0.2.43936 > 10.99.0.1.5000: Flags [S], cksum 0x14f7 (incorrect -> 0x0317), seq 1086474675, ...
const OFFLOADED_SYN = fromHex('4500003c689440004006bd5f0a6300020a630001aba0138840c249b300000000a002faf014f70000020405b40402080a8eb55cd9000000000103030a');

function withZeroedTcpChecksum(packet: Uint8Array): Uint8Array {
  const copy = packet.slice();
  copy[36] = 0;
  copy[37] = 0;
  return copy;
}

describe('wire/checksum', () => {
  describe('RFC 1071 arithmetic', () => {
    it('sums the RFC 1071 §3 example (00 01 f2 03 f4 f5 f6 f7) to 0xddf2', () => {
      const b = fromHex('0001f203f4f5f6f7');
      expect(onesSum(b)).to.equal(0x2ddf0);
      expect(fold(onesSum(b))).to.equal(0xddf2);
    });
    it('pads an odd tail with a zero byte', () => {
      expect(onesSum(fromHex('0102ab'))).to.equal(0x0102 + 0xab00);
    });
    it('folds repeatedly until 16 bits', () => {
      expect(fold(0x1fffe)).to.equal(0xffff);
      expect(fold(0xffff_ffff)).to.equal(0xffff);
      expect(fold(0)).to.equal(0);
    });
    it('sums the pseudo-header: source, destination, protocol, length', () => {
      const src = fromHex('0a630002');
      const dst = fromHex('0a630001');
      expect(pseudoHeaderSum(src, dst, 6, 40)).to.equal(0x0a63 + 0x0002 + 0x0a63 + 0x0001 + 6 + 40);
    });
  });

  describe('captured packets', () => {
    it('recomputes the captured IPv4 checksum 0x1419 of the SYN after zeroing it', () => {
      const zeroed = SYN.slice();
      zeroed[10] = 0;
      zeroed[11] = 0;
      expect(ipv4HeaderChecksum(zeroed, 20)).to.equal(0x1419);
      expect(ipv4HeaderChecksum(SYN, 20)).to.equal(0x1419); // the field itself is skipped
    });
    it('recomputes the captured TCP checksum 0x681e of the SYN after zeroing it', () => {
      expect(tcpChecksum(withZeroedTcpChecksum(SYN), 20)).to.equal(0x681e);
    });
    it('recomputes the captured TCP checksum 0x7b66 of the 34-byte PSH/ACK after zeroing it', () => {
      expect(tcpChecksum(withZeroedTcpChecksum(PSH), 20)).to.equal(0x7b66);
    });
    it("says 'good' for the captured SYN and PSH/ACK", () => {
      expect(verifyIpv4Checksum(SYN)).to.equal('good');
      expect(verifyTcpChecksum(SYN, 20)).to.equal('good');
      expect(verifyIpv4Checksum(PSH)).to.equal('good');
      expect(verifyTcpChecksum(PSH, 20)).to.equal('good');
    });
    it("says 'bad' for every single flipped bit of the PSH/ACK (IPv4 header bits for the IPv4 sum, all bits for TCP)", () => {
      for (let bit = 0; bit < PSH.length * 8; bit++) {
        const m = PSH.slice();
        m[bit >> 3]! ^= 0x80 >> (bit & 7);
        const byte = bit >> 3;
        if (byte < 20) expect(verifyIpv4Checksum(m), `bit ${bit}`).to.equal('bad');
        // The TCP sum covers the addresses (pseudo-header) and the whole segment, not the rest of the IP header.
        if (byte >= 12) expect(verifyTcpChecksum(m, 20), `bit ${bit}`).to.equal('bad');
      }
    });
    it("says 'offloaded' for the SYN captured before TX checksum offload filled the sum in", () => {
      // The field holds the folded pseudo-header sum: 10.99.0.2 + 10.99.0.1 + 6 + 40.
      expect(fold(pseudoHeaderSum(fromHex('0a630002'), fromHex('0a630001'), 6, 40))).to.equal(0x14f7);
      expect(verifyTcpChecksum(OFFLOADED_SYN, 20)).to.equal('offloaded');
      expect(verifyIpv4Checksum(OFFLOADED_SYN)).to.equal('good');
      expect(tcpChecksum(OFFLOADED_SYN, 20)).to.equal(0x0317); // what tcpdump says it should be
    });
    it("says 'bad' (not 'offloaded') when a pseudo-header-only sum was computed over the wrong length", () => {
      const m = OFFLOADED_SYN.slice();
      m[37] = 0xf8; // 0x14f8
      expect(verifyTcpChecksum(m, 20)).to.equal('bad');
    });
    it("says 'bad' for headers that cannot hold a checksum", () => {
      expect(verifyIpv4Checksum(SYN.subarray(0, 19))).to.equal('bad');
      const ihl4 = SYN.slice();
      ihl4[0] = 0x44;
      expect(verifyIpv4Checksum(ihl4)).to.equal('bad');
      expect(verifyTcpChecksum(SYN.subarray(0, 37), 20)).to.equal('bad');
    });
  });

  describe('every fixture packet, against tshark', () => {
    for (const f of FIXTURE_FILES) {
      // tshark -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -r FILE -T fields -e ip.checksum -e tcp.checksum -e tcp.checksum.status
      it(`${f.name}: recomputed checksums equal the captured ones and tshark's verdicts`, () => {
        const rows = tsharkRecords(fixturePath(f.name), ['ip.checksum', 'ip.checksum.status', 'tcp.checksum', 'tcp.checksum.status'], [
          '-o',
          'ip.check_checksum:TRUE',
          '-o',
          'tcp.check_checksum:TRUE',
        ]);
        const frames = fixtureFrames(f.name);
        expect(frames.length).to.equal(rows.length);
        frames.forEach((fr, i) => {
          const row = rows[i]!;
          const p = fr.packet;
          const ihl = (p.ip as Ipv4Header).ihl * 4;
          expect((p.ip as Ipv4Header).checksum, `frame ${i + 1} ip.checksum`).to.equal(Number(row['ip.checksum']));
          expect(p.tcp.checksum, `frame ${i + 1} tcp.checksum`).to.equal(Number(row['tcp.checksum']));
          expect(ipv4HeaderChecksum(p.bytes, ihl), `frame ${i + 1}`).to.equal((p.ip as Ipv4Header).checksum);
          const report = verifyChecksums(p);
          expect(report.ip, `frame ${i + 1}`).to.equal('good');
          expect(row['ip.checksum.status']).to.equal('1');
          // tshark: 1 good, 0 bad. A pseudo-header-only sum is 'bad' to tshark and 'offloaded' to us.
          const expected = row['tcp.checksum.status'] === '1' ? 'good' : 'offloaded';
          expect(report.tcp, `frame ${i + 1}`).to.equal(expected);
          if (expected === 'good') expect(tcpChecksum(withZeroedTcpChecksumAt(p.bytes, ihl), ihl)).to.equal(p.tcp.checksum);
        });
        const statuses = new Set(frames.map((fr) => verifyChecksums(fr.packet).tcp));
        expect([...statuses].sort()).to.deep.equal(f.name === 'nc-offload-eth.pcap' ? ['good', 'offloaded'] : ['good']);
      });
    }
  });

  it('verifyChecksums works on a parsed packet', () => {
    expect(verifyChecksums(expectOk(parsePacket(PSH)))).to.deep.equal({ ip: 'good', tcp: 'good' });
    expect(verifyChecksums(expectOk(parsePacket(OFFLOADED_SYN)))).to.deep.equal({ ip: 'good', tcp: 'offloaded' });
  });
});

function withZeroedTcpChecksumAt(packet: Uint8Array, tcpStart: number): Uint8Array {
  const copy = packet.slice();
  copy[tcpStart + 16] = 0;
  copy[tcpStart + 17] = 0;
  return copy;
}
