/**
 * A RST whose sequence number is exactly RCV.NXT resets the connection, silently; a later
 * segment on that 4-tuple reaches only the listener, which refuses it with a RST
 * (seq = SEG.ACK). RFC 5961 §3.2: "If the RST bit is set and the sequence number exactly
 * matches the next expected sequence number (RCV.NXT), then TCP MUST reset the connection."
 * RFC 9293 §3.10.7.2 (LISTEN, an ACK): <SEQ=SEG.ACK><CTL=RST>.
 */
import { scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'rst-exact',
  description: 'RST at exactly RCV.NXT: the connection is gone; data afterwards gets a RST',
  rfc: 'RFC 5961 §3.2 (RFC 9293 MAY-12); RFC 9293 §3.10.7.4, §3.10.7.2',
  expectedFailures: {
    lwip: { step: 7, field: 'flags', why: 'lwIP answers with RST and ACK both set wherever it resets (tcp_rst() in src/core/tcp_out.c always uses TCP_RST | TCP_ACK), where RFC 9293 §3.10.7 wants a bare <SEQ=SEG.ACK><CTL=RST> for a segment that carried an ACK.' },
  },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('R', { seq: 1 }),
    // No challenge ACK (it would come at once; 600 ms outlasts even a delayed ACK's 500).
    silence(600),
    send('PA', { seq: 1, ack: 1, payload: 'anyone there?\n' }),
    // The listener answers the ACK with <SEQ=SEG.ACK><CTL=RST>: seq 1 relative to the old ISN.
    expect('R', { seq: 1, len: 0, within: 500 }),
  ],
});
