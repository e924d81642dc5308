/**
 * When our final ACK never comes, the server retransmits its SYN/ACK when its retransmission
 * timer expires, and backs off: each timeout twice the one before (RFC 6298 §5.5: "the host MUST
 * set RTO <- RTO * 2"; RFC 9293 §3.8.1). The first timeout is the stack's (RFC 6298 §2.1 asks for
 * 1 s; RFC 2988's 3 s is still common, and libslirp starts at 6 s: t_rxtcur in tcp_newtcpcb(),
 * src/tcp_subr.c): it shows in the trace, and is not asserted here.
 */
import { scenario, send, expect } from 'tcpcraft';

/**
 * How much growth `backoff` asks for. RFC 6298 §5.5 doubles the timer, but a stack whose timers
 * tick every 500 ms (libslirp, lwIP) may fire the first one up to a tick late: for a 1 s RTO the
 * measured gaps can be 1.5 s then 2 s, a ratio of 4/3. At least 1.5x (less the 12.5 % tolerance:
 * 1.31x) still tells a backed-off timer from one that is not; the twins check that 3x is refused.
 */
const BACKOFF = 1.5;

export default scenario({
  name: 'synack-retransmit',
  description: 'Final ACK withheld: SYN/ACK again after an RTO, then after a backed-off interval (at least 1.5x)',
  rfc: 'RFC 6298 §2.1, §5.5; RFC 9293 §3.8.1 MUST-19',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    expect('SA', { seq: 0, ack: 1, timeout: 8000 }),
    expect('SA', { seq: 0, ack: 1, backoff: BACKOFF, timeout: 16000 }),
    send('A'),
  ],
});
