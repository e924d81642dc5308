/**
 * An ACK of data the server never sent (SEG.ACK > SND.NXT) is not taken.
 * RFC 9293 §3.10.7.4 (fifth check, ESTABLISHED): "If the ACK acks something not yet sent
 * (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and return."
 * Linux 6.x does exactly that (tcp_ack: SKB_DROP_REASON_TCP_ACK_UNSENT_DATA, then a dup ACK;
 * a segment carrying data is never subject to the out-of-window ACK rate limit).
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'ack-unsent-data',
  description: 'ACK of unsent data: answered by an ACK, segment dropped',
  rfc: 'RFC 9293 §3.10.7.4',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { ack: 1001, payload: 'acking the future\n' }),
    // ack 1: the 18 bytes were not taken.
    expect('A', { seq: 1, ack: 1, len: 0, within: 300 }),
    // The same bytes with an acceptable ACK are taken.
    send('PA', { seq: 1, payload: 'acking the future\n' }),
    expect('A', { seq: 1, ack: 19, within: 500 }),
  ],
});
