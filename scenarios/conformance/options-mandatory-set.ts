/**
 * The mandatory option set: End of Option List, No-Operation and MSS (RFC 9293 §3.1 "the
 * following options MUST be supported (MUST-4)", §3.2). A SYN whose options are NOP, NOP, MSS 400,
 * EOL (then zero padding) is understood: the chargen service's data then comes in segments of at
 * most 400 bytes. The MSS is below the 536 bytes a TCP assumes without the option (MUST-15), so a
 * stack that misreads the list (and so misses the MSS) is seen sending longer segments.
 */
import { scenario, send, expect, either, range } from 'tcpcraft';

export default scenario({
  name: 'options-mandatory-set',
  description: 'SYN options NOP, NOP, MSS 400, EOL: understood (data segments at most 400 bytes)',
  rfc: 'RFC 9293 §3.2 MUST-4',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    // Raw option bytes: nop, nop, kind 2 len 4 value 400, eol, zero padding.
    send('S', { options: Uint8Array.of(1, 1, 2, 4, 0x01, 0x90, 0, 0) }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: range(1, 400) }), expect('PA', { seq: 1, len: range(1, 400) })),
  ],
});
