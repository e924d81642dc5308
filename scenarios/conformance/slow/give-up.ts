/**
 * A sender gives up on data that is never acknowledged (RFC 9293 §3.8.3, MUST-20: close the
 * connection after R2 retransmissions). Linux's default R2 (net.ipv4.tcp_retries2 = 15) takes
 * about 15 minutes; the lab's server namespace sets it to 5, about 13 s from a 200 ms RTO, and
 * other stacks use their own limits (minutes), so this scenario is in the slow set (`make flake`).
 * We never acknowledge the chargen data; after its five retransmissions and the last backed-off
 * interval the connection must be gone: our ACK then gets a RST.
 */
import { scenario, send, expect, either, pause, mss } from 'tcpcraft';

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
    // The retransmissions, each after a longer wait (five of them with Linux's setting here).
    ...Array.from({ length: 5 }, () => either(expect('A', { seq: 1, len: 500, timeout: 30000 }), expect('PA', { seq: 1, len: 500, timeout: 30000 }))),
    pause(9000),
    send('A', { ack: 501 }),
    expect('R', { seq: 501, within: 1000 }),
  ],
});
