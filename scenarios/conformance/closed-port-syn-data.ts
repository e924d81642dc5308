/**
 * A SYN carrying data to a closed port: the RST/ACK acknowledges the SYN *and* the data.
 * RFC 9293 §3.10.7.1 (CLOSED state): <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, where SEG.LEN
 * counts the SYN and every payload byte: 1 + 5 = 6.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'closed-port-syn-data',
  description: 'SYN with 5 bytes of data to a closed port: RST/ACK, ack = ISN + 1 + 5',
  rfc: 'RFC 9293 §3.10.7.1',
  expectedFailures: {
    slirp: { step: 2, field: 'ack', why: 'libslirp refuses the connection with a RST/ACK acknowledging only the SYN (ti_seq + 1, in tcp_input() of src/tcp_input.c when tcp_fconnect() gets ECONNREFUSED), not SEG.SEQ + SEG.LEN as RFC 9293 §3.10.7.1 says.' },
  },
  peer: { host: '10.77.0.2', port: 5999 },
  steps: [
    send('S', { payload: 'hello' }),
    expect('RA', { seq: 0, ack: 6, len: 0, within: 500 }),
  ],
});
