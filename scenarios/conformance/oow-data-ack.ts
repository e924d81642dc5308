/**
 * Data far outside the receive window is not accepted; the receiver answers with an ACK of what
 * it expects (RCV.NXT) and drops it. RFC 9293 §3.10.7.4 (first check, sequence number): "If an
 * incoming segment is not acceptable, an acknowledgment should be sent in reply (unless the RST
 * bit is set ...) <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>".
 * Rate limit: Linux throttles out-of-window ACKs (net.ipv4.tcp_invalid_ratelimit, 500 ms per
 * socket) only for segments without data (tcp_oow_rate_limited); this one carries data and is
 * the only one on a fresh connection.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'oow-data-ack',
  description: 'Data 1 GiB beyond the window: a duplicate ACK (ack = RCV.NXT), data dropped',
  rfc: 'RFC 9293 §3.10.7.4',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { seq: 1 + 0x40000000, payload: 'far away\n' }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 300 }),
    // In-window data at RCV.NXT is still taken: the bogus segment did not move anything.
    send('PA', { seq: 1, payload: 'in window\n' }),
    expect('A', { seq: 1, ack: 11, within: 500 }),
  ],
});
