/**
 * Model answer (for the teacher) to exercise 7: watch a retransmission back off.
 *
 * The chargen service (port 19) starts sending at once, in segments of at most 500 bytes (our
 * MSS). We never acknowledge anything. Which sequence number does the first retransmission carry,
 * and by what factor does the retransmission timer grow before the next one (RFC 6298 §5.5)?
 */
import { scenario, send, expect, either, mss, type ExpectFields, type Step } from 'tcpcraft';

/** A data segment, with or without PSH. */
const data = (f: ExpectFields): Step => either(expect('A', { ack: 1, len: 500, ...f }), expect('PA', { ack: 1, len: 500, ...f }));

export default scenario({
  name: 'answer-07-retransmission-backoff',
  peer: { host: '10.77.0.2', port: 19 },
  timeout: 5000,
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    data({ seq: 1 }),
    // The rest of the first flight (up to ten segments).
    ...Array.from({ length: 9 }, (_, k) => data({ seq: 501 + k * 500, optional: true, timeout: 300 })),
    // Nothing acknowledged: a retransmission after one RTO...
    data({ seq: 1 }),
    // ...and the next one after a backed-off interval: at least how many times the last gap?
    data({ seq: 1, backoff: 2, timeout: 12000 }),
    send('R', { seq: 1 }),
  ],
});
