/**
 * The receiver avoids the silly window syndrome (RFC 9293 §3.8.6.2.2, MUST-39; RFC 1122
 * §4.2.3.3): once its window is closed, it does not open it by the few bytes a slow application
 * has just read, but waits until it can offer a useful window, min(half its buffer, the sender's
 * MSS). The lab's trickle application has a 2 KiB receive buffer and reads nothing while data
 * keeps coming; once nothing new has arrived for 1 s it reads 25 bytes every 20 ms.
 *
 * We send 8000 bytes at once (200-byte segments, our MSS being 200): more than its buffer, so
 * the window closes (what does not fit is dropped); a target whose window never closes (it drops
 * data instead, or is a NAT with a large buffer of its own) cannot be tested: N/A. Then, every
 * 50 ms for 4 s, we resend the last octet it acknowledged: an old duplicate, which a receiver
 * acknowledges at once (RFC 9293 §3.10.7.4: a segment that is not acceptable gets an ACK) without
 * taking anything, so each ACK shows the window as it is at that moment, never delayed. Every ACK is checked: when its right edge
 * (ACK + window) moves right, the window it offers is at least 200. By the end the window must
 * have opened at least once, or nothing was tested. A receiver without SWS avoidance announces
 * 25, 50, 75... bytes as they are read; ACKs delayed as long as the RFC allows (500 ms) cannot
 * hide that, since none of these ACKs is for new data.
 */
import { scenario, send, expect, capture, drain, pause, use, where, mss, type Step, type ExpectFields } from 'tcpcraft';

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

/** The 8000 bytes, back to back. */
const flood: Step[] = Array.from({ length: 40 }, (_, k) => send('PA', { seq: 1 + k * MSS, payload: PIECE }));

/** The last octet it acknowledged, again, every 50 ms; its ACK, and one more (a window update the reads caused) if it comes. */
function probe(final = false): Step[] {
  return [
    pause(50),
    send('PA', { seq: use('rcvnxt', (n) => n - 1), payload: 'z' }),
    ackChecked({ within: 300 }, final),
    ...(final ? [] : [ackChecked({ optional: true, timeout: 10 })]),
  ];
}


export default scenario({
  name: 'receiver-sws',
  description: 'A slow reader behind a closed window: the window reopens by at least the MSS, never by a few bytes',
  rfc: 'RFC 9293 §3.8.6.2.2 MUST-39; RFC 1122 §4.2.3.3',
  requires: ['app-trickle'],
  peer: { host: '10.77.0.2', port: 2012 },
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    ...flood,
    // Its ACKs of what it took (and of what it dropped), unchecked: the application is not
    // reading yet (the data stopped growing less than 1 s ago).
    drain(600),
    // The buffer is full: less than a segment of room is left (zero, or a little more that no
    // 200-byte piece fits); that right edge is what every later ACK is measured from.
    send('PA', { seq: 8000, payload: 'z' }),
    expect('A', {
      seq: 1,
      ack: capture('rcvnxt', where<number>('recorded', (a) => ((ack = a), (openings = 0), true))),
      window: where<number>(`less than ${MSS}: the buffer is full`, (w) => ((edge = ack + w), w < MSS)),
      precondition: 'a window that closes (less than one segment of room) once its buffer is full',
    }),
    ...Array.from({ length: 80 }, () => probe()).flat(),
    ...probe(true),
  ],
});
