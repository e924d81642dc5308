/**
 * Without an MSS option the sender assumes 536 bytes (RFC 9293 §3.7.1, MUST-15: the IPv4 default
 * send MSS). Our SYN has no options; the chargen service's segments are then at most 536 bytes,
 * even though the path's MTU would allow 1460.
 */
import { scenario, send, expect, either, range } from 'tcpcraft';

export default scenario({
  name: 'mss-default-536',
  description: 'No MSS option in the SYN: data segments at most 536 bytes',
  rfc: 'RFC 9293 §3.7.1 MUST-15',
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: range(1, 536) }), expect('PA', { seq: 1, len: range(1, 536) })),
    either(expect('A', { len: range(1, 536) }), expect('PA', { len: range(1, 536) })),
  ],
});
