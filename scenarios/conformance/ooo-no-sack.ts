/**
 * Without SACK negotiated, out-of-order data still gets an immediate duplicate ACK, but no SACK
 * block: RFC 2018 §2 — SACK options are only sent when SACK-permitted was received in the SYN.
 * RFC 5681 §4.2: immediate duplicate ACK for an out-of-order segment.
 */
import { scenario, send, expect, mss } from 'tcpcraft';

const CHUNK = 'x'.repeat(100);

export default scenario({
  name: 'ooo-no-sack',
  description: 'No SACK-permitted in our SYN: out-of-order data gets a dup ACK without SACK option',
  rfc: 'RFC 2018 §2; RFC 5681 §4.2; RFC 9293 §3.10.7.4 MAY-13',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460)] }),
    expect('SA', { seq: 0, ack: 1, options: { lacks: ['sackOk'] } }),
    send('A'),
    send('PA', { seq: 101, payload: CHUNK }),
    expect('A', { seq: 1, ack: 1, len: 0, within: 100, options: { lacks: ['sack'] } }),
  ],
});
