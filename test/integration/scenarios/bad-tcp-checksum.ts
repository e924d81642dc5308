// A data segment with a wrong TCP checksum (sent on purpose) must be dropped by nc's stack: no
// ACK for 500 ms. The same segment with a good checksum (same seq) is then ACKed.
import { scenario, send, expect, silence } from 'tcpcraft';

export const LINE = 'checksummed line\n';

export default scenario({
  name: 'bad-tcp-checksum',
  peer: { host: '10.77.0.2', port: 5000 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: LINE, tcp: { checksum: 0x1234 } }),
    silence(500),
    send('PA', { seq: 1, payload: LINE }),
    expect('A', { seq: 1, ack: 1 + LINE.length }),
    send('FA'),
    expect('A', { seq: 1, ack: 2 + LINE.length, optional: true }),
    expect('FA', { seq: 1, ack: 2 + LINE.length }),
    send('A'),
  ],
});
