/**
 * The Nagle algorithm (RFC 9293 §3.7.4, SHLD-7): while sent data is unacknowledged, a sender
 * holds back further small segments. The echo service (Nagle on, the socket default) echoes
 * "a"; we do not acknowledge it and send "b": the echo of "b" waits until we acknowledge "a"
 * (meanwhile "a" is retransmitted when its timer fires).
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'nagle',
  description: 'With Nagle (the echo default): the second small write waits for the ACK of the first',
  rfc: 'RFC 9293 §3.7.4 SHLD-7',
  level: 'SHOULD',
  peer: { host: '10.77.0.2', port: 7 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'a' }),
    expect('A', { seq: 1, ack: 2, len: 0, optional: true, timeout: 600 }),
    expect('PA', { seq: 1, ack: 2, payload: 'a', within: 300 }),
    send('PA', { seq: 2, ack: 1, payload: 'b' }),
    // Nagle: "b" stays queued while "a" is unacknowledged. What comes next is a pure ACK, then
    // "a" again when its retransmission timer fires; never "b".
    // (The ACK may be delayed up to 500 ms, RFC 9293 §3.8.6.3.)
    expect('A', { seq: 2, ack: 3, len: 0, optional: true, timeout: 600 }),
    expect('PA', { seq: 1, ack: 3, payload: 'a', timeout: 8000 }),
    send('A', { seq: 3, ack: 2 }),
    expect('PA', { seq: 2, ack: 3, payload: 'b', within: 300 }),
  ],
});
