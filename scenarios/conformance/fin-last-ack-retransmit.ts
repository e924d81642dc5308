/**
 * In LAST-ACK, a FIN that is not acknowledged is retransmitted after a retransmission timeout,
 * like any data (a FIN occupies sequence space: RFC 9293 §3.10.7.4, §3.8.1, RFC 6298 §5).
 * Linux deviates from RFC 6298 §2.4 ("RTO SHOULD be rounded up to 1 second") on purpose: its
 * minimum RTO is 200 ms (TCP_RTO_MIN), so on this sub-millisecond link the retransmission comes
 * after about 200 ms, and the next one after about twice that.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'fin-last-ack-retransmit',
  description: 'The server FIN is not ACKed: it is retransmitted after ~200 ms (Linux RTO min), then ~400 ms',
  rfc: 'RFC 9293 §3.10.7.4; RFC 6298 §2.4, §5.5',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('FA'),
    expect('A', { seq: 1, ack: 2, optional: true }),
    expect('FA', { seq: 1, ack: 2 }),
    expect('FA', { seq: 1, ack: 2, after: 180, within: 300 }),
    expect('FA', { seq: 1, ack: 2, after: 360, within: 600 }),
    send('A'),
  ],
});
