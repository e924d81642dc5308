/**
 * In LAST-ACK, a FIN that is not acknowledged is retransmitted after a retransmission timeout,
 * like any data (a FIN occupies sequence space: RFC 9293 §3.10.7.4, §3.8.1, RFC 6298 §5), and the
 * timer backs off (RFC 6298 §5.5: "RTO <- RTO * 2"). The first timeout is the stack's and shows in
 * the trace (Linux: 200 ms, TCP_RTO_MIN, below RFC 6298 §2.4's 1 s; lwIP and libslirp: a few
 * seconds on their 500 ms timers).
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
  name: 'fin-last-ack-retransmit',
  description: 'The server FIN is not ACKed: it is retransmitted after an RTO, then after a backed-off interval (at least 1.5x)',
  rfc: 'RFC 9293 §3.10.7.4, §3.8.1 MUST-19; RFC 6298 §2.4, §5.5',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('FA'),
    expect('A', { seq: 1, ack: 2, optional: true }),
    expect('FA', { seq: 1, ack: 2 }),
    expect('FA', { seq: 1, ack: 2, timeout: 5000 }),
    expect('FA', { seq: 1, ack: 2, backoff: BACKOFF, timeout: 12000 }),
    send('A'),
  ],
});
