/**
 * Karn's algorithm (RFC 9293 §3.8.1, MUST-18; RFC 6298 §3: "RTT samples MUST NOT be made using
 * segments that were retransmitted"), and the backed-off RTO that goes with it: RFC 6298 §5.5
 * doubles the RTO at each timeout, and only a new sample (of data "sent and acknowledged" without
 * retransmission, the note after §5.7) brings it back down, so the next segment is timed with
 * the backed-off value (the exponential backoff RFC 9293 §3.8.2 requires, MUST-19).
 *
 * The echo service's stack first measures one RTT of 600 ms (we acknowledge its SYN/ACK that
 * late, under the 1 s initial RTO): RFC 6298 §2.2 makes its RTO exactly 3 x 600 = 1.8 s. We leave
 * the echo of "a" unacknowledged: it comes again after 1.8 s (checked: not before 1.6 s), and the
 * RTO doubles to 3.6 s. We acknowledge the retransmission at once and send "b". Its echo, left
 * unacknowledged too, must wait the whole 3.6 s (checked: not before 3.2 s). A stack that took
 * the ambiguous ACK as a sample would have shortened it: timed from the first transmission (1.8
 * s) the RFC's weights give 2.85 s, from the retransmission (a few ms) 2 s; one that dropped the
 * backoff without a sample, 1.8 s.
 *
 * An RTO above 1.8 s at the start passes too (Linux seeds it from an RTT it cached for our address,
 * tcp_init_metrics(), when that is longer than the SYN/ACK's); the timeouts leave room for one.
 * No options in the SYN: no timestamps (RFC 7323's RTTM may sample retransmitted segments) and
 * no SACK (no tail loss probe). It ends with an exact RST, as rto-from-samples.ts does.
 */
import { scenario, send, expect, either, pause, type ExpectFields } from 'tcpcraft';

/** The echo of `text` at `seq`, with or without PSH. */
const echo = (seq: number, text: string, f: ExpectFields = {}) =>
  either(expect('PA', { seq, ack: seq + 1, payload: text, ...f }), expect('A', { seq, ack: seq + 1, payload: text, ...f }));

export default scenario({
  name: 'rto-karn',
  description: 'RTO 1.8 s from a 600 ms sample; a retransmitted segment acknowledged at once gives no sample: the next segment waits the backed-off 3.6 s',
  rfc: 'RFC 6298 §3, §5.5; RFC 9293 §3.8.1 MUST-18, MUST-19',
  expectedFailures: {
    lwip: { step: 13, field: 'time', why: "lwIP's tcp_receive() (src/core/tcp_in.c) recomputes the RTO from SRTT and RTTVAR on any ACK of new data, dropping the backoff, and tcp_output_segment() (src/core/tcp_out.c) re-arms the RTT measurement on a retransmitted segment, so the ambiguous ACK is taken as a sample, where RFC 6298 §3 and §5 (RFC 9293 MUST-18) keep the backed-off RTO until a sample from a segment that was not retransmitted." },
    gvisor: { step: 13, field: 'time', why: "gVisor's sender restarts its RTT measurement when a retransmission timeout resends the timed segment (sendSegmentFromPacketBuffer and retransmitTimerExpired in pkg/tcpip/transport/tcp/snd.go), so the ACK of the retransmission is taken as a sample and the backed-off RTO is dropped, where RFC 6298 §3 and §5 (Karn, RFC 9293 MUST-18) forbid samples from retransmitted segments." },
  },
  peer: { host: '10.77.0.2', port: 7 },
  timeout: 3000,
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    // One RTT sample, 600 ms: RTO = 1.8 s (RFC 6298 §2.2).
    pause(600),
    send('A'),
    send('PA', { payload: 'a' }),
    expect('A', { seq: 1, ack: 2, len: 0, optional: true, timeout: 300 }),
    echo(1, 'a', { within: 300 }),
    // Not acknowledged: again after the RTO; the RTO doubles to 3.6 s.
    echo(1, 'a', { after: 1600, timeout: 6000 }),
    // The retransmission acknowledged at once: no sample may be taken from it.
    send('A'),
    send('PA', { payload: 'b' }),
    expect('A', { seq: 2, ack: 3, len: 0, optional: true, timeout: 300 }),
    echo(2, 'b', { within: 300 }),
    // Timed with the backed-off RTO: 3.6 s (not before 3.2 s).
    echo(2, 'b', { after: 3200, timeout: 10000 }),
    send('R'),
  ],
});
