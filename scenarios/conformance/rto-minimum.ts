/**
 * A computed RTO below 1 second is rounded up to 1 second (RFC 6298 §2.4 SHOULD). On the lab's
 * sub-millisecond link every RTT sample is tiny, so data left unacknowledged is retransmitted
 * after the minimum RTO: at least about 1 s after it was sent. Several stacks choose a lower
 * minimum on purpose (recorded per stack).
 */
import { scenario, send, expect, either, mss } from 'tcpcraft';

const LINUX = 'TCP_RTO_MIN is 200 ms (include/net/tcp.h; the rto_min route attribute can raise it): Linux deliberately retransmits far sooner than RFC 6298 §2.4\'s 1 s minimum, a SHOULD.';

export default scenario({
  name: 'rto-minimum',
  description: 'Unacknowledged data: the first retransmission comes no sooner than about 1 s',
  rfc: 'RFC 6298 §2.4',
  level: 'SHOULD',
  expectedFailures: { linux: { step: 5, field: 'time', why: LINUX }, 'linux-uml': { step: 5, field: 'time', why: LINUX } },
  window: 500,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: 500 }), expect('PA', { seq: 1, len: 500 })),
    either(expect('A', { seq: 1, len: 500, after: 900, timeout: 8000 }), expect('PA', { seq: 1, len: 500, after: 900, timeout: 8000 })),
    send('R', { seq: 1 }),
  ],
});
