/**
 * A SYN in ESTABLISHED (any sequence number) gets a challenge ACK and does not reset the
 * connection. RFC 5961 §4.2: "If the SYN bit is set, irrespective of the sequence number, TCP
 * MUST send an ACK (also referred to as challenge ACK) to the remote peer:
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>". (RFC 9293 §3.10.7.4, fourth check.)
 * Rate limit: the only challenge on a fresh connection.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'syn-in-established',
  description: 'SYN in ESTABLISHED: challenge ACK (seq SND.NXT, ack RCV.NXT), connection kept',
  rfc: 'RFC 5961 §4.2; RFC 9293 §3.10.7.4 MAY-12',
  // RFC 9293 MAY-12: the RFC 5961 protections are optional: a stack without them FAILs [MAY].
  level: 'MAY',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('S', { seq: 1001 }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 300 }),
    send('PA', { seq: 1, payload: 'still connected\n' }),
    expect('A', { seq: 1, ack: 17, within: 500 }),
  ],
});
