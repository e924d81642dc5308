/**
 * The retransmission timeout follows the RTT measured (RFC 9293 §3.8.1: "The RTO MUST be computed
 * according to the algorithm in RFC 6298", MUST-18). On the lab's link every RTT is a fraction of
 * a millisecond and the RTO sits at the stack's floor; here we hold our ACKs back so that the
 * echo service's stack measures samples of 600 and 900 ms.
 *
 * The first sample R = 600 ms, from the SYN/ACK (acknowledged after 600 ms, under the 1 s initial
 * RTO of RFC 6298 §2.1): §2.2, a MUST, sets SRTT = R, RTTVAR = R/2 = 300. The second, R' = 900 ms,
 * from the echo of "a" (under the RTO of 1.8 s the first sample gave): §2.3, a MUST, sets
 * RTTVAR = (1 - beta)*RTTVAR + beta*|SRTT - R'| and SRTT = (1 - alpha)*SRTT + alpha*R'. The
 * weights 1/8 and 1/4 are a SHOULD, so they are not assumed: with |SRTT - R'| = 300 = RTTVAR, any
 * beta leaves RTTVAR at 300, any alpha leaves SRTT between 600 and 900, and RTO = SRTT + max(G,
 * 4*RTTVAR) lies between 1.8 and 2.1 s (1.84 s with the RFC's weights; the 1 s floor of §2.4 does
 * not come into it). The echo of "b" is then left unacknowledged: its retransmission must wait at
 * least that long. Checked with room for a coarse clock: not before 1.6 s. A stack whose RTO
 * ignores the samples (1 s, or Linux's 200 ms floor) retransmits well before.
 *
 * The SYN offers no options: no timestamps (RFC 7323's RTTM would sample differently) and no
 * SACK (no tail loss probe, RFC 8985, in place of the RTO). It ends with an exact RST, not a
 * FIN exchange, so that a host caching RTTs per destination (Linux's tcp_metrics, saved on an
 * orderly close) keeps no 600 ms RTT to seed later connections' RTOs with.
 */
import { scenario, send, expect, either, pause, type ExpectFields } from 'tcpcraft';

/** The echo of `text` at `seq`, with or without PSH. */
const echo = (seq: number, text: string, f: ExpectFields = {}) =>
  either(expect('PA', { seq, ack: seq + 1, payload: text, ...f }), expect('A', { seq, ack: seq + 1, payload: text, ...f }));

export default scenario({
  name: 'rto-from-samples',
  description: 'ACKs held back 600 ms (SYN/ACK), then 900 ms (data): unacknowledged data is retransmitted no sooner than the RTO those samples give (1.8 to 2.1 s)',
  rfc: 'RFC 6298 §2.2, §2.3; RFC 9293 §3.8.1 MUST-18',
  peer: { host: '10.77.0.2', port: 7 },
  timeout: 3000,
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    // The first RTT sample: 600 ms.
    pause(600),
    send('A'),
    send('PA', { payload: 'a' }),
    expect('A', { seq: 1, ack: 2, len: 0, optional: true, timeout: 300 }),
    echo(1, 'a', { within: 300 }),
    // The second: 900 ms.
    pause(900),
    send('A'),
    send('PA', { payload: 'b' }),
    expect('A', { seq: 2, ack: 3, len: 0, optional: true, timeout: 300 }),
    echo(2, 'b', { within: 300 }),
    // Not acknowledged: the retransmission after the RTO, at least 1.8 s (1.6 s with room).
    echo(2, 'b', { after: 1600, timeout: 5000 }),
    send('R'),
  ],
});
