/**
 * The window of a SYN or SYN/ACK is never scaled (RFC 7323 §2.2: "The window field in a segment
 * where the SYN bit is set (i.e., a <SYN> or <SYN,ACK>) MUST NOT be scaled"), even when the same
 * segment carries the Window Scale option: the shift applies from the next segment on (§2.3).
 * The target's application connects to us; our SYN/ACK offers window scale 7, an MSS of 500 and a
 * window of 1000 bytes. The application writes 5000 bytes: at most 1000 may go before we announce
 * more, so the first segments stay within 1 to 1000 and what comes next, when nothing is
 * acknowledged, is a retransmission from 1 (after an RTO), never new data at 1001. A stack that
 * scaled the SYN/ACK's window would see 128000 bytes and send on at once. Our ACK of everything
 * with a window field of 40 (5120 bytes, now scaled) then lets the data at 1001 go.
 */
import { app, appWait, either, expect, range, scenario, send, mss, nop, wscale, type ExpectFields, type Step } from 'tcpcraft';

/** A data segment, with or without PSH. */
const data = (f: ExpectFields): Step => either(expect('A', f), expect('PA', f));

export default scenario({
  name: 'syn-window-unscaled',
  description: 'Our SYN/ACK has window 1000 and window scale 7: no more than 1000 bytes go before a later window',
  rfc: 'RFC 7323 §2.2, §2.3',
  requires: ['app-puppet', 'wscale'],
  role: 'server',
  local: { port: 2381 },
  peer: { host: '10.77.0.2' },
  steps: [
    app('connect', { background: 'connect' }),
    expect('S', { seq: 0, options: { has: ['wscale'] } }),
    send('SA', { seq: 0, ack: 1, window: 1000, options: [mss(500), nop(), wscale(7)] }),
    expect('A', { seq: 1, ack: 1, len: 0 }),
    appWait('connect'),
    app('write', 5000),
    // Within the 1000 bytes of the SYN/ACK's window: one or two segments.
    data({ seq: 1, ack: 1, len: 500, within: 3000 }),
    data({ seq: 501, ack: 1, len: 500, optional: true, timeout: 500 }),
    // Nothing acknowledged: the next segment is the one at 1 again, not new data past the window.
    data({ seq: 1, ack: 1, len: range(1, 500), timeout: 5000 }),
    send('A', { ack: 1001, window: 40 }),
    data({ seq: 1001, ack: 1, len: 500, within: 1000 }),
    send('R', { seq: 1 }),
  ],
});
