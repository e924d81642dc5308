/**
 * A sender facing a zero window probes it, and sends data as soon as the window opens. RFC 9293
 * §3.8.6.1: "The sending TCP peer must regularly transmit at least one octet of new data (if
 * available), or retransmit to the receiving TCP peer even if the send window is zero" (MUST-36,
 * RFC 1122 §4.2.2.17). We advertise a zero window to chargen, which has data. A probe may be an ACK
 * at SND.UNA - 1 without data (Linux, gVisor) or one octet of new data (lwIP): both are accepted.
 * When the first probe comes and how the interval grows (RFC 9293 SHLD-29: exponentially) are the
 * stack's timers and show in the trace.
 */
import { either, expect, mss, range, scenario, send, type Step } from 'tcpcraft';

/** One zero-window probe, in either form, within `ms`. */
function probe(ms: number): Step {
  return either(expect('A', { seq: 0, ack: 1, len: 0, timeout: ms }), expect('A', { seq: 1, ack: 1, len: 1, timeout: ms }), expect('PA', { seq: 1, ack: 1, len: 1, timeout: ms }));
}

export default scenario({
  name: 'zero-window-probe',
  description: 'We advertise a zero window: the sender probes (an empty ACK or one octet), and sends data once the window opens',
  rfc: 'RFC 9293 §3.8.6.1 MUST-35, MUST-36, SHLD-29; RFC 1122 §4.2.2.17',
  expectedFailures: {
    slirp: { step: 7, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): once the window opens it sends 1000 bytes in one segment to a peer that announced 500." },
  },
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)], window: 0 }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A', { window: 0 }),
    probe(8000),
    probe(16000),
    // The window opens: data comes (from wherever the probes left it).
    send('A', { window: 1000 }),
    either(expect('A', { ack: 1, len: range(1, 500), within: 1000 }), expect('PA', { ack: 1, len: range(1, 500), within: 1000 })),
  ],
});
