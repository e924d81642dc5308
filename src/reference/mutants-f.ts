/** Mutants of issue 26 item 8, group F: the RTO from RTT samples, Karn's rule, window updates, the keep-alive idle time (see mutants.ts). */
import { fault, type Mutant } from './mutant.js';

export const MUTANTS_F: readonly Mutant[] = [
  // The retransmission timer (RFC 9293 §3.8.1: the RTO per RFC 6298, Karn's algorithm included).
  fault('rto-ignores-rtt', 'MUST-18', 'keeps the RTO at its initial 1 s whatever the RTT samples say (SRTT and RTTVAR never reach it)'),
  fault('rtt-sample-from-retransmission', 'MUST-18', "breaks Karn's rule: the ACK of a retransmitted segment gives an RTT sample, measured from the segment's first transmission"),
  fault('backoff-dropped-on-ack', 'MUST-19', 'drops the backed-off RTO at the ACK of retransmitted data, before any new sample: the next segment is timed with the RTO of before the timeout'),
  // The send window (RFC 9293 §3.10.7.4).
  fault('window-update-any-ack', 'RFC 9293 §3.10.7.4', 'takes the window of every acceptable ACK, also from a segment older than the one that last set it (SND.WL1, SND.WL2 ignored)'),
  // Keep-alives (RFC 9293 §3.8.4).
  fault('keepalive-idle-ignored', 'MUST-27', 'ignores the idle time the application sets (TCP_KEEPIDLE): the first probe waits for the two-hour default'),
  // The application interface (RFC 9293 §3.9.1.1, RFC 1122 §4.2.2.18; §3.8.5).
  fault('second-listen-takes-port', 'MUST-41', 'lets a second passive OPEN on a port take it over: the listener there is closed and its connections reset'),
  fault('listener-busy-in-handshake', 'MUST-42', 'ignores SYNs to a listener while a connection it spawned is in SYN-RECEIVED'),
  fault('urgent-not-queryable', 'MUST-33', 'never lets the application learn that urgent data waits: recv(MSG_OOB) always says there is none'),
];
