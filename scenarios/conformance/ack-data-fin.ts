/**
 * One segment, one ACK (RFC 9293 §3.10.7.4, MUST-58: "the processing of received segments MUST be
 * implemented to aggregate ACK segments whenever possible"). We send 4 bytes and our FIN in one
 * segment to the discard service: the first segment that answers acknowledges both (ack 6), be it
 * a bare ACK or the service's own FIN; an ACK of the data alone (ack 5), followed by another for
 * the FIN, is the failure to aggregate this catches.
 */
import { scenario, send, expect, either } from 'tcpcraft';

export default scenario({
  name: 'ack-data-fin',
  description: 'Data and FIN in one segment: the first answer acknowledges both (ack 6), not the data alone',
  rfc: 'RFC 9293 §3.10.7.4 MUST-58',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('FPA', { payload: 'bye\n' }),
    either(expect('A', { seq: 1, ack: 6, len: 0, within: 500 }), expect('FA', { seq: 1, ack: 6, len: 0, within: 500 })),
  ],
});
