/**
 * Retransmission into a shrunk window (RFC 9293 §3.8.6, SHLD-16, MAY-7, SHLD-17). With MSS 500
 * and a window of 1000 the chargen service sends bytes 1-1000; we acknowledge 500 with a window of
 * 100 (the right edge moves back from 1001 to 601) and then stay silent. When its retransmission
 * timer fires the sender retransmits the old data at 501: within the window (at most 100 bytes,
 * SHLD-16) or the whole segment beyond it (MAY-7), never new data past 1001. Three times (about
 * 7 RTOs, far short of R2's 100 s, RFC 9293 §3.8.3), and then, since the sender "SHOULD NOT time
 * out the connection if data beyond the right window edge is not acknowledged" (SHLD-17), it
 * still takes our ACK and goes on.
 */
import { scenario, send, expect, either, range, mss, type Step } from 'tcpcraft';

const seg = (seq: number, len: number | ReturnType<typeof range>, extra: Record<string, unknown> = {}): Step =>
  either(expect('A', { seq, len, ...extra }), expect('PA', { seq, len, ...extra }));

export default scenario({
  name: 'window-shrink-retransmit',
  description: 'Window shrunk to end at 601: the old data at 501 is retransmitted (three times), the connection then goes on',
  rfc: 'RFC 9293 §3.8.6 SHLD-16, SHLD-17',
  level: 'SHOULD',
  window: 1000,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    seg(1, 500),
    seg(501, 500),
    send('A', { ack: 501, window: 100 }),
    // The retransmission timer fires: the old data at 501 comes again (within or past the window).
    seg(501, range(1, 500), { timeout: 8000 }),
    seg(501, range(1, 500), { timeout: 16000 }),
    seg(501, range(1, 500), { timeout: 32000 }),
    // The window opens: the connection is still there, and new data follows what it had sent.
    send('A', { ack: 1001, window: 1000 }),
    seg(1001, range(1, 500), { within: 1000 }),
  ],
});
