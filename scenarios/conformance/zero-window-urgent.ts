/**
 * The urgent pointer is processed even when the receive window is zero (RFC 9293 §3.10.7.4: with
 * RCV.WND zero no segment is acceptable, "but special allowance should be made to accept valid
 * ACKs, URGs, and RSTs"; MUST-66). The lab's stall application has a 2 KiB receive buffer it never
 * reads: we fill it with 200-byte segments, each sent from the last byte the server acknowledged,
 * until it announces a zero window. Then one octet with URG and an urgent pointer of 1. The data
 * cannot be taken (it is acknowledged with the window still zero), but the urgent mark must reach
 * the application, which tells us by writing "urgent\n" (lab/apps.c asks its socket with
 * recv(MSG_OOB) every 20 ms).
 */
import { scenario, send, expect, capture, use, mss, type Step } from 'tcpcraft';

const PIECE = 'z'.repeat(200);

/** `n` pieces, each from the server's last ACK (pieces beyond a full buffer are not taken). */
function fill(n: number): Step[] {
  return Array.from({ length: n }, () => [send('PA', { seq: use('rcvnxt'), payload: PIECE }), expect('A', { seq: 1, ack: capture('rcvnxt') })]).flat();
}

const GVISOR =
  'gVisor drops a data segment before TCP looks at it once the memory its unread data takes reaches SO_RCVBUF (segmentQueue.enqueue() in pkg/tcpip/transport/tcp/segment_queue.go counts each queued segment with its overhead), even inside the window it announced, and sends no ACK for it: the window is never seen at zero.';

export default scenario({
  name: 'zero-window-urgent',
  description: 'Receive window zero: one octet with URG is not taken, but the application still learns of the urgent data',
  rfc: 'RFC 9293 §3.10.7.4 MUST-66',
  requires: ['app-stall'],
  expectedFailures: {
    gvisor: { step: 17, field: 'absent', why: `${GVISOR} (gVisor has no urgent data at all either: its receiver never reads the URG flag, pkg/tcpip/transport/tcp/rcv.go.)` },
    'linux>=6.17': { step: 88, field: 'absent', why: "Linux 6.17 and later drop a segment that ends beyond the window while the receive queue holds data (tcp_sequence() in net/ipv4/tcp_input.c, 'tcp: do not accept packets beyond window', counted as TcpExtBeyondWindow) in tcp_validate_incoming(), before tcp_urg() reads the urgent pointer: the octet is acknowledged, the urgent mark never reaches the application. Earlier kernels (6.1 in linux-uml) pass." },
  },
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
    send('UPA', { seq: use('rcvnxt'), payload: '!', urgent: 1 }),
    expect('A', { seq: 1, ack: capture('rcvnxt'), window: 0, within: 500 }),
    expect('PA', { seq: 1, payload: 'urgent\n', within: 1000 }),
  ],
});
