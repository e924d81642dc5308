/**
 * Data in a SYN (without TCP Fast Open) to a listener. RFC 9293 §3.10.7.2 lets the receiver queue
 * it until the connection is established, so the SYN/ACK may acknowledge the SYN alone (ack 1) or
 * the SYN and the data (ack 6). Either way the connection works: the same bytes sent again after
 * the handshake end up acknowledged exactly once (ack 6).
 */
import { scenario, send, expect, oneOf } from 'tcpcraft';

export default scenario({
  name: 'syn-with-data',
  description: 'SYN carrying 5 bytes: SYN/ACK acks 1 or 6; after resending, everything is acknowledged (ack 6)',
  rfc: 'RFC 9293 §3.10.7.2',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { payload: 'hello' }),
    expect('SA', { seq: 0, ack: oneOf(1, 6) }),
    send('A', { seq: 1 }),
    send('PA', { seq: 1, payload: 'hello' }),
    expect('A', { seq: 1, ack: 6, within: 500 }),
  ],
});
