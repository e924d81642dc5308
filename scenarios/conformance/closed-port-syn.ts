/**
 * A SYN to a port nobody listens on is refused with a RST/ACK that acknowledges the SYN.
 * RFC 9293 §3.10.7.1 (CLOSED state): "If the ACK bit is off, sequence number zero is used,
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>" — the SYN counts for one, so ack = ISN+1.
 * Before the peer's SYN nothing can be numbered from its ISN: its seq is compared raw (0).
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'closed-port-syn',
  description: 'SYN to a closed port: RST/ACK with seq 0, ack = our ISN + 1',
  rfc: 'RFC 9293 §3.10.7.1',
  peer: { host: '10.77.0.2', port: 5999 },
  steps: [
    send('S'),
    expect('RA', { seq: 0, ack: 1, len: 0, within: 500 }),
  ],
});
