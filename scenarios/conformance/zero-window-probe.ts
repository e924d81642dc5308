/**
 * A sender facing a zero window probes it, with exponential backoff, and sends data as soon as
 * the window opens. RFC 9293 §3.8.6.1: "The sending TCP peer must regularly transmit at least one
 * octet of new data (if available), or retransmit to the receiving TCP peer even if the send
 * window is zero" and "SHOULD increase exponentially the interval between successive probes"
 * (MUST-36/SHLD-29, RFC 1122 §4.2.2.17). We advertise a zero window to chargen, which has data.
 * Linux probes without data: an ACK with seq = SND.UNA - 1 (relative 0), which forces an ACK
 * (RFC 9293 allows either form); the first after one RTO (Linux minimum 200 ms, see
 * data-retransmit-backoff.ts), then ~400 ms later.
 */
import { scenario, send, expect, either, mss } from 'tcpcraft';

export default scenario({
  name: 'zero-window-probe',
  description: 'We advertise window 0: probes after ~200 ms and ~400 ms; a window update brings data',
  rfc: 'RFC 9293 §3.8.6.1; RFC 1122 §4.2.2.17',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)], window: 0 }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A', { window: 0 }),
    expect('A', { seq: 0, ack: 1, len: 0, after: 180, within: 300 }),
    expect('A', { seq: 0, ack: 1, len: 0, after: 360, within: 600 }),
    // Open the window for 1000 bytes: two 500-byte segments come at once.
    send('A', { window: 1000 }),
    either(expect('A', { seq: 1, ack: 1, len: 500, within: 100 }), expect('PA', { seq: 1, ack: 1, len: 500, within: 100 })),
    either(expect('A', { seq: 501, ack: 1, len: 500, within: 100 }), expect('PA', { seq: 501, ack: 1, len: 500, within: 100 })),
  ],
});
