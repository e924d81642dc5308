/**
 * In a synchronized state every segment carries ACK; one without it is dropped (RFC 9293
 * §3.10.7.4, fifth check: "if the ACK bit is off, drop the segment and return"). Two bytes with
 * PSH but no ACK are not taken: the next in-order-looking data at seq 3 is out of order, so the
 * ACK that answers it still says 1.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'no-ack-flag',
  description: 'Data without the ACK bit in ESTABLISHED is dropped (the next ACK still says 1)',
  rfc: 'RFC 9293 §3.10.7.4',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('P', { payload: 'xx' }),
    send('PA', { seq: 3, payload: 'yy' }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 500 }),
  ],
});
