/**
 * Before any RTT sample the retransmission timeout is 1 second (RFC 6298 §2.1 SHOULD; §5.7 and
 * RFC 1122 allow 3 s when the SYN or its answer had to be retransmitted). The final ACK of the
 * handshake is withheld: the first SYN/ACK retransmission comes no earlier than about 1 s and no
 * later than 3.5 s (so a 3 s fallback passes too).
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'initial-rto',
  description: 'Final ACK withheld: the SYN/ACK is retransmitted after 1 to 3 s, not sooner',
  rfc: 'RFC 6298 §2.1; RFC 9293 §3.8.1',
  level: 'SHOULD',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    expect('SA', { seq: 0, ack: 1, after: 900, timeout: 3500 }),
    send('R', { seq: 1 }),
  ],
});
