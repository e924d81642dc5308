/** The connection-state reducer: ISN learning, next sequence numbers, FIN/RST bookkeeping. */
import { expect } from 'chai';
import { hasStarted, initialState, isClosed, learnIsn, observe, viewOf, type ConnState } from '../../src/engine/state.js';
import { Flag } from '../../src/wire/tcp.js';
import { packetOf, SEED_ISN, SEED_PEER_ISN, viewFor, type Seg } from './helpers.js';

const A = Flag.ACK;
const FA = Flag.FIN | Flag.ACK;

/** Plays raw segments through the reducer, each viewed with what was known before it. */
function play(segs: Seg[], start: ConnState = initialState(SEED_ISN)): ConnState {
  return segs.reduce((st, s, i) => observe(st, viewFor(s, st.isns), i), start);
}

/** The netcat seed, raw, row by row. */
const SEED: Seg[] = [
  { dir: 'out', seq: 4126488336, flags: Flag.SYN },
  { dir: 'in', seq: 547479085, ack: 4126488337, flags: Flag.SYN | A },
  { dir: 'out', seq: 4126488337, ack: 547479086, flags: A },
  { dir: 'out', seq: 4126488337, ack: 547479086, flags: Flag.PSH | A, payload: 'x'.repeat(34) },
  { dir: 'in', seq: 547479086, ack: 4126488371, flags: A },
  { dir: 'out', seq: 4126488371, ack: 547479086, flags: FA },
  { dir: 'in', seq: 547479086, ack: 4126488372, flags: A },
  { dir: 'in', seq: 547479086, ack: 4126488372, flags: FA },
  { dir: 'out', seq: 4126488372, ack: 547479087, flags: A },
];

describe('engine/state', () => {
  it('starts with our ISN, nothing sent, nothing known of the peer', () => {
    expect(initialState(5)).to.deep.equal({ isns: { local: 5 }, sndNxt: 0, finSent: false, finReceived: false, finAcked: false });
    expect(initialState(5, 9).isns).to.deep.equal({ local: 5, peer: 9 });
    expect(hasStarted(initialState(5))).to.equal(false);
    expect(isClosed(initialState(5))).to.equal(false);
  });

  it("learns the peer's ISN from its SYN only", () => {
    expect(learnIsn({ local: 1 }, packetOf({ dir: 'in', seq: 77, ack: 2, flags: Flag.SYN | A }), 'in')).to.deep.equal({ local: 1, peer: 77 });
    expect(learnIsn({ local: 1 }, packetOf({ dir: 'in', seq: 77, ack: 2, flags: A }), 'in')).to.deep.equal({ local: 1 });
    expect(learnIsn({ local: 1 }, packetOf({ dir: 'out', seq: 77, flags: Flag.SYN }), 'out')).to.deep.equal({ local: 1 });
  });

  it("viewOf numbers the peer's SYN against the ISN it carries", () => {
    const v = viewOf(packetOf(SEED[1]!), 'in', { local: SEED_ISN }, 42n);
    expect(v.rel).to.include({ seq: 0, ack: 1, seqRelative: true, ackRelative: true });
    expect(v).to.include({ dir: 'in', len: 0, timestampUs: 42n });
    expect(v.checksums).to.deep.equal({ ip: 'good', tcp: 'good' });
  });

  it('follows the seed: sndNxt 36, rcvNxt 2, peer ack raw 4126488372, closed', () => {
    const st = play(SEED);
    expect(st).to.deep.equal({
      isns: { local: SEED_ISN, peer: SEED_PEER_ISN },
      sndNxt: 36,
      rcvNxt: 2,
      peerAck: 4126488372,
      finSent: true,
      finReceived: true,
      finAcked: true,
    });
    expect(isClosed(st)).to.equal(true);
    expect(hasStarted(st)).to.equal(true);
  });

  it('step by step: SYN makes sndNxt 1; SYN/ACK makes rcvNxt 1; 34 bytes make sndNxt 35', () => {
    expect(play(SEED.slice(0, 1)).sndNxt).to.equal(1);
    expect(play(SEED.slice(0, 2))).to.include({ rcvNxt: 1, peerAck: 4126488337 });
    expect(play(SEED.slice(0, 4)).sndNxt).to.equal(35);
  });

  it('our FIN is acked only by an ack covering it', () => {
    const beforeAck = play(SEED.slice(0, 6));
    expect(beforeAck).to.include({ finSent: true, finAcked: false, sndNxt: 36 });
    // an ACK of the data only (35) does not ack the FIN
    const partial = observe(beforeAck, viewFor({ dir: 'in', seq: 547479086, ack: 4126488371, flags: A }, beforeAck.isns), 6);
    expect(partial.finAcked).to.equal(false);
    expect(isClosed(play(SEED.slice(0, 7)))).to.equal(false);
    // the FIN/ACK acks ours: both FINs seen and ours acked, so closed
    expect(isClosed(play([...SEED.slice(0, 6), SEED[7]!]))).to.equal(true);
  });

  it('an ack below sndNxt does not count, even across the wrap', () => {
    const start = initialState(0xfffffff0);
    const st = play(
      [
        { dir: 'out', seq: 0xfffffff0, flags: Flag.SYN },
        { dir: 'in', seq: 100, ack: 0xfffffff1, flags: Flag.SYN | A },
        { dir: 'out', seq: 0xfffffff1, ack: 101, flags: Flag.PSH | A, payload: 'y'.repeat(20) },
        { dir: 'out', seq: 0x05, ack: 101, flags: FA },
        { dir: 'in', seq: 101, ack: 0x05, flags: A },
      ],
      start,
    );
    expect(st).to.include({ sndNxt: 22, finSent: true, finAcked: false, peerAck: 5 });
    const acked = observe(st, viewFor({ dir: 'in', seq: 101, ack: 0x06, flags: FA }, st.isns), 5);
    expect(acked).to.include({ finAcked: true, finReceived: true, rcvNxt: 2 });
    expect(isClosed(acked)).to.equal(true);
  });

  it('a retransmission does not move sndNxt back', () => {
    const st = play([...SEED.slice(0, 4), SEED[2]!]);
    expect(st.sndNxt).to.equal(35);
  });

  it('records who reset the connection and at which step', () => {
    const ours = play([SEED[0]!, SEED[1]!, { dir: 'out', seq: 4126488337, flags: Flag.RST }]);
    expect(ours.reset).to.deep.equal({ by: 'out', stepIndex: 2 });
    expect(isClosed(ours)).to.equal(true);
    const theirs = play([SEED[0]!, { dir: 'in', seq: 0, ack: 4126488337, flags: Flag.RST | A }]);
    expect(theirs.reset).to.deep.equal({ by: 'in', stepIndex: 1 });
    // its seq is not relative (no SYN seen), so rcvNxt stays unknown
    expect(theirs.rcvNxt).to.equal(undefined);
    expect(theirs.peerAck).to.equal(4126488337);
  });

  it("a segment without ACK does not change the peer's last ack", () => {
    const st = play([...SEED.slice(0, 2), { dir: 'in', seq: 547479086, ack: 999, flags: Flag.PSH, payload: 'ab' }]);
    expect(st).to.include({ peerAck: 4126488337, rcvNxt: 3 });
  });

  it('hasStarted once anything occupying sequence space went out', () => {
    expect(hasStarted(play(SEED.slice(0, 1)))).to.equal(true);
  });
});
