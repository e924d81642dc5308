// Marked as an expected failure on Linux, but it passes: an unexpected pass, counted as a failure.
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'suite-xpass',
  expectedFailures: { linux: 'a stale mark' },
  peer: { host: '10.77.0.2', port: 5997 },
  steps: [
    send('S'),
    expect('RA', { seq: 0, ack: 1 }),
  ],
});
