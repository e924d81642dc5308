/**
 * Options of an unknown kind are skipped by their length and otherwise ignored, in the SYN and
 * in data segments. RFC 9293 §3.1 (Options): "A TCP implementation MUST be able to receive a TCP
 * Option in any segment" and MUST ignore options it does not implement (RFC 1122 §4.2.2.5),
 * assuming the option has a length field. Kind 99 is unassigned.
 */
import { scenario, send, expect, mss, option, nop, any } from 'tcpcraft';

const UNKNOWN = option(99, [0xde, 0xad, 0xbe, 0xef]); // kind 99, length 6

export default scenario({
  name: 'unknown-option',
  description: 'An unknown option (kind 99) in the SYN and in data is ignored: normal SYN/ACK, data ACKed',
  rfc: 'RFC 9293 §3.1 MUST-5, MUST-6; RFC 1122 §4.2.2.5',
  // An IPv4 matter (see the file comment): N/A against an IPv6 peer.
  requires: ['ipv4'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [UNKNOWN, mss(1460)] }),
    // The SYN/ACK is normal and does not echo the unknown option.
    expect('SA', { seq: 0, ack: 1, options: { mss: any(), lacks: [99] } }),
    send('A'),
    send('PA', { payload: 'unknown option ahead\n', options: [nop(), nop(), UNKNOWN] }),
    expect('A', { seq: 1, ack: 22, within: 500 }),
  ],
});
