/**
 * ISNs are not predictable across connections (RFC 9293 §3.4.1, SHLD-1; RFC 6528: ISN = M + F(the
 * four-tuple, a secret)). Sixteen connections from sixteen source ports within about a second:
 * with a keyed hash per four-tuple the ISNs are spread over the whole 32-bit space, while a
 * counter or a clock alone puts them close together. The check: the smallest arc of the 2^32
 * circle holding all sixteen ISNs is longer than 2^28.
 *
 * False alarms: for independent uniform ISNs the chance that 16 of them fit in an arc of 2^28
 * (1/16 of the circle) is at most 16 x (1/16)^15, about 2 x 10^-17 per run. A 4 µs clock
 * (RFC 793's generator) moves only about 2^18 in a second, so it fails every time.
 */
import { scenario, send, expect, where, type ConnectionSpec, type Step } from 'tcpcraft';

const N = 16;
const isns: number[] = [];

/** Length of the smallest arc of the 2^32 circle that holds every value. */
function arc(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  let widestGap = 0;
  for (let i = 0; i < s.length; i++) widestGap = Math.max(widestGap, i + 1 < s.length ? s[i + 1]! - s[i]! : 2 ** 32 - s[i]! + s[0]!);
  return 2 ** 32 - widestGap;
}

const names = Array.from({ length: N }, (_, i) => (i === 0 ? 'main' : `c${i}`));
const connections: Record<string, ConnectionSpec> = Object.fromEntries(names.slice(1).map((n) => [n, {}]));

const steps: Step[] = names.flatMap((conn, i) => {
  const last = i === N - 1;
  const record = where<number>(last ? 'spread over more than 2^28 together with the others' : 'recorded', (v) => {
    if (i === 0) isns.length = 0;
    isns.push(v);
    return !last || arc(isns) > 2 ** 28;
  });
  return [send('S', { conn }), expect('SA', { conn, seq: 0, ack: 1, rawSeq: record }), send('R', { conn, seq: 1 })];
});

export default scenario({
  name: 'isn-unpredictable',
  description: '16 connections from 16 ports: their ISNs spread over more than 1/16 of the sequence space',
  rfc: 'RFC 9293 §3.4.1 SHLD-1; RFC 6528 §3',
  level: 'SHOULD',
  expectedFailures: { lwip: { step: 47, field: 'rawSeq', why: 'Without an LWIP_HOOK_TCP_ISN hook, tcp_next_iss() (src/core/tcp.c) adds tcp_ticks to one static counter for every connection, so successive ISNs lie close together whatever the four-tuple; RFC 6528\'s keyed hash is left to the port.' } },
  peer: { host: '10.77.0.2', port: 9 },
  connections,
  steps,
});
