/**
 * IPv4 source routes (src/wire/route.ts): the option parsed, the final destination of a route not
 * yet complete used for the TCP pseudo-header and for telling which flow a packet belongs to, and
 * the `ip: { dst, route }` expectation. tshark is the oracle for the checksum: it, too, sums the
 * final destination.
 */
import { expect, expect as chaiExpect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPacket, parsePacket, verifyChecksums, encodePcap, frameOf, LinkType, Flag } from '../../src/wire/index.js';
import { describeRoute, finalDestination, finalDestinationOffset, sourceRouteOf } from '../../src/wire/route.js';
import { directionOf } from '../../src/engine/flow.js';
import { tsharkFields } from './oracle.js';
import { expectOk } from '../support/roundtrip.js';
import { viewOf } from '../../src/engine/state.js';
import { diffExpectation } from '../../src/engine/match.js';
import { expect as expectStep, scenario, send } from '../../src/scenario/dsl.js';
import { validateScenario } from '../../src/scenario/validate.js';

/** LSRR of one address, 10.77.0.201, complete (pointer 8), then EOL. */
const CAME_VIA = Uint8Array.of(131, 7, 8, 10, 77, 0, 201, 0);
/** LSRR to visit 10.77.0.1 (pointer 4, not complete), after a NOP. */
const GO_VIA = Uint8Array.of(1, 131, 7, 4, 10, 77, 0, 1);
/** SSRR of two addresses, the pointer at the second. */
const STRICT = Uint8Array.of(137, 11, 8, 192, 0, 2, 1, 10, 77, 0, 1, 0);

const tcp = { srcPort: 9, dstPort: 40000, seq: 100, ack: 200, flags: Flag.SYN | Flag.ACK, window: 1000 };

describe('IPv4 source routes', () => {
  it('parses loose and strict routes, their pointer and whether they are complete', () => {
    expect(sourceRouteOf(CAME_VIA)).to.deep.equal({ strict: false, pointer: 8, addresses: ['10.77.0.201'], complete: true, offset: 0 });
    expect(sourceRouteOf(GO_VIA)).to.deep.equal({ strict: false, pointer: 4, addresses: ['10.77.0.1'], complete: false, offset: 1 });
    expect(sourceRouteOf(STRICT)).to.include({ strict: true, pointer: 8, complete: false });
    expect(describeRoute(sourceRouteOf(STRICT)!)).to.equal('SSRR 192.0.2.1 10.77.0.1 (next: 2 of 2)');
    expect(describeRoute(sourceRouteOf(CAME_VIA)!)).to.equal('LSRR 10.77.0.201 (complete)');
  });

  it('finds no route in other options, and none in malformed ones (a length past the end, or below 2)', () => {
    expect(sourceRouteOf(Uint8Array.of(1, 1, 30, 4, 0, 0, 0, 0))).to.equal(undefined);
    expect(sourceRouteOf(Uint8Array.of(131, 9, 4, 10, 77, 0, 1, 0))).to.equal(undefined);
    expect(sourceRouteOf(Uint8Array.of(7, 0, 131, 7, 4, 10, 77, 0))).to.equal(undefined);
    expect(sourceRouteOf(Uint8Array.of(0, 131, 7, 4, 10, 77, 0, 1))).to.equal(undefined);
    expect(sourceRouteOf(new Uint8Array())).to.equal(undefined);
  });

  it("the final destination is an unfinished route's last address, else the header's", () => {
    expect(finalDestination({ dst: '10.77.0.201', options: GO_VIA })).to.equal('10.77.0.1');
    expect(finalDestination({ dst: '10.77.0.2', options: CAME_VIA })).to.equal('10.77.0.2');
    expect(finalDestination({ dst: '192.0.2.1', options: STRICT })).to.equal('10.77.0.1');
    expect(finalDestination({ dst: 'fd77::2' })).to.equal('fd77::2');
    const bytes = buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.201', options: GO_VIA }, tcp });
    expect(finalDestinationOffset(bytes)).to.equal(20 + 1 + 3);
  });

  it('sums the final destination in the pseudo-header: the same checksum as the packet sent there directly', () => {
    const routed = buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.201', options: GO_VIA }, tcp });
    // Same TCP bytes and options length, the route complete and the header addressed to 10.77.0.1.
    const direct = buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.1', options: Uint8Array.of(1, 131, 7, 8, 10, 77, 0, 201) }, tcp });
    const checksum = (b: Uint8Array): number => (b[28 + 16]! << 8) | b[28 + 17]!;
    expect(checksum(routed)).to.equal(checksum(direct));
    const plain = buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.201' }, tcp });
    expect((plain[36]! << 8) | plain[37]!).to.not.equal(checksum(routed));
    expect(verifyChecksums(expectOk(parsePacket(routed), 'routed'))).to.deep.equal({ ip: 'good', tcp: 'good' });
  });

  it('a routed answer belongs to the flow of its final destination, not of its next hop', () => {
    const answer = expectOk(parsePacket(buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.201', options: GO_VIA }, tcp })), 'answer');
    const flow = { localIp: '10.77.0.1', localPort: 40000, peerIp: '10.77.0.2', peerPort: 9 };
    expect(directionOf(answer, flow)).to.equal('in');
    expect(directionOf(answer, { ...flow, localIp: '10.77.0.201' })).to.equal(undefined);
  });

  it('tshark finds every TCP checksum good and reads the same route', function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'tcpcraft-route-'));
    try {
      const packets = [
        buildPacket({ ip: { src: '10.77.0.1', dst: '10.77.0.2', options: CAME_VIA }, tcp: { ...tcp, srcPort: 40000, dstPort: 9, flags: Flag.SYN } }),
        buildPacket({ ip: { src: '10.77.0.2', dst: '10.77.0.201', options: GO_VIA }, tcp }),
        buildPacket({ ip: { src: '10.77.0.2', dst: '192.0.2.1', options: STRICT }, tcp, payload: new TextEncoder().encode('strict') }),
      ];
      const file = join(dir, 'routes.pcap');
      writeFileSync(file, encodePcap(LinkType.ETHERNET, packets.map((p, i) => ({ timestampUs: BigInt(i), data: frameOf(p, LinkType.ETHERNET) }))));
      // tshark -r routes.pcap -o tcp.check_checksum:TRUE -T fields -e ip.dst -e ip.dst_host -e tcp.checksum.status
      const rows = tsharkFields(file, ['ip.dst', 'tcp.checksum.status'], ['-o', 'tcp.check_checksum:TRUE']);
      expect(rows.map((r) => r[1])).to.deep.equal(['1', '1', '1']);
      // Wireshark's ip.dst is the final destination, as ours.
      expect(rows.map((r) => r[0])).to.deep.equal(packets.map((p) => finalDestination(expectOk(parsePacket(p), 'p').ip as { dst: string; options: Uint8Array })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the ip: { dst, route } expectation', () => {
  const isns = { local: 200 - 1, peer: 100 };
  const view = (options?: Uint8Array, dst = '10.77.0.201') => viewOf(expectOk(parsePacket(buildPacket({ ip: { src: '10.77.0.2', dst, ...(options ? { options } : {}) }, tcp })), 'p'), 'in', isns, 0n);
  const check = (ip: Record<string, unknown>, v: ReturnType<typeof view>) => diffExpectation(expectStep('SA', { ip } as never), v, isns);

  it('holds for the next hop and the addresses left from the pointer on', () => {
    chaiExpect(check({ dst: '10.77.0.201', route: ['10.77.0.1'] }, view(GO_VIA))).to.deep.equal([]);
    chaiExpect(check({ route: ['10.77.0.1'] }, view(STRICT, '192.0.2.1'))).to.deep.equal([]);
    chaiExpect(check({ route: [] }, view(CAME_VIA, '10.77.0.1'))).to.deep.equal([]);
  });

  it('says what differs: the destination, the route, or no route at all', () => {
    chaiExpect(check({ dst: '10.77.0.1' }, view(GO_VIA))).to.deep.equal([{ field: 'ip', expected: 'dst 10.77.0.1', actual: 'dst 10.77.0.201' }]);
    chaiExpect(check({ route: ['10.77.0.99', '10.77.0.1'] }, view(GO_VIA))).to.deep.equal([{ field: 'ip', expected: 'route [10.77.0.99, 10.77.0.1]', actual: 'route [10.77.0.1] (LSRR 10.77.0.1 (next: 1 of 1))' }]);
    chaiExpect(check({ route: ['10.77.0.1'] }, view(undefined, '10.77.0.1'))).to.deep.equal([{ field: 'ip', expected: 'route [10.77.0.1]', actual: 'no source route option' }]);
  });

  it('a scenario naming a wrong address in them is refused, naming the field', () => {
    const sc = (ip: unknown) => scenario({ name: 'x', peer: { host: '10.77.0.2', port: 9 }, steps: [send('S'), expectStep('SA', { ip } as never)] });
    chaiExpect(() => validateScenario(sc({ route: ['10.77.0.1', 'nowhere'] }), 'x.ts')).to.throw(/ip\.route\[1\].*'nowhere' is not an IPv4 address/);
    chaiExpect(() => validateScenario(sc({ dst: 42 }), 'x.ts')).to.throw(/ip\.dst.*42 is not an IP address/);
    chaiExpect(() => validateScenario(sc({ route: '10.77.0.1' }), 'x.ts')).to.throw(/ip\.route: must be/);
  });
});
