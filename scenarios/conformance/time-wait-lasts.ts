/**
 * TIME-WAIT lasts (RFC 9293 §3.6.1, MUST-13: "When a connection is closed actively, it MUST linger
 * in the TIME-WAIT state for a time 2xMSL"). The daytime service closes first; once it has
 * acknowledged our FIN it is in TIME-WAIT. Five seconds later we send our FIN again, as if its ACK
 * had been lost: the connection is still remembered, so the FIN is acknowledged again (ack 2),
 * where a stack that had already forgotten it would answer with a RST.
 * RFC 9293 §3.4.2 sets MSL at 2 minutes, but stacks choose shorter TIME-WAITs (Linux 60 s,
 * libslirp 10 s: TCPTV_MSL is 5 s); five seconds is well under any of them.
 */
import { scenario, send, expect, either, pause } from 'tcpcraft';

export default scenario({
  name: 'time-wait-lasts',
  description: 'Server closes first; our FIN again 5 s into its TIME-WAIT: still acknowledged, not reset',
  rfc: 'RFC 9293 §3.6.1 MUST-13',
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('PA', { seq: 1, ack: 1, len: 22 }), expect('FPA', { seq: 1, ack: 1, len: 22 })),
    send('A'),
    expect('FA', { seq: 23, ack: 1, optional: true, timeout: 1000 }),
    send('A'),
    send('FA'),
    expect('A', { seq: 24, ack: 2, within: 500 }),
    // Five seconds into TIME-WAIT, our FIN again (same sequence number).
    pause(5000),
    send('FA', { seq: 1 }),
    expect('A', { seq: 24, ack: 2, within: 500 }),
    send('R', { seq: 2 }),
  ],
});
