/**
 * Model answer (for the teacher) to exercise 4: the server closes first (the daytime seed).
 *
 * The daytime service (port 13) sends the time of day and closes. Fill in how long its data is,
 * where its FIN sits in its sequence space, and the numbers of the ACKs and of our own FIN.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'answer-04-server-closes',
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    // "DD Mon YYYY HH:MM:SS" and CR LF.
    expect('PA', { seq: 1, ack: 1, len: 22 }),
    send('A'),
    expect('FA', { seq: 23, ack: 1 }),
    send('A', { seq: 1, ack: 24 }),
    send('FA', { seq: 1, ack: 24 }),
    expect('A', { seq: 24, ack: 2 }),
  ],
});
