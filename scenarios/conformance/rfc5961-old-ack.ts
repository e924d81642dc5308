/**
 * RFC 5961 §5.2 (data injection; RFC 9293 MAY-12): a segment whose ACK is older than
 * SND.UNA - MAX.SND.WND is not acceptable: it is dropped and answered with an ACK. Data that
 * acknowledges a point 1 MiB before the peer's ISN is not taken (the answer says ack 1); the same
 * bytes with a proper ACK are.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'rfc5961-old-ack',
  description: 'Data with an ACK far in the past: dropped and answered (ack 1); with a proper ACK: taken',
  rfc: 'RFC 5961 §5.2; RFC 9293 §3.10.7.4 MAY-12',
  level: 'MAY',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'injected\n', ack: -0x100000 }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 500 }),
    send('PA', { seq: 1, payload: 'injected\n' }),
    expect('A', { seq: 1, ack: 10, within: 500 }),
  ],
});
