/**
 * Exercise 1: the three-way handshake.
 *
 * We open a connection to the lab's discard service (port 9). Our SYN has relative sequence
 * number 0. Fill in the TODO blanks: the sequence and acknowledgment numbers of the server's
 * SYN/ACK, and of the ACK that completes the handshake. The numbers are relative to each side's
 * initial sequence number, as Wireshark shows them. Then check: tcpcraft exercise check FILE
 */
import { scenario, send, expect, TODO } from 'tcpcraft';

export default scenario({
  name: 'exercise-01-handshake',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: TODO, ack: TODO }),
    send('A', { seq: TODO, ack: TODO }),
    // The handshake is complete if the data that follows is acknowledged.
    send('PA', { payload: 'hi\n' }),
    expect('A', { ack: 4 }),
    send('R', { seq: 4 }),
  ],
});
