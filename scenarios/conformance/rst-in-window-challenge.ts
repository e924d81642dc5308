/**
 * A RST whose sequence number is in the window but not exactly RCV.NXT does not reset the
 * connection: the receiver sends a challenge ACK and keeps going. RFC 5961 §3.2 (also RFC 9293
 * §3.10.7.4, first check for RST): "If the RST bit is set and the sequence number does not
 * exactly match the next expected sequence value, yet is within the current receive window,
 * TCP MUST send an acknowledgment (challenge ACK): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>".
 * Rate limit: challenge ACKs are throttled per socket (tcp_invalid_ratelimit, 500 ms) and
 * host-wide (tcp_challenge_ack_limit); this is the only challenge on a fresh connection.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'rst-in-window-challenge',
  description: 'RST at RCV.NXT+100 (in window, not exact): a challenge ACK, connection kept',
  rfc: 'RFC 5961 §3.2; RFC 9293 §3.10.7.4 MAY-12',
  // RFC 9293 MAY-12: the RFC 5961 protections are optional: a stack without them FAILs [MAY].
  level: 'MAY',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('R', { seq: 101 }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 300 }),
    // Still established: data at RCV.NXT is acknowledged.
    send('PA', { seq: 1, payload: 'still connected\n' }),
    expect('A', { seq: 1, ack: 17, within: 500 }),
    send('R', { seq: 17 }),
  ],
});
