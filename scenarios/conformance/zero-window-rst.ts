/**
 * A RST is processed even when the receive window is zero (RFC 9293 §3.10.7.4: with RCV.WND zero
 * no segment is acceptable, "but special allowance should be made to accept valid ACKs, URGs, and
 * RSTs"; MUST-66). The lab's stall application has a 2 KiB receive buffer it never reads: we fill
 * it with 200-byte segments, each sent from the last byte the server acknowledged, until it
 * announces a zero window. Then a RST at exactly RCV.NXT: the connection must be gone, so the
 * next data segment on it is answered by a RST (seq = its ACK number), not by another zero-window ACK.
 */
import { scenario, send, expect, capture, pause, use, mss, type Step } from 'tcpcraft';

const PIECE = 'z'.repeat(200);

/** `n` pieces, each from the server's last ACK (pieces beyond a full buffer are not taken). */
function fill(n: number): Step[] {
  return Array.from({ length: n }, () => [send('PA', { seq: use('rcvnxt'), payload: PIECE }), expect('A', { seq: 1, ack: capture('rcvnxt') })]).flat();
}

const GVISOR =
  'gVisor drops a data segment before TCP looks at it once the memory its unread data takes reaches SO_RCVBUF (segmentQueue.enqueue() in pkg/tcpip/transport/tcp/segment_queue.go counts each queued segment with its overhead), even inside the window it announced, and sends no ACK for it: the window is never seen at zero.';

export default scenario({
  name: 'zero-window-rst',
  description: 'Receive window zero: a RST at RCV.NXT still resets the connection',
  rfc: 'RFC 9293 §3.10.7.4 MUST-66',
  expectedFailures: {
    gvisor: { step: 17, field: 'absent', why: GVISOR },
  },
  requires: ['app-stall'],
  peer: { host: '10.77.0.2', port: 2011 },
  steps: [
    // Our MSS of 200: the server counts in 200-byte pieces, so its window falls to exactly zero.
    send('S', { options: [mss(200)] }),
    expect('SA', { seq: 0, ack: capture('rcvnxt') }),
    send('A'),
    ...fill(40),
    // 8000 bytes unread close any window the application's 2 KiB buffer allows (gVisor's is larger).
    send('PA', { seq: use('rcvnxt'), payload: PIECE }),
    expect('A', { seq: 1, ack: capture('rcvnxt'), window: 0, precondition: 'a window that closes to zero once its buffer is full (a receiver may stop short of zero, at less than a segment of room)' }),
    send('R', { seq: use('rcvnxt') }),
    pause(100),
    send('PA', { seq: use('rcvnxt'), payload: PIECE }),
    expect('R', { seq: 1, within: 500 }),
  ],
});
