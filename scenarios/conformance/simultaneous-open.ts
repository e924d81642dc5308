/**
 * Simultaneous open (RFC 9293 §3.5, Figure 8; MUST-10). The lab's dialer service is asked to
 * connect back to us on port 47010. When its SYN arrives we do not answer it with a SYN/ACK but
 * send our own SYN, as if both sides had opened at once: the target, in SYN-SENT, must move to
 * SYN-RECEIVED and send a SYN/ACK (its ISN again, acknowledging our SYN); we answer with ours,
 * and the connection is established: the dialer's greeting arrives.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'simultaneous-open',
  description: 'Crossing SYNs: the target answers our SYN with a SYN/ACK and the connection opens',
  rfc: 'RFC 9293 §3.5 MUST-10',
  requires: ['app-dialer'],
  expectedFailures: { slirp: { step: 5, field: 'absent', why: 'libslirp is a NAT: it carries connections our side opens (and host ports forwarded with hostfwd), and nothing routes from its host side into the guest network, so the dialer behind it cannot reach us and no SYN ever comes.' }, lwip: { step: 7, field: 'flags', why: 'lwIP has no simultaneous open: tcp_process() in SYN-SENT (src/core/tcp_in.c) acts only on a SYN/ACK (or resets an ACK); a bare SYN is ignored and lwIP keeps retransmitting its own SYN.' } },
  peer: { host: '10.77.0.2', port: 2010 },
  connections: { back: { role: 'server', local: { port: 47010 } } },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: '47010\n' }),
    // The target's active open.
    expect('S', { conn: 'back', seq: 0, within: 2000 }),
    // Our own SYN, not a SYN/ACK: the SYNs cross.
    send('S', { conn: 'back', seq: 0, ack: 0 }),
    expect('SA', { conn: 'back', seq: 0, ack: 1, within: 1000 }),
    send('SA', { conn: 'back', seq: 0, ack: 1 }),
    expect('A', { conn: 'back', seq: 1, ack: 1, len: 0, optional: true, timeout: 500 }),
    expect('PA', { conn: 'back', seq: 1, ack: 1, payload: 'dial\n', within: 1000 }),
    send('A', { conn: 'back' }),
  ],
});
