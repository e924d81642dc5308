/**
 * The first SACK block reports the most recently received segment (RFC 2018 §4: "the first SACK
 * block ... MUST specify the contiguous block of data containing the segment which triggered
 * this ACK"), and later blocks repeat earlier ones. Bytes 1-100 are missing; 101-200 arrive, then
 * 301-400: the second duplicate ACK lists 301-401 first, then 101-201.
 */
import { scenario, send, expect, mss, nop, sackOk } from 'tcpcraft';

const D = 'y'.repeat(100);

export default scenario({
  name: 'sack-first-block',
  description: 'Two out-of-order segments: the SACK of the second lists it first',
  rfc: 'RFC 2018 §4',
  requires: ['sack'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), sackOk()] }),
    expect('SA', { seq: 0, ack: 1, options: { has: ['sackOk'] } }),
    send('A'),
    send('PA', { seq: 101, payload: D }),
    expect('A', { seq: 1, ack: 1, within: 300, options: { sack: [[101, 201]] } }),
    send('PA', { seq: 301, payload: D }),
    expect('A', { seq: 1, ack: 1, within: 300, options: { sack: [[301, 401], [101, 201]] } }),
    send('PA', { seq: 1, payload: D }),
    expect('A', { seq: 1, ack: 201, within: 300 }),
    send('PA', { seq: 201, payload: D }),
    expect('A', { seq: 1, ack: 401, within: 300 }),
  ],
});
