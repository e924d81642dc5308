/**
 * Keep-alives, where an application asks for them (RFC 9293 §3.8.4: MAY-5, MUST-24). The lab's
 * keepalive service turns them on with a 1 s idle time. A probe is only sent after the
 * connection has been idle that long (MUST-26); it carries no data (SHLD-12) or, in old
 * implementations, one garbage octet (MAY-6), at SND.NXT-1 (relative 0 here) so that it must be answered. We answer
 * it; after another idle second the next probe comes. We answer that one too, and half a second
 * later send another ACK: MUST-26, "Keep-alive packets MUST only be sent when ... no data or
 * acknowledgment packets have been received for the connection within an interval", so the third
 * probe comes a full idle second after that ACK, not one second after the second probe.
 */
import { scenario, send, expect, either, pause } from 'tcpcraft';

/** A keep-alive probe at SND.NXT-1, empty or with one garbage octet. */
const probe = (after: number) =>
  either(expect('A', { seq: 0, ack: 1, len: 0, after, timeout: 5000 }), expect('A', { seq: 0, ack: 1, len: 1, after, timeout: 5000 }));

export default scenario({
  name: 'keepalive-probe',
  description: 'Keep-alives on (1 s idle): a probe at SND.NXT-1 after 1 s of idleness, answered; the next after another idle second',
  rfc: 'RFC 9293 §3.8.4 MUST-24, MUST-26, SHLD-12, MAY-5, MAY-6',
  requires: ['app-keepalive'],
  peer: { host: '10.77.0.2', port: 2009 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    probe(900),
    send('A'),
    probe(900),
    send('A'),
    pause(500),
    // An acknowledgment received: the connection was not idle; the idle time starts again here.
    send('A'),
    probe(900),
    send('A'),
  ],
});
