/**
 * `ip: { ecn }` in an expectation, as import-pkt uses it for packetdrill's [ect0]/[ect1]/[ce]/
 * [noecn]/[ect01] marks: the ECN field of the segment's IP header (RFC 3168 §5: 0 Not-ECT,
 * 1 ECT(1), 2 ECT(0), 3 CE), the low two bits of IPv4's TOS byte or of IPv6's traffic class,
 * whatever the DSCP; a value, a matcher or a use() of a capture. And its validation.
 */
import { expect as chaiExpect } from 'chai';
import { diffExpectation, matchExpectation } from '../../src/engine/match.js';
import { viewOf } from '../../src/engine/state.js';
import { expect, scenario, send } from '../../src/scenario/dsl.js';
import { capture, oneOf, use } from '../../src/scenario/matchers.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { buildPacket, parsePacket } from '../../src/wire/packet.js';
import { Flag } from '../../src/wire/tcp.js';
import { SEED_FLOW, SEED_ISN, SEED_PEER_ISN } from './helpers.js';

const ISNS = { local: SEED_ISN, peer: SEED_PEER_ISN };

/** The peer's PSH/ACK (seq 1, ack 1, 10 bytes) with `ecn` (and `dscp`) in its IP header, over IPv4 or IPv6. */
function dataWith(ecn: number, o: { dscp?: number; v6?: boolean } = {}) {
  const tcp = { srcPort: SEED_FLOW.peerPort, dstPort: SEED_FLOW.localPort, seq: SEED_PEER_ISN + 1, ack: SEED_ISN + 1, flags: Flag.PSH | Flag.ACK, window: 1000, options: [] };
  const ip = o.v6 ? { src: 'fd77::2', dst: 'fd77::1', trafficClass: ((o.dscp ?? 0) << 2) | ecn } : { src: SEED_FLOW.peerIp, dst: SEED_FLOW.localIp, ecn, dscp: o.dscp ?? 0 };
  const r = parsePacket(buildPacket({ ip, tcp, payload: new Uint8Array(10) }));
  if (!r.ok) throw new Error(r.error.message);
  return viewOf(r.value, 'in', ISNS, 0n);
}

describe('engine/match: ip.ecn', () => {
  it('matches the ECN codepoint of an IPv4 segment, whatever the DSCP', () => {
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: 2 } }), dataWith(2, { dscp: 46 }), ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: 0 } }), dataWith(0), ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: 3 } }), dataWith(3, { dscp: 63 }), ISNS)).to.deep.equal([]);
  });

  it('reports a different codepoint as an ip difference', () => {
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: 2 } }), dataWith(1), ISNS)).to.deep.equal([{ field: 'ip', expected: 'ecn 2', actual: 'ecn 1' }]);
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: 2 } }), dataWith(0, { dscp: 2 }), ISNS)).to.deep.equal([{ field: 'ip', expected: 'ecn 2', actual: 'ecn 0' }]);
  });

  it('reads the low two bits of the IPv6 traffic class', () => {
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: 2 } }), dataWith(2, { v6: true, dscp: 10 }), ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: 1 } }), dataWith(3, { v6: true }), ISNS)).to.deep.equal([{ field: 'ip', expected: 'ecn 1', actual: 'ecn 3' }]);
  });

  it('takes matchers and captures like the other IP fields', () => {
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: oneOf(1, 2) } }), dataWith(1), ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('PA', { ip: { ecn: oneOf(1, 2) } }), dataWith(3), ISNS)).to.deep.equal([{ field: 'ip', expected: 'ecn oneOf(1, 2)', actual: 'ecn 3' }]);
    const got = matchExpectation(expect('PA', { ip: { ecn: capture('e') } }), dataWith(2), { isns: ISNS });
    chaiExpect(got.diffs).to.deep.equal([]);
    chaiExpect(got.captures).to.deep.equal([['e', 2]]);
    const known = new Map([['e', 2]]);
    chaiExpect(matchExpectation(expect('PA', { ip: { ecn: use('e') } }), dataWith(2), { isns: ISNS, known }).diffs).to.deep.equal([]);
    chaiExpect(matchExpectation(expect('PA', { ip: { ecn: use('e') } }), dataWith(1), { isns: ISNS, known }).diffs).to.deep.equal([{ field: 'ip', expected: "ecn use('e')", actual: 'ecn 1' }]);
  });

  it('validation takes 0..3 and refuses anything else', () => {
    const sc = (ecn: unknown) => scenario({ name: 'e', peer: { host: '10.77.0.2', port: 9 }, steps: [send('S'), expect('SA', { ip: { ecn } as never })] });
    for (const ok of [0, 1, 2, 3, oneOf(1, 2)]) chaiExpect(() => validateScenario(sc(ok), 'x.ts')).to.not.throw();
    for (const bad of [4, -1, 1.5, 'ect0']) chaiExpect(() => validateScenario(sc(bad), 'x.ts')).to.throw(/ip\.ecn/);
  });
});
