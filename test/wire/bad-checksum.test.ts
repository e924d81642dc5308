/** `checksum: 'bad'` builds the right checksum with its lowest bit flipped: one that never verifies. */
import type { Ipv4Header } from '../../src/wire/ipv4.js';
import { expect } from 'chai';
import fc from 'fast-check';
import { buildPacket, parsePacket, verifyChecksums } from '../../src/wire/packet.js';
import { Flag } from '../../src/wire/tcp.js';

function spec(seq: number, payload: Uint8Array, tcp: 'auto' | 'bad', ip: 'auto' | 'bad') {
  return { ip: { src: '10.77.0.1', dst: '10.77.0.2', checksum: ip }, tcp: { srcPort: 40000, dstPort: 5000, seq, ack: 1, flags: Flag.PSH | Flag.ACK, checksum: tcp }, payload };
}

describe("wire: checksum 'bad'", () => {
  it('differs from the right checksum in exactly the lowest bit, and verifies as bad', () => {
    const good = buildPacket(spec(1000, new TextEncoder().encode('checksum test\n'), 'auto', 'auto'));
    const bad = buildPacket(spec(1000, new TextEncoder().encode('checksum test\n'), 'bad', 'bad'));
    const g = parsePacket(good);
    const b = parsePacket(bad);
    if (!g.ok || !b.ok) throw new Error('unreadable');
    expect(b.value.tcp.checksum ^ g.value.tcp.checksum).to.equal(1);
    expect((b.value.ip as Ipv4Header).checksum ^ (g.value.ip as Ipv4Header).checksum).to.equal(1);
    expect(verifyChecksums(g.value)).to.deep.equal({ ip: 'good', tcp: 'good' });
    expect(verifyChecksums(b.value)).to.deep.equal({ ip: 'bad', tcp: 'bad' });
  });

  it('never verifies, whatever the segment (property, fixed seed)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.uint8Array({ maxLength: 64 }), (seq, payload) => {
        const r = parsePacket(buildPacket(spec(seq, payload, 'bad', 'auto')));
        return r.ok && verifyChecksums(r.value).tcp === 'bad';
      }),
      { seed: 4242, numRuns: 500 },
    );
  });
});
