/**
 * Challenge ACKs are throttled. RFC 5961 §7: "An implementation SHOULD include an ACK throttling
 * mechanism to be conservative"; the RFC fixes no rate (it suggests a configurable limit of a
 * number of challenge ACKs per time), so the scenario asks only that a burst of in-window RSTs is
 * not answered one for one. Thirty inexact in-window RSTs go at once: the first must be answered
 * (RFC 5961 §3.2), and fewer than thirty challenge ACKs may come; the thirtieth would arrive in the
 * closing silence. (Linux answers one per 500 ms per connection, net.ipv4.tcp_invalid_ratelimit;
 * RFC 5961's own example of a limit, and tcpcraft's reference stack, allow 10 in 5 s.)
 */
import { scenario, send, expect, silence, type Step } from 'tcpcraft';

/** How many inexact in-window RSTs are sent at once. */
const BURST = 30;

export default scenario({
  name: 'challenge-ack-ratelimit',
  description: `${BURST} in-window RSTs at once: a challenge ACK, but not ${BURST} of them`,
  rfc: 'RFC 5961 §7, §3.2; RFC 9293 MAY-12',
  // RFC 9293 MAY-12: the RFC 5961 protections are optional: a stack without them FAILs [MAY].
  level: 'MAY',
  expectedFailures: {
    lwip: { step: 63, field: 'unexpected', why: 'lwIP sends a challenge ACK for every in-window RST (tcp_process() in src/core/tcp_in.c calls tcp_ack_now() each time) with no throttle, where RFC 5961 §7 says an implementation SHOULD limit them.' },
  },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    ...Array.from({ length: BURST }, (_, k): Step => send('R', { seq: 101 + 100 * k })),
    expect('A', { seq: 1, ack: 1, len: 0, within: 300 }),
    // Up to BURST - 2 more challenge ACKs may come...
    ...Array.from({ length: BURST - 2 }, (): Step => expect('A', { seq: 1, ack: 1, len: 0, optional: true, timeout: 100 })),
    // ... but not the last one.
    silence(500),
    send('R', { seq: 1 }),
  ],
});
