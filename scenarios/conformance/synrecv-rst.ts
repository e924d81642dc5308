/**
 * A RST in SYN-RECEIVED of a passive open sends the connection back to LISTEN (RFC 9293
 * §3.10.7.4; MUST-11 is the rule this rests on: SYN-RECEIVED remembers where it came from). After
 * our in-window RST the half-open connection is gone: our ACK of its SYN/ACK is answered with a
 * RST (no connection), and a new SYN gets a new SYN/ACK.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'synrecv-rst',
  description: 'RST in SYN-RECEIVED: back to LISTEN (the old ACK is reset, a new SYN answered)',
  rfc: 'RFC 9293 §3.10.7.4 MUST-11',
  expectedFailures: { lwip: { step: 5, field: 'flags', why: 'lwIP answers with RST and ACK both set wherever it resets (tcp_rst() in src/core/tcp_out.c always uses TCP_RST | TCP_ACK), where RFC 9293 §3.10.7 wants a bare <SEQ=SEG.ACK><CTL=RST> for a segment that carried an ACK.' } },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('R', { seq: 1 }),
    send('A', { seq: 1, ack: 1 }),
    expect('R', { seq: 1, within: 500 }),
    send('S', { seq: 50000 }),
    expect('SA', { ack: 50001, within: 1000 }),
    send('R', { seq: 50001 }),
  ],
});
