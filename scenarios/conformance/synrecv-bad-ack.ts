/**
 * In SYN-RECEIVED, an ACK that does not acknowledge the SYN/ACK (ack beyond ISS+1) is refused
 * with a RST whose seq is that ack. RFC 9293 §3.10.7.4 (SYN-RECEIVED, fifth check): "If the
 * segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
 * The half-open connection survives it (the RST comes from the listener, which keeps the
 * request): the right ACK then completes the handshake and data is acknowledged.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'synrecv-bad-ack',
  description: 'Unacceptable ACK in SYN-RECEIVED: RST with seq = SEG.ACK',
  rfc: 'RFC 9293 §3.10.7.4',
  expectedFailures: {
    lwip: { step: 4, field: 'flags', why: 'lwIP answers with RST and ACK both set wherever it resets (tcp_rst() in src/core/tcp_out.c always uses TCP_RST | TCP_ACK), where RFC 9293 §3.10.7 wants a bare <SEQ=SEG.ACK><CTL=RST> for a segment that carried an ACK.' },
  },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A', { ack: 1001 }),
    expect('R', { seq: 1001, len: 0, within: 500 }),
    // The connection is still half-open: the right ACK completes it and data is acknowledged.
    // (After a RST the engine asks for explicit seqs.)
    send('A', { seq: 1, ack: 1 }),
    send('PA', { seq: 1, ack: 1, payload: 'still here\n' }),
    expect('A', { seq: 1, ack: 12, within: 500 }),
    // Leave the target clean: an exact RST.
    send('R', { seq: 12 }),
  ],
});
