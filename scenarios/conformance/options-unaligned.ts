/**
 * Options are read whatever their alignment (RFC 9293 §3.1, MUST-64). The SYN's MSS option starts
 * at an odd offset (one NOP before it, three after): the chargen service's segments then respect
 * the 200-byte MSS it carries.
 */
import { scenario, send, expect, either, range } from 'tcpcraft';

export default scenario({
  name: 'options-unaligned',
  description: 'MSS 200 at an odd offset in the SYN is honoured: data segments at most 200 bytes',
  rfc: 'RFC 9293 §3.1 MUST-64',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: Uint8Array.of(1, 2, 4, 0, 200, 1, 1, 1) }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: range(1, 200) }), expect('PA', { seq: 1, len: range(1, 200) })),
    either(expect('A', { len: range(1, 200) }), expect('PA', { len: range(1, 200) })),
  ],
});
