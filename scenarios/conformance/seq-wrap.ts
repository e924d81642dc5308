/**
 * Sequence numbers wrap (RFC 9293 §3.4: "the actual sequence number space is finite ... 0 to 2^32
 * - 1 ... all arithmetic dealing with sequence numbers must be performed modulo 2^32. This
 * unsigned arithmetic preserves the relationship of sequence numbers as they cycle from 2^32 - 1
 * to 0 again"; §3.10.7 repeats it for every comparison of SEGMENT ARRIVES). Our ISN is 2^32 - 100,
 * so our data crosses the wrap: 60 bytes that end before it, 80 bytes across it (their 40th byte
 * has sequence number 2^32 - 1, their 41st 0), 50 bytes wholly after it. The echo service must
 * take each in turn: acknowledge it (ack 61, 141, 191, i.e. raw 2^32 - 39, 41, 91) and send the
 * same bytes back. The window the target announces already reaches past 2^32 at the handshake, so
 * a stack whose acceptability test compares without the modulo refuses our first data segment
 * (and answers it with a duplicate ACK, ack 1). No Appendix B row names this rule.
 */
import { scenario, send, expect, type Step } from 'tcpcraft';

const line = (c: string, n: number): string => `${c.repeat(n - 1)}\n`;
const PARTS = [line('a', 60), line('b', 80), line('c', 50)];

/** Sends `payload` at `at` and checks its echo: its ACK (perhaps alone first), then the copy. */
function echoed(payload: string, at: number): Step[] {
  const end = at + payload.length;
  return [
    send('PA', { payload }),
    expect('A', { seq: at, ack: end, len: 0, optional: true, timeout: 500 }),
    expect('PA', { seq: at, ack: end, payload, within: 500 }),
    send('A'),
  ];
}

export default scenario({
  name: 'seq-wrap',
  description: 'Our ISN 2^32 - 100: data before, across and after the wrap to 0 is acknowledged and echoed',
  rfc: 'RFC 9293 §3.4, §3.10.7.4',
  peer: { host: '10.77.0.2', port: 7 },
  isn: 2 ** 32 - 100,
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    ...echoed(PARTS[0]!, 1),
    ...echoed(PARTS[1]!, 61),
    ...echoed(PARTS[2]!, 141),
    send('R'),
  ],
});
