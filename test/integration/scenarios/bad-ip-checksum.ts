// An ACK with a wrong IPv4 header checksum: the raw socket would recompute it, so this step goes
// out through the link-layer path on its own (no --link-layer). The server drops it silently.
import { scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'bad-ip-checksum',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'dropped\n', ip: { checksum: 0xbeef, id: 0x4242 } }),
    silence(300),
    send('R', { seq: 1 }),
  ],
});
