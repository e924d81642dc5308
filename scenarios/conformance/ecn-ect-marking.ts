/**
 * What an ECN sender marks ECN-Capable (RFC 3168 §6.1; RFC 9293 §3.8.2, SHLD-8: ECN as RFC 3168
 * describes it). Once ECN is agreed, new data packets carry an ECT codepoint (ECT(0), or ECT(1)
 * which RFC 8311 opens to experiments); pure acknowledgements MUST go out not-ECT (§6.1.4), and
 * retransmitted data packets MUST NOT carry either ECT codepoint (§6.1.5). chargen (port 19) after an ECN-setup handshake, MSS 500, our window
 * 1000: its two segments are ECT; we acknowledge nothing, and the retransmission of the first
 * (after an RTO) is not-ECT. We then acknowledge them and close our window (0): chargen can send
 * nothing more, so the ACK of the few bytes we send it is a pure ACK, not-ECT. The SYN/ACK's ECN
 * field is not checked: RFC 3168 §6.1.1 forbade ECT there, RFC 8311 §4.3 lets an experiment (RFC
 * 5562) set it. RFC 8311 relaxes the other two rules too, for experiments with their own RFC (ECN++
 * with AccECN's negotiation); a sender that agreed to RFC 3168's classic feedback, as here, keeps
 * them.
 */
import { either, expect, mss, oneOf, scenario, send, type ExpectFields, type Step } from 'tcpcraft';

const MSS = 500;
/** ECT(1) or ECT(0). */
const ECT = oneOf(1, 2);

/** A full-sized data segment, with or without PSH. */
const data = (f: ExpectFields): Step => either(expect('A', { ack: 1, len: MSS, ...f }), expect('PA', { ack: 1, len: MSS, ...f }));

export default scenario({
  name: 'ecn-ect-marking',
  description: 'ECN agreed: new data is ECT; a retransmission and a pure ACK are not',
  rfc: 'RFC 9293 §3.8.2 SHLD-8; RFC 3168 §6.1.4; RFC 3168 §6.1.5',
  level: 'SHOULD',
  // A peer that declines ECN has nothing to mark (N/A); ecn-negotiate.ts checks that it is offered (SHLD-8).
  requires: ['ecn'],
  peer: { host: '10.77.0.2', port: 19 },
  window: 1000,
  timeout: 5000,
  steps: [
    send('SEW', { options: [mss(MSS)] }),
    expect('SAE', { seq: 0, ack: 1 }),
    send('A'),
    // New data: ECT (a second segment unless the initial window is one segment).
    data({ seq: 1, ip: { ecn: ECT } }),
    data({ seq: 501, ip: { ecn: ECT }, optional: true, timeout: 100 }),
    // Nothing acknowledged: the retransmission when the timer fires is not-ECT (§6.1.5).
    data({ seq: 1, ip: { ecn: 0 } }),
    // All acknowledged, our window closed: our bytes get a pure ACK, not-ECT (§6.1.4). (A
    // zero-window probe, at SND.UNA - 1, would be a pure ACK too, not-ECT by §6.1.6.)
    send('A', { window: 0 }),
    send('PA', { window: 0, payload: 'ping\n', ip: { ecn: 2 } }),
    expect('A', { ack: 6, len: 0, ip: { ecn: 0 }, within: 500 }),
    send('R', { seq: 6 }),
  ],
});
