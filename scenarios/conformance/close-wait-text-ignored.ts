/**
 * Text after a FIN is ignored (RFC 9293 §3.10.7.4, seventh check, for CLOSE-WAIT, CLOSING,
 * LAST-ACK and TIME-WAIT: "This should not occur since a FIN has been received from the remote
 * side. Ignore the segment text."). The target's application accepts our connection; we send our
 * FIN, which it acknowledges (CLOSE-WAIT), then 14 bytes beyond the FIN, at RCV.NXT. The segment
 * passes the sequence number check (it starts at RCV.NXT, inside the window), so nothing before
 * the seventh check drops it, and the seventh check ignores its text: it is never acknowledged
 * (an ACK, if the target sends one, still says 2, the FIN's end; nothing asks for one) and never
 * reaches the application, whose read reports the end of the stream (0). Its FIN, when the
 * application closes, still acknowledges 2. (No RST either: the application has not closed, so
 * RFC 9293 §3.6.1's "new data is received after CLOSE is called" (SHLD-3) does not apply; Linux
 * ignores such text in CLOSE-WAIT, CLOSING and LAST-ACK, tcp_rcv_state_process().)
 */
import { scenario, send, expect, app } from 'tcpcraft';

export default scenario({
  name: 'close-wait-text-ignored',
  description: 'Data beyond our acknowledged FIN (CLOSE-WAIT): never acknowledged, never read (the read gives end of stream)',
  rfc: 'RFC 9293 §3.10.7.4 (segment text after a FIN)',
  expectedFailures: {
    slirp: { step: 12, field: 'ack', why: "libslirp's TCPS_HAVERCVDFIN() (src/tcp.h) is false in CLOSE-WAIT (4.4BSD's definition), so tcp_input() passes text after the FIN to tcp_reass(), which advances rcv_nxt and acknowledges it (the bytes are then dropped), where RFC 9293 §3.10.7.4 says to ignore the segment text." },
  },
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2151 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    send('FA', { seq: 1 }),
    expect('A', { seq: 1, ack: 2, len: 0 }),
    // 14 bytes after the FIN, at RCV.NXT.
    send('PA', { seq: 2, payload: 'after the end\n' }),
    // An answer is not required; one that comes acknowledges the FIN only (delayed ACKs: 500 ms).
    expect('A', { seq: 1, ack: 2, len: 0, optional: true, timeout: 600 }),
    app('read', 100, { returns: 0 }),
    app('close'),
    expect('FA', { seq: 1, ack: 2, len: 0 }),
    send('A', { seq: 2, ack: 2 }),
  ],
});
