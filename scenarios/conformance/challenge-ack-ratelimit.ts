/**
 * Challenge ACKs are rate limited, and the limit is per connection and short. RFC 5961 §7:
 * "An implementation SHOULD include an ACK throttling mechanism". Linux allows one challenge ACK
 * (or out-of-window ACK) per socket per net.ipv4.tcp_invalid_ratelimit (500 ms), plus a host-wide
 * budget (net.ipv4.tcp_challenge_ack_limit, unlimited by default since Linux 6.0).
 * This scenario is written so that the verdict does not depend on timing luck: the second RST
 * follows the first by well under a millisecond (throttled), the third comes 700 ms after the
 * first challenge ACK (well past 500 ms).
 */
import { scenario, send, expect, silence, pause } from 'tcpcraft';

export default scenario({
  name: 'challenge-ack-ratelimit',
  description: 'In-window RSTs: challenge ACK, a second one at once is throttled, a third 700 ms later is answered',
  rfc: 'RFC 5961 §7, §3.2; RFC 9293 MAY-12',
  // RFC 9293 MAY-12: the RFC 5961 protections are optional.
  requires: ['rfc5961'],
  level: 'MAY',
  expectedFailures: {
    lwip: 'lwIP sends a challenge ACK for every in-window RST (tcp_process() in src/core/tcp_in.c calls tcp_ack_now() each time) with no throttle, where RFC 5961 §7 says an implementation SHOULD limit them.',
  },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('R', { seq: 101 }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 300 }),
    send('R', { seq: 201 }),
    silence(300),
    pause(400),
    send('R', { seq: 301 }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 300 }),
    send('R', { seq: 1 }),
  ],
});
