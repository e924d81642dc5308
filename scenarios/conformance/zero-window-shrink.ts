/**
 * A window shrunk to zero is probed the standard way (RFC 9293 §3.8.6: "If the window shrinks to
 * zero, the TCP implementation MUST probe it in the standard way", MUST-35). With MSS 500 and a
 * window of 1000 the chargen service sends bytes 1-1000; we acknowledge 500 with a window of 0,
 * so the right edge moves back from 1001 to 501 with 500 bytes in flight. A sender must not just
 * wait for a window update (which may be lost): within its timers something must come at the
 * window's edge, either the old data at 501 retransmitted into the zero window (what a zero-window
 * probe of new data would be, RFC 9293 §3.8.6.1) or an empty probe at SND.UNA - 1. When we then
 * open the window, data flows again.
 */
import { scenario, send, expect, either, range, mss, type Step } from 'tcpcraft';

const seg = (seq: number, len: number | ReturnType<typeof range>, extra: Record<string, unknown> = {}): Step =>
  either(expect('A', { seq, len, ...extra }), expect('PA', { seq, len, ...extra }));

export default scenario({
  name: 'zero-window-shrink',
  description: 'Window shrunk to zero with 500 bytes in flight: the sender probes (data at 501, or an empty probe); data once it opens',
  rfc: 'RFC 9293 §3.8.6 MUST-35',
  window: 1000,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    seg(1, 500),
    seg(501, 500),
    send('A', { ack: 501, window: 0 }),
    // The probe: the old data at SND.UNA again (all of it, or part), or an empty ACK at SND.UNA - 1.
    either(expect('A', { seq: 501, len: range(1, 500), timeout: 8000 }), expect('PA', { seq: 501, len: range(1, 500), timeout: 8000 }), expect('A', { seq: 500, ack: 1, len: 0, timeout: 8000 })),
    // The window opens: data comes again, from 1001 or from 501 (after a timeout the congestion
    // window is one segment, RFC 5681 §3.1, and the data at 501 is still unacknowledged: it may
    // wait for the next, backed-off, retransmission).
    send('A', { ack: 501, window: 1000 }),
    either(expect('A', { ack: 1, len: range(1, 500), timeout: 16000 }), expect('PA', { ack: 1, len: range(1, 500), timeout: 16000 })),
  ],
});
