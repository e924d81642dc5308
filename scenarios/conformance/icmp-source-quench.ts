/**
 * ICMP Source Quench is ignored (RFC 9293 §3.9.2.2, MUST-55: "silently discard"; RFC 6633
 * deprecated it). In the middle of a chargen transfer (MSS 500, window 1000) we send a Source
 * Quench about the latest data segment, then acknowledge everything and open our window to 1500:
 * the next three segments come at once, as if nothing had happened. The congestion window allows
 * them: it was at least two segments (the two sent) and slow start adds up to one segment for
 * our ACK (RFC 5681 §3.1). A stack that obeys the quench as RFC 1122 once asked (slow start:
 * cwnd back to one segment) has only two segments' worth after that ACK.
 */
import { scenario, send, expect, either, icmp, mss } from 'tcpcraft';

const seg = (seq: number, extra: Record<string, unknown> = {}) => either(expect('A', { seq, len: 500, ...extra }), expect('PA', { seq, len: 500, ...extra }));

export default scenario({
  name: 'icmp-source-quench',
  description: 'Source Quench mid-transfer: ignored, data keeps coming at once',
  rfc: 'RFC 9293 §3.9.2.2 MUST-55; RFC 6633',
  window: 1000,
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    seg(1),
    seg(501),
    icmp(4, 0),
    send('A', { ack: 1001, window: 1500 }),
    seg(1001, { within: 200 }),
    seg(1501, { within: 200 }),
    seg(2001, { within: 200 }),
  ],
});
