/**
 * The daytime exchange from the video walkthrough (seed: ../shared/seeds/000_*.txt): the client
 * connects to port 13, the server sends 22 bytes of time of day and closes first, then the client
 * closes. The video starts both ISNs at 0 "to make things simple":
 *   tcpcraft build scenarios/daytime-13.ts --isn 0 --peer-isn 0
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'daytime-13',
  description: 'Daytime (RFC 867) on port 13: 22 bytes of time of day, server closes first (seed 000)',
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    // "the sequence number is going to be zero" and the SYN bit is set.
    send('S'),
    // SYN/ACK: "the acknowledgement number is one", the server's own sequence number zero.
    expect('SA', { seq: 0, ack: 1 }),
    // "it's going to set its sequence number to one": ACK 1, no data.
    send('A'),
    // "22 bytes of data that contain the time of day ... the sequence number for this is one".
    expect('PA', { seq: 1, ack: 1, len: 22 }),
    // "the next sequence number it expects is 23".
    send('A'),
    // "it sends a packet with the fin bit set ... the sequence number is going to be 23".
    expect('FA', { seq: 23, ack: 1 }),
    // "it sends an ack with the acknowledgement number of 24".
    send('A'),
    // "it's going to set the sequence number to one": our FIN, still acknowledging 24.
    send('FA'),
    // "the server acknowledges that saying that the next sequence number for the client is two".
    expect('A', { seq: 24, ack: 2 }),
  ],
});
