/**
 * IP options TCP does not understand are ignored (RFC 9293 §3.9.2.2, MUST-50). A SYN carries an
 * experimental IP option (type 30, RFC 4727) and a NOP: it is answered with a SYN/ACK like any
 * other.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'ip-options-ignored',
  description: 'SYN with an unknown IP option: a SYN/ACK as usual',
  rfc: 'RFC 9293 §3.9.2.2 MUST-50',
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { ip: { options: Uint8Array.of(30, 4, 0, 0, 1, 1, 1, 0) } }),
    expect('SA', { seq: 0, ack: 1, within: 1000 }),
    send('R', { seq: 1 }),
  ],
});
