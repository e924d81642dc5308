/**
 * With timestamps, TIME-WAIT can accept a new SYN by its timestamp even when its sequence number
 * is not beyond the old connection's (RFC 9293 §3.6.1, SHLD-4; RFC 6191). After the daytime
 * exchange with timestamps, a SYN from the same port with our old ISN but a newer TSval is
 * answered with a SYN/ACK.
 */
import { scenario, send, expect, either, capture, use, mss, nop, timestamp } from 'tcpcraft';

const TS0 = 5_000_000;
const ts = (n: number) => [nop(), nop(), timestamp(TS0 + n, use('ts'))];

export default scenario({
  name: 'time-wait-syn-ts',
  description: 'A SYN with the old ISN but a newer TSval in TIME-WAIT opens a new connection',
  rfc: 'RFC 9293 §3.6.1 SHLD-4; RFC 6191',
  level: 'SHOULD',
  requires: ['timestamps'],
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), timestamp(TS0, 0)] }),
    expect('SA', { seq: 0, ack: 1, options: { timestamp: { tsval: capture('ts') } } }),
    send('A', { options: ts(1) }),
    either(expect('PA', { seq: 1, ack: 1, len: 22 }), expect('FPA', { seq: 1, ack: 1, len: 22 })),
    send('A', { options: ts(2) }),
    expect('FA', { seq: 23, ack: 1, optional: true, timeout: 1000 }),
    send('A', { options: ts(3) }),
    send('FA', { options: ts(4) }),
    expect('A', { seq: 24, ack: 2, within: 500 }),
    send('S', { seq: 0, options: [mss(1460), nop(), nop(), timestamp(TS0 + 100000, 0)] }),
    expect('SA', { ack: 1, within: 1000 }),
    send('R', { seq: 1 }),
  ],
});
