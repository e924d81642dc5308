/**
 * A receiver shrinks its window (moves the right edge left). The sender must cope (RFC 9293
 * §3.8.6, MUST-34) and should not send new data beyond the new right edge (SHLD-15). With MSS
 * 500 and a window of 1000 the chargen service sends bytes 1-1000; we then acknowledge 500 with
 * a window of 100, so the right edge moves from 1001 back to 601. Nothing new may come (a sender
 * that computed SND.UNA + SND.WND - SND.NXT without care would see a huge window); when the
 * window opens again, data continues at 1001.
 */
import { scenario, send, expect, either, silence, range, mss } from 'tcpcraft';

export default scenario({
  name: 'window-shrink',
  description: 'Window shrunk from edge 1001 to 601: no new data; reopened: data from 1001',
  rfc: 'RFC 9293 §3.8.6 MUST-34, SHLD-15',
  window: 1000,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: 500 }), expect('PA', { seq: 1, len: 500 })),
    either(expect('A', { seq: 501, len: 500 }), expect('PA', { seq: 501, len: 500 })),
    send('A', { ack: 501, window: 100 }),
    silence(120),
    send('A', { ack: 1001, window: 1000 }),
    // The retransmission timer (200 ms or more) may have fired just before our ACK: the old data
    // at 501 may come once more first (window-shrink-retransmit.ts is about that).
    either(expect('A', { seq: 501, len: range(1, 500), optional: true, timeout: 500 }), expect('PA', { seq: 501, len: range(1, 500), optional: true, timeout: 500 })),
    either(expect('A', { seq: 1001, len: range(1, 500), within: 500 }), expect('PA', { seq: 1001, len: range(1, 500), within: 500 })),
  ],
});
