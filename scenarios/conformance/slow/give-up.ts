/**
 * A sender gives up on data that is never acknowledged (RFC 9293 §3.8.3, MUST-20: close the
 * connection when R2 is reached). The RFC sets R2's floor, not its ceiling: it SHOULD correspond
 * to at least 100 s (SHLD-11, RFC 1122 §4.2.3.5), and a stack may wait much longer (Linux's
 * default, net.ipv4.tcp_retries2 = 15, about 15 minutes; the lab's server namespace sets 5, about
 * 13 s). So the scenario waits four minutes, which fits an R2 anywhere from the floor to about
 * 200 s, and then asks whether the connection is gone: our ACK of the chargen data gets a RST.
 * Before that, the data is retransmitted at least three times (R1, RFC 1122: at least 3
 * retransmissions). What the target sends meanwhile (more retransmissions, a RST of its own when
 * it gives up) is taken without a check. A target whose R2 is longer fails, and should be marked
 * with the reason; this is why the scenario is in the slow set (`make slow`).
 */
import { scenario, send, expect, either, drain, mss } from 'tcpcraft';

export default scenario({
  name: 'give-up',
  description: 'Data never acknowledged: the sender closes the connection (our late ACK gets a RST)',
  rfc: 'RFC 9293 §3.8.3 MUST-20',
  window: 500,
  timeout: 30000,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: 500 }), expect('PA', { seq: 1, len: 500 })),
    // R1: at least three retransmissions, each after a longer wait.
    ...Array.from({ length: 3 }, () => either(expect('A', { seq: 1, len: 500, timeout: 30000 }), expect('PA', { seq: 1, len: 500, timeout: 30000 }))),
    drain(240_000),
    send('A', { seq: 1, ack: 501 }),
    expect('R', { seq: 501, within: 1000 }),
  ],
});
