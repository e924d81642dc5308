// Passes: a handshake with the lab's discard service, then a pause (to make parallel runs overlap);
// the connection is left open, so the run resets it (the target must end up clean).
import { scenario, send, expect, pause, mss } from 'tcpcraft';

export default scenario({
  name: 'suite-pass-handshake',
  rfc: 'RFC 9293 §3.5',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    pause(1500),
  ],
});
