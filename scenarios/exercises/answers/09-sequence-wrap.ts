/**
 * Model answer (for the teacher) to exercise 9: sequence numbers across the 2^32 wrap.
 *
 * `tcpcraft exercise check` runs this one with our ISN set to 4294967290, six below 2^32. We send
 * 10 bytes. What relative acknowledgment number comes back? Then we reset the connection with a
 * RST given as a raw sequence number (tcp.seq, not relative): which raw number is exactly the next
 * one the server expects? If it is right, the connection is gone and our next data gets a RST.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'answer-09-sequence-wrap',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: '0123456789' }),
    expect('A', { seq: 1, ack: 11 }),
    send('R', { tcp: { seq: 5 } }),
    send('PA', { seq: 11, payload: 'x' }),
    expect('R', { within: 500 }),
  ],
});
