/**
 * Urgent data (RFC 9293 §3.8.5, §3.10.2, §3.10.7.4 sixth check; RFC 6093). The urgent pointer
 * points to the octet after the urgent data (MUST-30, MUST-62), and urgent data is delivered in
 * the stream (RFC 6093 §2.1: the urgent mechanism marks a point in the stream, it is no
 * out-of-band channel); the application is told that urgent data is there, and how far it goes.
 * A sequence of urgent data may be of any length (MUST-31).
 */
import { Flag } from '../wire/tcp.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from '../wire/seq.js';
import { hasFault } from './faults.js';
import type { ReferenceSettings } from './settings.js';

/** What urgent data needs of the connection (the Tcb's public fields). */
export interface UrgentConn {
  readonly iss: number;
  readonly sndUna: number;
  readonly sendQueued: number;
  readonly rcvNxt: number;
  readonly rcvUp: number | undefined;
  readonly rbuf: Uint8Array;
  readonly finReceived: boolean;
}

/**
 * SEND with the urgent flag (§3.10.2: "SND.UP <- SND.NXT", SND.NXT there meaning the end of what
 * the user has handed over): the sequence number after the `n` octets written now, past what is
 * already queued. The send queue starts at SND.UNA, or just after the SYN while it is unacknowledged.
 */
export function urgentEnd(conn: UrgentConn, n: number): number {
  const queueStart = seqGt(conn.sndUna, conn.iss) ? conn.sndUna : seqAdd(conn.iss, 1);
  return seqAdd(queueStart, conn.sendQueued + n);
}

/**
 * The URG flag and pointer of a segment at `seq` carrying `len` octets while SND.UP is `sndUp`
 * (undefined: no urgent data). Every segment that starts before SND.UP says where the urgent data
 * ends, as an offset from its own sequence number (§3.1; §3.10.2: "set the urgent pointer in the
 * outgoing segments"), so urgent data longer than a segment is signalled from its first segment on
 * (MUST-31); an offset past 16 bits is held at the largest one. MUST-30: urgent data is
 * supported; MUST-62: the pointer names the octet after the urgent data.
 */
export function urgentFields(sndUp: number | undefined, seq: number, len: number, flags: number, s: ReferenceSettings): { flags: number; urgent: number } {
  if (sndUp === undefined || flags & (Flag.SYN | Flag.RST) || !seqLt(seq, sndUp) || hasFault(s, 'urgent-never-sent')) return { flags, urgent: 0 };
  // The fault: only the segment in which the urgent data ends carries URG.
  if (hasFault(s, 'urgent-only-final-segment') && seqDiff(sndUp, seq) > len) return { flags, urgent: 0 };
  const past = hasFault(s, 'urgent-pointer-at-last-octet') ? 1 : 0;
  return { flags: flags | Flag.URG, urgent: Math.min(0xffff, seqDiff(sndUp, seq) - past) };
}

/** SND.UP is done with once everything up to it is acknowledged. */
export function urgentDone(sndUp: number | undefined, sndUna: number): boolean {
  return sndUp !== undefined && seqGe(sndUna, sndUp);
}

/** The sequence number of the next octet the application will read. */
function readPoint(conn: UrgentConn): number {
  return seqAdd(conn.rcvNxt, -(conn.rbuf.length + (conn.finReceived ? 1 : 0)));
}

/**
 * §3.10.7.4, sixth check: "signal the user that the remote side has urgent data if the urgent
 * pointer (RCV.UP) is in advance of the data consumed". True while it is.
 */
export function urgentSignalled(conn: UrgentConn): boolean {
  return conn.rcvUp !== undefined && seqGt(conn.rcvUp, readPoint(conn));
}

/**
 * The last urgent octet (the one before RCV.UP) when it has arrived and is unread; 'pending' when
 * urgent data is signalled but that octet is still to come; 'none' when there is no urgent data.
 * The octet stays in the stream (it is read in-line too).
 */
export function urgentOctet(conn: UrgentConn): number | 'pending' | 'none' {
  if (!urgentSignalled(conn)) return 'none';
  const at = seqDiff(seqAdd(conn.rcvUp!, -1), readPoint(conn));
  return at >= 0 && at < conn.rbuf.length ? conn.rbuf[at]! : 'pending';
}
