/**
 * An ECN sender answers ECE (RFC 3168 §6.1.2; RFC 9293 §3.8.2, SHLD-8): an ACK with ECE set
 * makes it reduce its congestion window (once per window of data) and set CWR "in the TCP header
 * of the first new data packet sent after the window reduction", and only there. chargen (port 19)
 * after an ECN-setup handshake, MSS 500, our window 1000: two segments, ECT (one if its initial
 * window is one segment). We acknowledge them with ECE (a CE mark reached us, §6.1.3) and a window
 * of one segment (500): nothing is outstanding, so even a cwnd halved to one segment lets the next
 * segment out (Linux's PRR too), and it carries CWR. Acknowledged in turn without ECE, again with
 * room for one segment, the next one carries no CWR. The reduction itself is not measured here:
 * our window, not cwnd, limits the sender.
 */
import { either, expect, mss, oneOf, scenario, send, type ExpectFields, type Step } from 'tcpcraft';

const MSS = 500;
/** ECT(1) or ECT(0). */
const ECT = oneOf(1, 2);

/** A full-sized new data segment (ECT), with or without PSH; `cwr`: with CWR, else without. */
const data = (f: ExpectFields, cwr = false): Step =>
  either(expect(cwr ? 'AW' : 'A', { ack: 1, len: MSS, ip: { ecn: ECT }, ...f }), expect(cwr ? 'PAW' : 'PA', { ack: 1, len: MSS, ip: { ecn: ECT }, ...f }));

export default scenario({
  name: 'ecn-cwr',
  description: 'ECN agreed: after our ACK with ECE, the next new data segment carries CWR, and the one after it does not',
  rfc: 'RFC 9293 §3.8.2 SHLD-8; RFC 3168 §6.1.2',
  level: 'SHOULD',
  // A peer that declines ECN has nothing to react to (N/A); ecn-negotiate.ts checks that it is offered (SHLD-8).
  requires: ['ecn'],
  peer: { host: '10.77.0.2', port: 19 },
  window: 1000,
  steps: [
    send('SEW', { options: [mss(MSS)] }),
    expect('SAE', { seq: 0, ack: 1 }),
    send('A'),
    data({ seq: 1 }),
    data({ seq: 501, optional: true, timeout: 100 }),
    // ECE on the ACK of all of it, with room for one more segment: the window reduced (to one
    // segment at least), the next new data carries CWR.
    send('AE', { window: 500 }),
    data({ within: 500 }, true),
    // A plain ACK, room for one more: that segment has no CWR (one per reduction).
    send('A', { window: 500 }),
    data({ within: 500 }),
    send('R', { seq: 1 }),
  ],
});
