/**
 * A segment with a wrong TCP checksum is silently dropped: no ACK, and its data is not taken.
 * RFC 9293 §3.1 (Checksum) and §3.10.7.4; RFC 1122 §4.2.2.7: "A TCP MUST ... discard segments
 * with bad checksums" (MUST-2/MUST-3). The same data sent again with a good checksum is
 * acknowledged as new data.
 * The wrong value is a fixed one (0x1bad): it is right by accident once in 65536 runs.
 */
import { scenario, send, expect, silence } from 'tcpcraft';

const DATA = 'checksum test\n'; // 14 bytes

export default scenario({
  name: 'bad-checksum',
  description: 'Data with a bad TCP checksum: no answer; the same data with a good checksum: ACK',
  rfc: 'RFC 9293 §3.1 MUST-3; RFC 1122 §4.2.2.7',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: DATA, tcp: { checksum: 'bad' } }),
    // A delayed ACK would come within 200 ms (Linux) or 500 ms (RFC 1122): wait longer.
    silence(700),
    send('PA', { seq: 1, payload: DATA }),
    expect('A', { seq: 1, ack: 15, within: 500 }),
  ],
});
