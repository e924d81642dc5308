/**
 * Options are received in any segment, not only in SYNs (RFC 9293 §3.1, MUST-5). Timestamps are
 * agreed in the handshake; a later data segment carries a new TSval, and the ACK for it echoes
 * that TSval (RFC 7323 §4.3), which shows the option of a non-SYN segment was read.
 */
import { scenario, send, expect, capture, use, mss, nop, timestamp } from 'tcpcraft';

const TS0 = 2_000_000;

export default scenario({
  name: 'option-in-data-segment',
  description: 'A timestamp option on a data segment is read: the ACK echoes its TSval',
  rfc: 'RFC 9293 §3.1 MUST-5; RFC 7323 §4.3',
  requires: ['timestamps'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), timestamp(TS0, 0)] }),
    expect('SA', { seq: 0, ack: 1, options: { timestamp: { tsval: capture('ts'), tsecr: TS0 } } }),
    send('A', { options: [nop(), nop(), timestamp(TS0 + 1, use('ts'))] }),
    send('PA', { payload: 'option\n', options: [nop(), nop(), timestamp(TS0 + 500, use('ts'))] }),
    expect('A', { seq: 1, ack: 8, within: 500, options: { timestamp: { tsecr: TS0 + 500 } } }),
  ],
});
