/**
 * The ISN generator includes a clock (RFC 9293 §3.4.1, MUST-8): for the same four-tuple, a later
 * connection starts further on. We open a connection, reset it, wait 200 ms and open it again
 * from the same port: the second ISN is ahead of the first (by less than half the sequence
 * space). A generator without a clock component (a fixed hash, or pure randomness) fails this
 * half the time or always.
 */
import { scenario, send, expect, pause, where } from 'tcpcraft';

let first = 0;

export default scenario({
  name: 'isn-clock',
  description: 'Same four-tuple 200 ms later: the peer\'s ISN has moved forward',
  rfc: 'RFC 9293 §3.4.1 MUST-8; RFC 6528 §3',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1, rawSeq: where('recorded', (v: number) => ((first = v), true)) }),
    send('R', { seq: 1 }),
    pause(200),
    send('S', { seq: 0 }),
    expect('SA', { ack: 1, within: 1000, rawSeq: where('ahead of the first ISN', (v: number) => { const d = (v - first) >>> 0; return d > 0 && d < 0x8000_0000; }) }),
    send('R', { seq: 1 }),
  ],
});
