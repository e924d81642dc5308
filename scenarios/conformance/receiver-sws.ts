/**
 * The receiver avoids the silly window syndrome (RFC 9293 §3.8.6.2.2, MUST-39; RFC 1122
 * §4.2.3.3): once its window is closed, it does not open it by the few bytes a slow application
 * has just read, but waits until it can offer a useful window, min(half its buffer, the sender's
 * MSS). The lab's trickle application has a 2 KiB receive buffer and reads nothing while data
 * keeps coming; once nothing new has arrived for 300 ms it reads 25 bytes every 20 ms. We fill its buffer (200-byte segments, our MSS being 200) until the
 * window is zero, then probe it every 150 ms with one octet of data. Every ACK is checked: when its
 * right edge (ACK + window) moves right, the window it offers is at least 200 (RFC 1122's suggested
 * algorithm moves the edge by at least that much; Linux keeps the window a multiple of the MSS,
 * so one accepted probe octet can move the edge by one while the window stays 600: both avoid
 * offering a silly window). By the end the window must have opened at least once, or nothing was
 * tested. A receiver without SWS avoidance announces 25, 50, 75... bytes as they are read.
 */
import { scenario, send, expect, capture, pause, use, where, mss, type Step, type ExpectFields } from 'tcpcraft';

const MSS = 200;
const PIECE = 'z'.repeat(MSS);
let ack = 0;
let edge = 0;
let openings = 0;

/** An ACK of ours, its right edge checked against the last one (and `final`: the window has opened by now). */
function ackChecked(fields: ExpectFields, final = false): Step {
  return expect('A', {
    seq: 1,
    ack: capture('rcvnxt', where<number>('recorded', (a) => ((ack = a), true))),
    window: where<number>(`ACK + window stays, or moves right with a window of at least ${MSS}${final ? '; and the window has opened by now' : ''}`, (w) => {
      const right = ack + w;
      const ok = right <= edge || w >= MSS;
      if (right > edge) {
        edge = right;
        openings += 1;
      }
      return ok && (!final || openings > 0);
    }),
    ...fields,
  });
}

/** `n` pieces, each from the server's last ACK (pieces beyond a full buffer are not taken). */
function fill(n: number): Step[] {
  return Array.from({ length: n }, () => [send('PA', { seq: use('rcvnxt'), payload: PIECE }), expect('A', { seq: 1, ack: capture('rcvnxt') })]).flat();
}

/** A one-octet probe every 150 ms; its ACK, and one more (a window update the reads caused) if it comes. */
function probe(final = false): Step[] {
  return [pause(150), send('PA', { seq: use('rcvnxt'), payload: 'p' }), ackChecked({ within: 400 }, final), ...(final ? [] : [ackChecked({ optional: true, timeout: 60 })])];
}

const GVISOR =
  'gVisor drops a data segment before TCP looks at it once the memory its unread data takes reaches SO_RCVBUF (segmentQueue.enqueue() in pkg/tcpip/transport/tcp/segment_queue.go counts each queued segment with its overhead), even inside the window it announced, and sends no ACK for it: the window is never seen at zero; the filling stalls at the dropped piece and the application starts reading with the window still open.';
const SLIRP =
  "libslirp is a NAT: the window it announces is the free space of its own buffer (sbspace(&so->so_rcv) in tcp_output(), src/tcp_output.c), and sbappend() passes what arrives straight on to its host-side socket, which takes far more than 8000 bytes: the application's 2 KiB buffer never closes slirp's window.";

export default scenario({
  name: 'receiver-sws',
  description: 'A slow reader behind a closed window: the window reopens by at least the MSS, never by a few bytes',
  rfc: 'RFC 9293 §3.8.6.2.2 MUST-39; RFC 1122 §4.2.3.3',
  expectedFailures: {
    gvisor: { step: 85, field: 'window', why: GVISOR },
    slirp: { step: 85, field: 'window', why: SLIRP },
  },
  requires: ['app-trickle'],
  peer: { host: '10.77.0.2', port: 2012 },
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: capture('rcvnxt') }),
    send('A'),
    ...fill(40),
    // The buffer is full (up to 8000 bytes sent while the application waits for them to stop):
    // where the window closed is the right edge every later ACK is measured from.
    send('PA', { seq: use('rcvnxt'), payload: PIECE }),
    expect('A', { seq: 1, ack: capture('rcvnxt', where<number>('recorded', (a) => ((edge = a), (openings = 0), true))), window: 0 }),
    ...Array.from({ length: 15 }, () => probe()).flat(),
    ...probe(true),
  ],
});
