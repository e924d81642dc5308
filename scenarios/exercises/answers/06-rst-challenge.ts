/**
 * Model answer (for the teacher) to exercise 6: an exact RST and an in-window RST (RFC 5961).
 *
 * A RST is only accepted if its sequence number is exactly the next one the receiver expects.
 * First we send a RST 100 bytes into the window: what comes back (flags, seq, ack)? Then we send
 * the exact RST: which sequence number must it carry? If it is accepted the connection is gone,
 * and the data we send afterwards is answered with a RST.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'answer-06-rst-challenge',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('R', { seq: 101 }),
    expect('A', { seq: 1, ack: 1, within: 300 }),
    send('R', { seq: 1 }),
    send('PA', { seq: 1, ack: 1, payload: 'still there?\n' }),
    expect('R', { within: 500 }),
  ],
});
