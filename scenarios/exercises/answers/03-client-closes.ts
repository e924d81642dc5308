/**
 * Model answer (for the teacher) to exercise 3: the client closes first (the netcat seed).
 *
 * We send one 34-byte line to the lab's nc (port 5000) and close with a FIN; nc closes too. Fill
 * in the numbers of the closing exchange: the ACK of our FIN (which the server may fold into its
 * own FIN), the server's FIN, and our last ACK.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'answer-03-client-closes',
  peer: { host: '10.77.0.2', port: 5000 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'Hello from tcpcraft, over netcat!\n' }),
    expect('A', { seq: 1, ack: 35 }),
    send('FA'),
    expect('A', { seq: 1, ack: 36, optional: true }),
    expect('FA', { seq: 1, ack: 36 }),
    send('A', { seq: 36, ack: 2 }),
  ],
});
