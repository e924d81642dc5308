// Server role: the suite starts `nc -N` in the target namespace, which connects to us, closes its
// sending side at once (its stdin is empty), and we close ours.
import { scenario, send, expect, mss } from 'tcpcraft';

export default scenario({
  name: 'suite-server-role',
  role: 'server',
  peer: { host: '10.77.0.2' },
  local: { port: 7777 },
  steps: [
    expect('S', { seq: 0 }),
    send('SA', { options: [mss(1460)] }),
    expect('A', { seq: 1, ack: 1 }),
    expect('FA', { seq: 1, ack: 1 }),
    send('A'),
    send('FA'),
    expect('A', { seq: 2, ack: 2 }),
  ],
});
