/**
 * Without an MSS option the sender assumes the default send MSS, which over IPv6 is 1220 bytes
 * (RFC 9293 §3.7.1, MUST-15: "1220 for IPv6", the 1280-byte minimum MTU less 60 bytes of headers).
 * Our SYN has no options; the chargen service's segments are then at most 1220 bytes although the
 * path would carry 1440.
 */
import { scenario, send, expect, either, range } from 'tcpcraft';

export default scenario({
  name: 'ipv6-mss-default-1220',
  description: 'No MSS option in the SYN over IPv6: data segments at most 1220 bytes',
  rfc: 'RFC 9293 §3.7.1 MUST-15',
  requires: ['ipv6'],
  peer: { host: 'fd77::2', port: 19 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: range(1, 1220) }), expect('PA', { seq: 1, len: range(1, 1220) })),
  ],
});
