/**
 * When a connection gives up retransmitting (RFC 9293 §3.8.3, RFC 1122 §4.2.3.5: R1 and R2; the
 * user timeout of RFC 9293 §3.9.1.1 / §3.10.8 and RFC 5482). Pure functions of the retransmission
 * episode; the connection (tcb.ts) asks them at each retransmission timeout.
 *
 * R2 by time: "R2 for a SYN segment MUST be set large enough to provide retransmission of the
 * segment for at least 3 minutes" (MUST-23), and for data "at least 100 seconds" (SHLD-11). The
 * reading here: the retransmissions themselves go on until R2 has passed since the first one
 * (the last one leaves at or after R2), and that last one is given its RTO to be answered before
 * the connection is closed. Giving up at the first timeout past R2 would stop retransmitting well
 * before R2 once the backed-off RTO is long (at 123 s of a 180 s bound, with a 60 s RTO).
 *
 * The user timeout (RFC 5482 §1: "the maximum amount of time that transmitted data may remain
 * unacknowledged before TCP will forcefully close the corresponding connection") is a deadline
 * instead, counted from the last forward progress: when the application sets it (MUST-21, "an
 * application MUST be able to set the value for R2 for a particular connection") it replaces R2.
 */
import type { ReferenceSettings } from './settings.js';
import { hasFault } from './faults.js';

/** The retransmissions of one segment (an episode ends when new data is acknowledged). */
export interface Episode {
  /** When the first retransmission went out (undefined: none yet). */
  readonly firstAt: number | undefined;
  /** When the latest went out. */
  readonly lastAt: number | undefined;
  /** How many went out. */
  readonly count: number;
}

export interface GiveUpContext {
  readonly now: number;
  readonly episode: Episode;
  /** Our SYN is not acknowledged yet (R2 for a SYN applies). */
  readonly synPending: boolean;
  /** The application's user timeout, ms (TCP_USER_TIMEOUT), if it set one. */
  readonly userTimeoutMs: number | undefined;
  /** Last forward progress: SND.UNA moved, or data left with nothing outstanding. */
  readonly progressAt: number;
}

/** Slack for a timer that fires exactly at a deadline computed in floating point, ms. */
const EPSILON = 1e-6;

/** Is it time to close the connection, at this retransmission timeout? */
export function giveUpDue(s: ReferenceSettings, c: GiveUpContext): boolean {
  if (c.userTimeoutMs !== undefined) return c.now - c.progressAt >= c.userTimeoutMs - EPSILON;
  // MUST-20: R2 closes the connection (a fault never lets it, for data).
  if (!c.synPending && hasFault(s, 'never-give-up')) return false;
  if (!c.synPending && s.r2Retransmissions !== undefined) return c.episode.count >= s.r2Retransmissions;
  const { firstAt, lastAt } = c.episode;
  if (firstAt === undefined || lastAt === undefined) return false;
  return lastAt - firstAt >= (c.synPending ? s.r2SynMs : s.r2Ms);
}

/** How long the retransmission timer may run: the RTO, cut short by a user timeout's deadline. */
export function timerWait(rto: number, now: number, userTimeoutMs: number | undefined, progressAt: number): number {
  if (userTimeoutMs === undefined) return rto;
  return Math.max(0, Math.min(rto, progressAt + userTimeoutMs - now));
}

/** R1 (RFC 1122 §4.2.3.5 (a), (c)): the application is told of a delivery problem from here on. */
export function r1Reached(s: ReferenceSettings, episode: Episode): boolean {
  return episode.count >= s.r1Retransmissions;
}
