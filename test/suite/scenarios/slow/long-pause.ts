// A handshake with the lab's discard service, then a long pause: for stopping a suite with a signal.
import { scenario, send, expect, pause } from 'tcpcraft';

export default scenario({
  name: 'suite-long-pause',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    pause(60000),
  ],
});
