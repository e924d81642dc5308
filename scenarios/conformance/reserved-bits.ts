/**
 * The three reserved bits of the TCP header are ignored by the receiver: a SYN and a data
 * segment with all of them set are handled as if they were clear. RFC 9293 §3.1: "Reserved: A
 * set of control bits reserved for future use. Must be zero in generated segments and must be
 * ignored in received segments if the corresponding future features are not implemented by the
 * sending or receiving host." (The NS/AE bit next to them is not touched.)
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'reserved-bits',
  description: 'SYN and data with the 3 reserved bits set: normal SYN/ACK, data ACKed',
  rfc: 'RFC 9293 §3.1',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { tcp: { reserved: 7 } }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A', { tcp: { reserved: 7 } }),
    send('PA', { payload: 'reserved bits set\n', tcp: { reserved: 7 } }),
    expect('A', { seq: 1, ack: 19, within: 500 }),
  ],
});
