/**
 * An ACK for at least every second full-sized segment (RFC 9293 §3.8.6.3, SHLD-19: "in a stream of
 * full-sized incoming segments, ACK segments SHOULD be sent for at least every second full-sized
 * segment"; RFC 5681 §4.2). Two full-sized segments back to back: the second is the one that must
 * be acknowledged, so its ACK (2921) comes at once, within 150 ms, not when a delayed-ACK timer
 * runs out (which RFC 9293 allows up to 0.5 s for a single segment). An ACK of the first alone may
 * come before it. The second carries PSH, as the last segment of a 2920-byte write would. The
 * 1460-byte segments are full-sized on IPv4's 1500-byte MTU: an IPv4 matter.
 */
import { scenario, send, expect } from 'tcpcraft';

const FULL = 'x'.repeat(1460);

export default scenario({
  name: 'ack-second-full-segment',
  description: 'Two full-sized segments: the ACK of both comes at once (150 ms), not after a delayed-ACK timer',
  rfc: 'RFC 9293 §3.8.6.3 SHLD-19; RFC 5681 §4.2',
  level: 'SHOULD',
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1, options: { mss: 1460 }, precondition: 'an MSS of 1460 announced by the target: the full-sized segments sent below are 1460 bytes' }),
    send('A'),
    send('A', { payload: FULL }),
    send('PA', { payload: FULL }),
    expect('A', { seq: 1, ack: 1461, len: 0, optional: true, timeout: 150 }),
    expect('A', { seq: 1, ack: 2921, len: 0, within: 150 }),
  ],
});
