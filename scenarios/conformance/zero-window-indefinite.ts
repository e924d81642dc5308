/**
 * A receiver may keep its window at zero for as long as it likes (RFC 9293 §3.8.6.1, MUST-37;
 * MAY-8), and the sender keeps probing with exponentially growing gaps (SHLD-30). We answer four
 * probes with a zero window: the probes keep coming, each gap at least 1.5x the one before (the
 * timers of some stacks tick every 500 ms, so exactly 2x is not required), and data flows as soon
 * as the window opens.
 */
import { either, expect, mss, range, scenario, send, type Step } from 'tcpcraft';

/** One zero-window probe, in either form (an empty ACK below SND.UNA, or one new octet). */
function probe(timeout: number, backoff?: number): Step {
  const b = backoff === undefined ? {} : { backoff };
  return either(
    expect('A', { seq: 0, ack: 1, len: 0, timeout, ...b }),
    expect('A', { seq: 1, ack: 1, len: 1, timeout, ...b }),
    expect('PA', { seq: 1, ack: 1, len: 1, timeout, ...b }),
  );
}

export default scenario({
  name: 'zero-window-indefinite',
  description: 'Four probes answered with window 0: probing goes on with growing gaps; data once the window opens',
  rfc: 'RFC 9293 §3.8.6.1 MUST-37, SHLD-30',
  window: 0,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    probe(8000),
    send('A', { seq: 1, ack: 1 }),
    probe(16000),
    send('A', { seq: 1, ack: 1 }),
    probe(32000, 1.5),
    send('A', { seq: 1, ack: 1 }),
    probe(64000, 1.5),
    send('A', { seq: 1, ack: 1, window: 1000 }),
    either(expect('A', { ack: 1, len: range(1, 500), within: 1000 }), expect('PA', { ack: 1, len: range(1, 500), within: 1000 })),
  ],
});
