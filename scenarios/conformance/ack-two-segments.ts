/**
 * ACKs are generated for at least every second full-sized segment (RFC 9293 §3.8.6.3, SHLD-19)
 * and may be delayed (SHLD-18), aggregating several segments (MUST-58). Two full-sized segments
 * back to back: an ACK of both comes within 500 ms (an ACK of the first alone may come before
 * it, which is also allowed).
 */
import { scenario, send, expect } from 'tcpcraft';

const FULL = 'x'.repeat(1460);

export default scenario({
  name: 'ack-two-segments',
  description: 'Two full-sized segments: an ACK of both within 500 ms',
  rfc: 'RFC 9293 §3.8.6.3 MUST-58, SHLD-19',
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1, options: { mss: 1460 }, precondition: 'an MSS of 1460 announced by the target: the full-sized segments sent below are 1460 bytes' }),
    send('A'),
    send('A', { payload: FULL }),
    send('PA', { payload: FULL }),
    expect('A', { seq: 1, ack: 1461, len: 0, optional: true, timeout: 500 }),
    expect('A', { seq: 1, ack: 2921, len: 0, within: 500 }),
  ],
});
