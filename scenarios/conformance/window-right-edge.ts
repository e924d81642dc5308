/**
 * A receiver does not shrink its window: the right edge it announces (ACK + window) never moves
 * left (RFC 9293 §3.8.6, SHLD-14). The target's application accepts the connection and never
 * reads, so the data we send piles up in its receive buffer and the window it announces gets
 * smaller; but each ACK moves forward by what it took, so ACK + window must stay where it was or
 * grow. Six 1000-byte segments, one at a time, each acknowledged within 600 ms (an ACK may be
 * delayed up to 500 ms, RFC 9293 §3.8.6.3).
 */
import { scenario, send, expect, where, app, type Step } from 'tcpcraft';

const DATA = 'w'.repeat(1000);
let ack = 0;
let edge = -1;

/** The ACK of the k-th segment: records its ack, then checks ack + window against the last edge. */
function acked(k: number): Step {
  return expect('A', {
    seq: 1,
    ack: where<number>(`${1 + 1000 * k} (recorded)`, (v) => ((ack = v), v === 1 + 1000 * k)),
    window: where<number>('ack + window not left of the previous right edge', (w) => {
      const right = ack + w;
      const ok = edge < 0 || right >= edge;
      edge = right;
      return ok;
    }),
    within: 600,
  });
}

export default scenario({
  name: 'window-right-edge',
  description: 'Data piling up unread: the window shrinks but ACK + window never moves left',
  rfc: 'RFC 9293 §3.8.6 SHLD-14',
  level: 'SHOULD',
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2108 },
  steps: [
    app('listen'),
    send('S'),
    // The handshake's right edge is where the count starts.
    expect('SA', { seq: 0, ack: 1, window: where<number>('recorded', (w) => ((edge = 1 + w), (ack = 1), true)) }),
    send('A'),
    app('accept'),
    ...[1, 2, 3, 4, 5, 6].flatMap((k) => [send('PA', { payload: DATA }), acked(k)]),
  ],
});
