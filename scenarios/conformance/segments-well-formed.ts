/**
 * What a TCP sends is well formed: the checksum is computed over the pseudo-header, header and
 * data (RFC 9293 §3.1, MUST-2), every option but EOL and NOP has a length field (MUST-68), and
 * padding after an EOL is zero (MUST-69). Checked on the SYN/ACK with every option offered, and
 * on data segments from chargen. Both checksums are verified as the segments arrive (the lab
 * turns checksum offload off, so the sums seen are the ones sent).
 */
import { scenario, send, expect, either, mss, nop, sackOk, wscale } from 'tcpcraft';

export default scenario({
  name: 'segments-well-formed',
  description: 'SYN/ACK and data segments: checksums verify, options have lengths, padding is zero',
  rfc: 'RFC 9293 §3.1 MUST-2, MUST-68, MUST-69',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1460), sackOk(), nop(), wscale(7)] }),
    expect('SA', { seq: 0, ack: 1, valid: true, options: { has: ['mss'] } }),
    send('A'),
    either(expect('A', { seq: 1, valid: true }), expect('PA', { seq: 1, valid: true })),
    either(expect('A', { valid: true }), expect('PA', { valid: true })),
  ],
});
