/**
 * An ACK to a port nobody listens on is answered by a bare RST whose sequence number is the
 * segment's acknowledgment number. RFC 9293 §3.10.7.1 (CLOSED state): "If the ACK bit is on,
 * <SEQ=SEG.ACK><CTL=RST>". The peer has no ISN here (it never sent a SYN), so the ACK carries a
 * raw acknowledgment number and the RST's seq is compared raw.
 */
import { scenario, send, expect } from 'tcpcraft';

const RAW_ACK = 0x5eed1234;

export default scenario({
  name: 'closed-port-ack',
  description: 'ACK to a closed port: RST (no ACK flag) with seq = the ACK\'s acknowledgment number',
  rfc: 'RFC 9293 §3.10.7.1',
  expectedFailures: {
    lwip: { step: 2, field: 'flags', why: 'lwIP answers with RST and ACK both set wherever it resets (tcp_rst() in src/core/tcp_out.c always uses TCP_RST | TCP_ACK), where RFC 9293 §3.10.7 wants a bare <SEQ=SEG.ACK><CTL=RST> for a segment that carried an ACK.' },
  },
  peer: { host: '10.77.0.2', port: 5999 },
  steps: [
    send('A', { tcp: { ack: RAW_ACK } }),
    expect('R', { seq: RAW_ACK, len: 0, within: 500 }),
  ],
});
