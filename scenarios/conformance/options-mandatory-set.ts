/**
 * The mandatory option set: End of Option List, No-Operation and MSS (RFC 9293 §3.2, MUST-4). A
 * SYN whose options are NOP, NOP, MSS 1000, EOL (then zero padding) is understood: the chargen
 * service's data then comes in segments of at most 1000 bytes.
 */
import { scenario, send, expect, either, range } from 'tcpcraft';

export default scenario({
  name: 'options-mandatory-set',
  description: 'SYN options NOP, NOP, MSS 1000, EOL: understood (data segments at most 1000 bytes)',
  rfc: 'RFC 9293 §3.2 MUST-4',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    // Raw option bytes: nop, nop, kind 2 len 4 value 1000, eol, zero padding.
    send('S', { options: Uint8Array.of(1, 1, 2, 4, 0x03, 0xe8, 0, 0) }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: range(1, 1000) }), expect('PA', { seq: 1, len: range(1, 1000) })),
  ],
});
