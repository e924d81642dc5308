/**
 * Which timestamp an ACK echoes when segments come out of order (RFC 7323 §4.3). TS.Recent takes a
 * segment's TSval only when "SEG.TSval >= TS.Recent and SEG.SEQ <= Last.ACK.sent" (rule (2)): a
 * segment beyond the left edge of the window does not set it. So "An <ACK> for an out-of-order
 * segment SHOULD ... contain the timestamp from the most recent segment that advanced RCV.NXT"
 * (case (B)), and once the hole is filled "the timestamp from the latest segment (which filled the
 * hole) MUST be echoed" (case (C)).
 * With timestamps on, we send bytes 1-100 (TSval TS0+10; the ACK echoes it), then 201-300 (TS0+30)
 * before 101-200 (TS0+20), as a network that reorders would deliver them. The duplicate ACK of 101
 * echoes TS0+10, not the out-of-order segment's TS0+30; the ACK of 301 echoes TS0+20, the TSval
 * of the segment that filled the hole. A stack that took every segment's TSval would echo TS0+30
 * first, and then, with TS.Recent at TS0+30, drop the hole-filler as a PAWS failure (§5.3 R1).
 * Level: the first check is case (B)'s SHOULD (the second, (C), is a MUST, and a stack that breaks
 * rule (2) fails the first already).
 */
import { scenario, send, expect, capture, use, mss, nop, timestamp } from 'tcpcraft';

const TS0 = 7_000_000;
const data = (c: string): string => c.repeat(100);

export default scenario({
  name: 'ts-recent-ooo',
  description: 'Out of order: the dup ACK echoes the TSval of the last in-order segment, the ACK filling the hole echoes the filler\'s',
  rfc: 'RFC 7323 §4.3',
  level: 'SHOULD',
  requires: ['timestamps'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), timestamp(TS0, 0)] }),
    expect('SA', { seq: 0, ack: 1, options: { timestamp: { tsval: capture('ts'), tsecr: TS0 } } }),
    send('A', { options: [nop(), nop(), timestamp(TS0 + 1, use('ts'))] }),
    send('PA', { seq: 1, payload: data('a'), options: [nop(), nop(), timestamp(TS0 + 10, use('ts'))] }),
    expect('A', { seq: 1, ack: 101, len: 0, within: 500, options: { timestamp: { tsval: capture('ts2'), tsecr: TS0 + 10 } } }),
    // Reordered: the later segment (newer TSval) first.
    send('PA', { seq: 201, payload: data('c'), options: [nop(), nop(), timestamp(TS0 + 30, use('ts2'))] }),
    expect('A', { seq: 1, ack: 101, len: 0, within: 500, options: { timestamp: { tsecr: TS0 + 10 } } }),
    send('PA', { seq: 101, payload: data('b'), options: [nop(), nop(), timestamp(TS0 + 20, use('ts2'))] }),
    expect('A', { seq: 1, ack: 301, len: 0, within: 500, options: { timestamp: { tsecr: TS0 + 20 } } }),
    send('R', { seq: 301 }),
  ],
});
