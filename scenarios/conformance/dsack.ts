/**
 * A duplicate segment is reported, if at all, by a correct D-SACK block (RFC 2883 §4: "When D-SACK
 * is used, the first block of the SACK option should be a D-SACK block specifying the sequence
 * numbers for the duplicate segment that triggers the acknowledgement"; its left edge the first
 * duplicate octet, its right edge the octet after the last). D-SACK is an optional extension that
 * needs no negotiation, so a receiver that does not implement it is no failure: this checks only
 * that what a duplicate's ACK reports is one of the two right answers.
 * We send 200 bytes (ACKed: 201), then 100 bytes at 301 past a hole (the duplicate ACK reports
 * 301-401, RFC 2018 §4), then the first 100 bytes again. That duplicate lies wholly below RCV.NXT:
 * its ACK (at once: "If an incoming segment is not acceptable, an acknowledgment should be sent in
 * reply", RFC 9293 §3.10.7.4) still SACKs 301-401 (RFC 2018 §4: SACK options "SHOULD be included in
 * all ACKs which do not ACK the highest sequence number in the data receiver's queue"), led by the
 * D-SACK block 1-101 when the stack reports duplicates; never by another block (the whole 1-201
 * received in order, say). Level: RFC 2883's "should", and RFC 2018's SHOULD on the SACK blocks.
 */
import { either, expect, scenario, send, mss, nop, sackOk } from 'tcpcraft';

export default scenario({
  name: 'dsack',
  description: 'A duplicate of acknowledged data: its ACK carries SACK 301-401, with or without a D-SACK block 1-101 first, never a wrong one',
  rfc: 'RFC 2883 §4; RFC 2018 §4',
  level: 'SHOULD',
  requires: ['sack'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), nop(), nop(), sackOk()] }),
    expect('SA', { seq: 0, ack: 1, options: { has: ['sackOk'] } }),
    send('A'),
    send('PA', { seq: 1, payload: 'a'.repeat(200) }),
    expect('A', { seq: 1, ack: 201, len: 0, within: 500 }),
    // Past a hole at 201: a duplicate ACK of 201 reporting 301-401.
    send('PA', { seq: 301, payload: 'c'.repeat(100) }),
    expect('A', { seq: 1, ack: 201, len: 0, within: 500, options: { sack: [[301, 401]] } }),
    // The first 100 bytes again: a duplicate.
    send('PA', { seq: 1, payload: 'a'.repeat(100) }),
    either(
      expect('A', { seq: 1, ack: 201, len: 0, within: 500, options: { sack: [[1, 101], [301, 401]] } }),
      expect('A', { seq: 1, ack: 201, len: 0, within: 500, options: { sack: [[301, 401]] } }),
    ),
    send('R', { seq: 201 }),
  ],
});
