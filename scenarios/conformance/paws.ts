/**
 * PAWS: with timestamps in use, a segment whose TSval is older than the last one accepted
 * (TS.Recent) is dropped, and answered with an ACK of what is expected; the data it carried is
 * not taken. RFC 7323 §5.3 R1: "If SEG.TSval < TS.Recent ... then treat the arriving segment as
 * not acceptable: Send an acknowledgment in reply as specified in RFC 793 page 69 and drop the
 * segment". Then the same bytes with a fresh TSval are acknowledged as new data, and the ACK
 * echoes that TSval.
 * Each ACK may be delayed up to the 500 ms RFC 9293 §3.8.6.3 allows (within: 600).
 * Rate limit: a rejected segment that carries data is never throttled by Linux
 * (tcp_oow_rate_limited exempts data segments), and it is the only one here.
 */
import { scenario, send, expect, capture, use, mss, nop, sackOk, timestamp } from 'tcpcraft';

const TS0 = 1_000_000;

export default scenario({
  name: 'paws',
  description: 'Timestamps on; data with an old TSval: dup ACK, dropped; with a new TSval: ACKed',
  rfc: 'RFC 7323 §5.3',
  requires: ['timestamps'],
  expectedFailures: {
    gvisor: { step: 7, field: 'ack', why: 'gVisor\'s netstack does not implement PAWS (pkg/tcpip/transport/tcp/rcv.go: \'As we do not yet support PAWS\'), so a segment whose TSval is older than TS.Recent is taken, where RFC 7323 §5.3 treats it as not acceptable.' },
  },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), timestamp(TS0, 0)] }),
    expect('SA', { seq: 0, ack: 1, options: { timestamp: { tsval: capture('ts1'), tsecr: TS0 } } }),
    send('A', { options: [nop(), nop(), timestamp(TS0 + 10, use('ts1'))] }),
    send('PA', { payload: 'fresh\n', options: [nop(), nop(), timestamp(TS0 + 20, use('ts1'))] }),
    expect('A', { seq: 1, ack: 7, within: 600, options: { timestamp: { tsval: capture('ts2'), tsecr: TS0 + 20 } } }),
    // 1000 ticks older than TS.Recent: PAWS drops it; the ACK still says 7 and echoes TS.Recent.
    send('PA', { payload: 'stale\n', options: [nop(), nop(), timestamp(TS0 - 1000, use('ts2'))] }),
    expect('A', { seq: 1, ack: 7, len: 0, within: 600, options: { timestamp: { tsecr: TS0 + 20 } } }),
    // The same bytes with a newer TSval are taken.
    send('PA', { seq: 7, payload: 'stale\n', options: [nop(), nop(), timestamp(TS0 + 30, use('ts2'))] }),
    expect('A', { seq: 1, ack: 13, within: 600, options: { timestamp: { tsecr: TS0 + 30 } } }),
  ],
});
