/**
 * Out-of-order data is answered at once by a duplicate ACK (ack = RCV.NXT, the hole's left edge)
 * that, with SACK negotiated, carries a SACK block covering exactly the data that arrived.
 * RFC 9293 §3.10.7.4 / RFC 5681 §4.2: "A TCP receiver SHOULD send an immediate duplicate ACK
 * when an out-of-order segment arrives"; RFC 2018 §4: "the first SACK block MUST specify the
 * contiguous block of data containing the segment which triggered this ACK".
 */
import { scenario, send, expect, mss, nop, sackOk } from 'tcpcraft';

const CHUNK = 'x'.repeat(100);

export default scenario({
  name: 'ooo-sack',
  description: 'Bytes 101..200 before 1..100: immediate dup ACK 1 with SACK block 101-201',
  rfc: 'RFC 5681 §4.2; RFC 2018 §4; RFC 9293 §3.10.7.4 MAY-13',
  requires: ['sack'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), sackOk()] }),
    expect('SA', { seq: 0, ack: 1, options: { has: ['sackOk'] } }),
    send('A'),
    // Relative seq 101..200: a 100-byte hole before it.
    send('PA', { seq: 101, payload: CHUNK }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 100, options: { sack: [[101, 201]] } }),
  ],
});
