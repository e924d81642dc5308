/**
 * What a connection carries beside RFC 9293's state machine, set by the application or by the
 * stack from what came in, and read when its segments leave: the Diffserv field (IP_TOS /
 * IPV6_TCLASS), its own settings (SO_RCVBUF, TCP_MAXSEG), the send urgent pointer, ECN, Fast
 * Open and the return source route. The Tcb holds one of these; outgoing.ts dresses the
 * connection's segments with it.
 */
import { EcnState } from './ecn.js';
import type { ReferenceSettings } from './settings.js';
import type { ReturnRoute } from './sourceroute.js';

export class ConnExtras {
  /**
   * The DS field (RFC 2474: the six high bits of the IPv4 TOS octet / IPv6 traffic class) the
   * application asked for; every segment carries it (RFC 9293 §3.9.1.1, MUST-48, SHLD-22). The two
   * low bits are ECN's (RFC 3168 §5), set by the connection, not the application.
   */
  tos = 0;
  /** The connection's own settings (the stack's with its socket options applied), when they differ. */
  settings: ReferenceSettings | undefined;
  /** SND.UP (RFC 9293 §3.8.5): the octet after the urgent data sent, until it is acknowledged. */
  sndUp: number | undefined;
  readonly ecn = new EcnState();
  /** RFC 7413 §4.2.2: the SYN's data is taken at once (a valid Fast Open cookie). */
  fastOpenData = false;
  /** RFC 7413 §4.2.1: the cookie the SYN/ACK carries. */
  fastOpenCookie: Uint8Array | undefined;
  /** RFC 1122 §4.2.3.8: the return route every segment takes, when the connection has one. */
  route: ReturnRoute | undefined;

  /** Makes `patch` part of the connection's own settings (`base`: the stack's), for a socket option that changes one. */
  adjust(base: ReferenceSettings, patch: Partial<ReferenceSettings>): void {
    this.settings = { ...(this.settings ?? base), ...patch };
  }
}
