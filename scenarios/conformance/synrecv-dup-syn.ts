/**
 * A duplicate SYN (same ISN) in SYN-RECEIVED is answered at once by the same SYN/ACK, not after
 * the retransmission timer, and the connection can still be completed. RFC 5961 §4 would answer a SYN in a synchronized state with a challenge ACK; in SYN-RECEIVED
 * Linux treats an identical SYN as a retransmission of the client's SYN (its SYN/ACK was lost)
 * and resends the SYN/ACK (tcp_check_req), which is what the RFC 9293 §3.10.7.4 recovery from a
 * lost SYN/ACK needs. Then data is acknowledged, showing the connection is up.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'synrecv-dup-syn',
  description: 'Duplicate SYN in SYN-RECEIVED: the SYN/ACK is resent at once; the handshake then completes',
  rfc: 'RFC 9293 §3.10.7.4; RFC 793 §3.4 (Figure 10)',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('S', { seq: 0 }),
    expect('SA', { seq: 0, ack: 1, within: 300 }),
    send('A'),
    send('PA', { payload: 'after the duplicate SYN\n' }),
    expect('A', { seq: 1, ack: 25, within: 500 }),
  ],
});
