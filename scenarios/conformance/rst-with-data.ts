/**
 * A RST may carry data, such as text saying why (RFC 9293 §3.5.3, SHLD-2 for the sender; a
 * receiver processes such a RST like any other). An exact RST with 22 bytes of text ends the
 * connection: data sent afterwards gets the listener's RST.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'rst-with-data',
  description: 'An exact RST carrying text ends the connection',
  rfc: 'RFC 9293 §3.5.3 SHLD-2',
  level: 'SHOULD',
  expectedFailures: { lwip: { step: 6, field: 'flags', why: 'lwIP answers with RST and ACK both set wherever it resets (tcp_rst() in src/core/tcp_out.c always uses TCP_RST | TCP_ACK), where RFC 9293 §3.10.7 wants a bare <SEQ=SEG.ACK><CTL=RST> for a segment that carried an ACK.' } },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('R', { seq: 1, payload: 'closing: test is over\n' }),
    send('PA', { seq: 1, payload: 'anyone?\n' }),
    expect('R', { seq: 1, within: 500 }),
  ],
});
