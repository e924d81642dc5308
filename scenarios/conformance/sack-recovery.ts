/**
 * SACK-based loss recovery (RFC 6675): the sender retransmits the hole our SACK blocks show, and
 * never the data they report received. RFC 6675 §5: "(C.1) The scoreboard MUST be queried via
 * NextSeg () for the sequence number range of the next segment to transmit", and NextSeg only ever
 * returns unSACKed sequence numbers; a hole is lost once DupThresh (3) segments above it are SACKed
 * (§4 IsLost), and the first one is retransmitted at once (§5 (4.3)). RFC 5681 §3.2's fast
 * retransmit, which a sender without RFC 6675 uses, resends that same hole on the third duplicate
 * ACK and nothing else; RACK-TLP (RFC 8985, Linux's) may mark it lost even sooner (checked is only
 * that it comes within 100 ms of the third SACK, well before any RTO, which runs from the flight
 * 20 ms earlier: RFC 6298's floor is 1 s, Linux's and gVisor's 200 ms).
 * MSS 500 and a window of 2000: chargen sends 1 to 2000, in four segments or in smaller ones (a
 * sender may leave room in each for the SACK option it may have to carry, as gVisor does; their
 * lengths are not checked). The first octets are "lost": three
 * duplicate ACKs of 1 report 501-1001, 501-1501, 501-2001 SACKed. The segment at 1 comes again;
 * then our ACK of everything opens the window, and the next segment is new data at 2001. A sender
 * that resent the SACKed segments 501, 1001, 1501 after the hole (a go-back-N retransmission, the
 * scoreboard ignored) shows them before it. (Timestamps are not offered: nothing but SACK drives
 * the recovery.) A tail loss probe (RFC 8985 §7, Linux's), sent before our SACKs arrive, is the
 * last segment again: it is allowed for (one sent at once, before our SACKs, goes with the flight). Level: RFC 6675 is how a SACK sender SHOULD recover (RFC
 * 5681 §3.2's fast retransmit is a SHOULD too); a stack without either is a SHOULD failure, not a
 * MUST one.
 */
import { drain, either, expect, range, scenario, send, mss, nop, sack, sackOk, type Step } from 'tcpcraft';

/** A data segment at `seq` (a number or a matcher) of 1 to 500 octets. */
const segment = (seq: unknown, extra: Record<string, unknown> = {}): Step =>
  either(expect('A', { seq, len: range(1, 500), ...extra } as never), expect('PA', { seq, len: range(1, 500), ...extra } as never));

export default scenario({
  name: 'sack-recovery',
  description: 'Three SACKs above a hole: the hole is retransmitted at once, the SACKed segments never',
  rfc: 'RFC 6675 §5; RFC 2018 §3',
  expectedFailures: {
    gvisor: { step: 10, field: 'time', why: "gVisor resends the hole only when its retransmission timer fires, 200 ms after the flight (MinRTO, pkg/tcpip/transport/tcp/snd.go), not on our three SACKs: its RACK loss detection (pkg/tcpip/transport/tcp/rack.go), which replaces the duplicate-ACK count when RACK is on (its default), does not mark the hole lost here, where RFC 6675 §5 retransmits it once DupThresh segments above it are SACKed." },
  },
  level: 'SHOULD',
  requires: ['sack'],
  window: 2000,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500), nop(), nop(), sackOk()] }),
    expect('SA', { seq: 0, ack: 1, options: { has: ['sackOk'] } }),
    send('A'),
    // The first flight, 1 to 2000 (its first segment checked, the rest taken as they come).
    segment(1),
    drain(20),
    // The segment at 1 was lost; the three after it arrived, each answered by a duplicate ACK.
    send('A', { ack: 1, options: [nop(), nop(), sack([501, 1001])] }),
    send('A', { ack: 1, options: [nop(), nop(), sack([501, 1501])] }),
    send('A', { ack: 1, options: [nop(), nop(), sack([501, 2001])] }),
    // A tail loss probe (RFC 8985 §7: the last segment again, the window being full) may have
    // gone before our SACKs reached the sender.
    segment(range(1001, 2000), { optional: true, timeout: 200 }),
    // The hole goes again at once...
    segment(1, { within: 100 }),
    // ...and, once everything is acknowledged, new data follows: no SACKed segment went again.
    send('A', { ack: 2001 }),
    segment(2001, { within: 1000 }),
    send('R', { seq: 1 }),
  ],
});
