/**
 * Exercise 2: send data and predict the ACK.
 *
 * After the handshake we send 9 bytes, then 6 more, to the discard service (port 9), which reads
 * and drops them. Predict the acknowledgment number of each ACK the server sends back.
 */
import { scenario, send, expect, TODO } from 'tcpcraft';

export default scenario({
  name: 'exercise-02-predict-ack',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'tcpcraft\n' }),
    expect('A', { seq: 1, ack: TODO }),
    send('PA', { payload: 'more!\n' }),
    expect('A', { seq: 1, ack: TODO }),
    send('R', { seq: 16 }),
  ],
});
