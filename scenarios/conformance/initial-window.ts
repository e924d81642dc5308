/**
 * The initial congestion window (RFC 5681 §3.1; RFC 6928): before the first ACK of data a sender
 * sends at most min(10*MSS, max(2*MSS, 14600)) bytes of new data, i.e. nothing past octet 14600
 * here, with our MSS of 1460 (RFC 5681's own limit, 4 segments, is smaller and passes too; so
 * does a smaller MSS on the target's side). Our window is large, so only the congestion window
 * limits the chargen service. We acknowledge nothing and take what comes for a while: every
 * segment must end by octet 14600 (a retransmission of the flight, should a timer fire, does too).
 * A segment beyond it matches none of the slots and is caught by the final silence.
 */
import { either, expect, range, scenario, send, silence, where, mss, type Step } from 'tcpcraft';

/** The largest initial window RFC 6928 allows with an MSS of 1460: 14600 octets. */
const IW = 14600;
let start = 0;

/** A segment of the first flight (or a retransmission of it): it ends by octet IW. */
const segment = (first: boolean): Step => {
  const f = {
    seq: first ? 1 : where<number>('recorded', (s) => ((start = s), true)),
    len: where<number>(`1 to 1460, ending by octet ${IW}`, (n) => n >= 1 && n <= 1460 && (first ? 1 : start) + n - 1 <= IW),
    ...(first ? {} : { optional: true, timeout: 20 }),
  };
  return either(expect('A', f), expect('PA', f));
};

export default scenario({
  name: 'initial-window',
  description: 'First flight from chargen: nothing past octet 14600 before our ACK',
  rfc: 'RFC 5681 §3.1; RFC 6928 §2',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1460)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    // Ten slots: at most ten segments fit in 14600 octets, and the empty ones end (9 x 20 ms) before
    // a 200 ms RTO could bring a retransmission into the silence.
    ...Array.from({ length: 10 }, (_, i) => segment(i === 0)),
    // Anything left is past octet 14600: new data beyond the initial window.
    silence(1),
    send('R', { seq: 1 }),
  ],
});
