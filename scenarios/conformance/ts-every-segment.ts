/**
 * Once timestamps are agreed, every segment carries one (RFC 7323 §3.2: "a TCP MUST send the TSopt
 * in every non-<RST> segment"), and TSecr echoes the most recent TSval from us (TS.Recent,
 * RFC 7323 §4.3). The chargen service's first data segments each carry a timestamp echoing our
 * TSval.
 */
import { scenario, send, expect, either, capture, use, mss, nop, timestamp } from 'tcpcraft';

const TS0 = 6_000_000;
const seg = (extra: Record<string, unknown>) =>
  either(expect('A', { ...extra, options: { timestamp: { tsecr: TS0 + 1 } } }), expect('PA', { ...extra, options: { timestamp: { tsecr: TS0 + 1 } } }));

export default scenario({
  name: 'ts-every-segment',
  description: 'Timestamps agreed: each data segment carries one, echoing our latest TSval',
  rfc: 'RFC 7323 §3.2, §4.3',
  requires: ['timestamps'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), timestamp(TS0, 0)] }),
    expect('SA', { seq: 0, ack: 1, options: { timestamp: { tsval: capture('ts'), tsecr: TS0 } } }),
    send('A', { options: [nop(), nop(), timestamp(TS0 + 1, use('ts'))] }),
    seg({ seq: 1 }),
    seg({}),
    seg({}),
  ],
});
