/**
 * The MSS option belongs in SYN segments only (RFC 9293 §3.1, MUST-65: it must not be sent in
 * other segments). The chargen service's data segments carry no MSS option.
 */
import { scenario, send, expect, either } from 'tcpcraft';

export default scenario({
  name: 'mss-not-on-data',
  description: 'Data segments carry no MSS option',
  rfc: 'RFC 9293 §3.1 MUST-65',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: Uint8Array.of(2, 4, 0x05, 0xb4) }),
    expect('SA', { seq: 0, ack: 1, options: { has: ['mss'] } }),
    send('A'),
    either(expect('A', { seq: 1, options: { lacks: ['mss'] } }), expect('PA', { seq: 1, options: { lacks: ['mss'] } })),
    either(expect('A', { options: { lacks: ['mss'] } }), expect('PA', { options: { lacks: ['mss'] } })),
  ],
});
