/**
 * When our final ACK never comes, the server retransmits its SYN/ACK when its retransmission
 * timer expires, and backs off: each timeout twice the one before (RFC 6298 §5.5: "the host MUST
 * set RTO <- RTO * 2"; RFC 9293 §3.8.1). The first timeout is the stack's (RFC 6298 §2.1 asks for
 * 1 s; RFC 2988's 3 s is still common, and libslirp starts at 6 s: t_rxtcur in tcp_newtcpcb(),
 * src/tcp_subr.c): it shows in the trace, and is not asserted here.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'synack-retransmit',
  description: 'Final ACK withheld: SYN/ACK again after an RTO, then after at least twice as long',
  rfc: 'RFC 6298 §2.1, §5.5; RFC 9293 §3.8.1',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    expect('SA', { seq: 0, ack: 1, timeout: 8000 }),
    expect('SA', { seq: 0, ack: 1, backoff: 2, timeout: 16000 }),
    send('A'),
  ],
});
