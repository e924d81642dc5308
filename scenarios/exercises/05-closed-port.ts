/**
 * Exercise 5: a SYN to a closed port.
 *
 * Nothing listens on port 5999 of the lab's server. What does its TCP answer our SYN with?
 * Fill in the flags (letters, e.g. 'SA') and the acknowledgment number.
 */
import { scenario, send, expect, TODO } from 'tcpcraft';

export default scenario({
  name: 'exercise-05-closed-port',
  peer: { host: '10.77.0.2', port: 5999 },
  steps: [
    send('S'),
    expect(TODO, { ack: TODO }),
  ],
});
