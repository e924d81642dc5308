/**
 * Filling the hole acknowledges everything received, at once: after 101..200 arrived out of
 * order, bytes 1..100 make RCV.NXT jump to 201, and the ACK is immediate and carries no SACK
 * block any more. RFC 5681 §4.2: "a TCP receiver SHOULD send an immediate ACK when the incoming
 * segment fills in all or part of a gap in the sequence space"; RFC 2018 §4 (SACK blocks only
 * report data not yet cumulatively acknowledged).
 */
import { scenario, send, expect, mss, nop, sackOk } from 'tcpcraft';

const CHUNK = 'x'.repeat(100);

export default scenario({
  name: 'ooo-fill-hole',
  description: 'Out-of-order 101..200, then 1..100: immediate ACK 201 without SACK',
  rfc: 'RFC 5681 §4.2; RFC 2018 §4; RFC 9293 §3.10.7.4 MUST-59, SHLD-31',
  requires: ['sack'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), sackOk()] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { seq: 101, payload: CHUNK }),
    expect('A', { seq: 1, ack: 1, within: 100, options: { sack: { covers: [101, 201] } } }),
    send('PA', { seq: 1, payload: CHUNK }),
    expect('A', { seq: 1, ack: 201, len: 0, within: 100, options: { lacks: ['sack'] } }),
  ],
});
