/**
 * An urgent pointer that points beyond the segment's data: the urgent data continues in a later
 * segment (RFC 9293 §3.8.5, MUST-31: urgent data of any length). The data of the segment is
 * taken as usual (ack 4), and so is the next segment.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'urgent-beyond-data',
  description: 'URG with the pointer 100 bytes ahead of 3 bytes of data: data taken (ack 4, then 8)',
  rfc: 'RFC 9293 §3.8.5 MUST-31',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('UPA', { payload: 'abc', urgent: 100 }),
    expect('A', { seq: 1, ack: 4, within: 500 }),
    send('PA', { payload: 'defg' }),
    expect('A', { seq: 1, ack: 8, within: 500 }),
  ],
});
