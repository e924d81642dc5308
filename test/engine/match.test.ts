/**
 * The matcher: every differing field is reported, in the documented order (flags, seq, ack,
 * window, len, payload, options), with raw values beside relative ones for seq and ack.
 */
import { expect as chaiExpect } from 'chai';
import { diffExpectation, showPayload } from '../../src/engine/match.js';
import { expect, mss, nop, sack, sackOk, wscale } from '../../src/scenario/dsl.js';
import { Flag } from '../../src/wire/tcp.js';
import { SEED_ISN, SEED_PEER_ISN, viewFor } from './helpers.js';

const ISNS = { local: SEED_ISN, peer: SEED_PEER_ISN };
const A = Flag.ACK;

/** The seed's "Seq: 1, Ack: 35" ACK from the server, with a window of 10233. */
const ACK35 = viewFor({ dir: 'in', seq: 547479086, ack: 4126488371, flags: A, window: 10233 }, ISNS);

describe('engine/match', () => {
  it('a matching segment gives no diffs', () => {
    chaiExpect(diffExpectation(expect('A', { seq: 1, ack: 35, window: 10233, len: 0 }), ACK35, ISNS)).to.deep.equal([]);
  });

  it('fields left out are not compared (only flags are always checked)', () => {
    chaiExpect(diffExpectation(expect('A'), ACK35, ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('PA'), ACK35, ISNS)).to.deep.equal([{ field: 'flags', expected: "'PA'", actual: "'A'" }]);
  });

  it('flag letters match in any order', () => {
    const fa = viewFor({ dir: 'in', seq: 547479086, ack: 4126488372, flags: Flag.FIN | A }, ISNS);
    chaiExpect(diffExpectation(expect('AF'), fa, ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('F.'), fa, ISNS)).to.deep.equal([]);
  });

  it('reports a wrong ack with relative and raw values', () => {
    chaiExpect(diffExpectation(expect('A', { seq: 1, ack: 36 }), ACK35, ISNS)).to.deep.equal([
      { field: 'ack', expected: '36', actual: '35', expectedRaw: 4126488372, actualRaw: 4126488371 },
    ]);
  });

  it('reports every differing field, in order: flags, seq, ack, window, len, payload, options', () => {
    const actual = viewFor({ dir: 'in', seq: 547479090, ack: 4126488338, flags: Flag.PSH | A, window: 2000, payload: 'hello', options: [mss(536)] }, ISNS);
    const step = expect('FA', { options: [mss(1460), nop(), wscale(7)], payload: 'abc', len: 3, window: 1000, ack: 1, seq: 0 });
    chaiExpect(diffExpectation(step, actual, ISNS)).to.deep.equal([
      { field: 'flags', expected: "'FA'", actual: "'PA'" },
      { field: 'seq', expected: '0', actual: '5', expectedRaw: 547479085, actualRaw: 547479090 },
      { field: 'ack', expected: '1', actual: '2', expectedRaw: 4126488337, actualRaw: 4126488338 },
      { field: 'window', expected: '1000', actual: '2000' },
      { field: 'len', expected: '3', actual: '5' },
      { field: 'payload', expected: '"abc"', actual: '"hello"' },
      { field: 'options', expected: 'mss 1460,nop,wscale 7', actual: 'mss 536' },
    ]);
  });

  it("compares the seq raw, and says so, when the peer's ISN is not known", () => {
    const rst = viewFor({ dir: 'in', seq: 0, ack: 4126488337, flags: Flag.RST | A }, { local: SEED_ISN });
    chaiExpect(diffExpectation(expect('RA', { seq: 0, ack: 1 }), rst, { local: SEED_ISN })).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('RA', { seq: 5, ack: 1 }), rst, { local: SEED_ISN })).to.deep.equal([
      { field: 'seq', expected: '5', actual: "raw 0 (the peer's ISN is not known)", actualRaw: 0 },
    ]);
  });

  it('says the ack is raw when the ACK flag is missing', () => {
    const r = viewFor({ dir: 'in', seq: 547479086, ack: 4126488337, flags: Flag.RST }, ISNS);
    chaiExpect(diffExpectation(expect('R', { ack: 1 }), r, ISNS)).to.deep.equal([
      { field: 'ack', expected: '1', actual: 'raw 4126488337 (no ACK flag)', expectedRaw: 4126488337, actualRaw: 4126488337 },
    ]);
  });

  it('a negative relative seq (-1, a keep-alive probe) matches relative 2^32 - 1', () => {
    const probe = viewFor({ dir: 'in', seq: 547479085, ack: 4126488337, flags: A }, ISNS);
    chaiExpect(diffExpectation(expect('A', { seq: 0 }), probe, ISNS)).to.deep.equal([]);
    const before = viewFor({ dir: 'in', seq: 547479084, ack: 4126488337, flags: A }, ISNS);
    chaiExpect(diffExpectation(expect('A', { seq: -1 }), before, ISNS)).to.deep.equal([]);
  });

  it('matches the SYN/ACK against the ISN it carries', () => {
    const sa = viewFor({ dir: 'in', seq: 547479085, ack: 4126488337, flags: Flag.SYN | A, options: [mss(1460), nop(), wscale(6), nop(), nop(), sackOk()] }, { local: SEED_ISN });
    const isns = { local: SEED_ISN, peer: 547479085 };
    chaiExpect(diffExpectation(expect('SA', { seq: 0, ack: 1, options: [mss(1460), nop(), wscale(6), nop(), nop(), sackOk()] }), sa, isns)).to.deep.equal([]);
  });

  it('compares SACK edges relative to our ISN', () => {
    const v = viewFor({ dir: 'in', seq: 547479086, ack: 4126488337, flags: A, options: [nop(), nop(), sack([4126488347, 4126488357])] }, ISNS);
    chaiExpect(diffExpectation(expect('A', { options: [nop(), nop(), sack([11, 21])] }), v, ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('A', { options: [nop(), nop(), sack([11, 22])] }), v, ISNS)).to.deep.equal([
      { field: 'options', expected: 'nop,nop,sack 1 {11:22}', actual: 'nop,nop,sack 1 {11:21}' },
    ]);
  });

  it('expected options on a segment without any say (none)', () => {
    chaiExpect(diffExpectation(expect('A', { options: [mss(1460)] }), ACK35, ISNS)).to.deep.equal([{ field: 'options', expected: 'mss 1460', actual: '(none)' }]);
    const withMss = viewFor({ dir: 'in', seq: 547479086, ack: 4126488371, flags: A, options: [mss(1460)] }, ISNS);
    chaiExpect(diffExpectation(expect('A', { options: [] }), withMss, ISNS)).to.deep.equal([{ field: 'options', expected: '(none)', actual: 'mss 1460' }]);
  });

  it('payload bytes: text as JSON, binary as hex', () => {
    const bin = viewFor({ dir: 'in', seq: 547479086, ack: 4126488371, flags: Flag.PSH | A, payload: Uint8Array.from([0, 1, 0xff]) }, ISNS);
    chaiExpect(diffExpectation(expect('PA', { payload: 'ok\n' }), bin, ISNS)).to.deep.equal([{ field: 'payload', expected: '"ok\\n"', actual: '0x0001ff' }]);
    chaiExpect(diffExpectation(expect('PA', { payload: Uint8Array.from([0, 1, 0xff]), len: 3 }), bin, ISNS)).to.deep.equal([]);
  });

  it('showPayload', () => {
    chaiExpect(showPayload(new TextEncoder().encode('Hello\tworld\r\n'))).to.equal('"Hello\\tworld\\r\\n"');
    chaiExpect(showPayload(new Uint8Array(0))).to.equal('""');
    chaiExpect(showPayload(Uint8Array.from([0xc3, 0xa9]))).to.equal('0xc3a9');
  });
});

describe('match: the Diffserv and ECN fields of the IP header', () => {
  /** An ACK from the peer whose TOS byte is `tos` (DSCP in its upper 6 bits, ECN in the lower 2). */
  function withTos(tos: number) {
    const v = viewFor({ dir: 'in', seq: 547479086, ack: 4126488337, flags: A }, ISNS);
    const bytes = Uint8Array.from(v.packet.bytes);
    bytes[1] = tos;
    return { ...v, packet: { ...v.packet, ip: { ...v.packet.ip, dscp: tos >> 2, ecn: tos & 3 }, bytes } };
  }

  it('dscp and ecn are checked from the TOS byte, each on its own', () => {
    chaiExpect(diffExpectation(expect('A', { ip: { dscp: 8 } }), withTos(0x20), ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('A', { ip: { dscp: 8, ecn: 2 } }), withTos(0x22), ISNS)).to.deep.equal([]);
    const wrong = diffExpectation(expect('A', { ip: { dscp: 18 } }), withTos(0x20), ISNS);
    chaiExpect(wrong.map((d) => [d.field, d.expected, d.actual])).to.deep.equal([['ip', 'dscp 18', 'dscp 8']]);
    const ce = diffExpectation(expect('A', { ip: { ecn: 0 } }), withTos(0x03), ISNS);
    chaiExpect(ce.map((d) => [d.field, d.expected, d.actual])).to.deep.equal([['ip', 'ecn 0', 'ecn 3']]);
  });
});
