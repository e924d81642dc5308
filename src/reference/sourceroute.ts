/**
 * IPv4 source routes at the reference stack's end of a route (RFC 1122 §3.2.1.8 (c), §4.2.3.8;
 * RFC 9293 §3.9.2.1). A datagram whose source route is complete has reached its final destination,
 * and the route it recorded, reversed, is the way back: the reply goes first to the last hop it
 * came through, and its own route option lists the hops before that and, last, the original
 * sender. A route not yet complete means the datagram is still on its way elsewhere (a host does
 * not forward it); it gives no return route.
 */
import { OPT_LSRR, OPT_SSRR, sourceRouteOf } from '../wire/route.js';

/** How replies travel back: the IP destination (the first hop) and the option bytes (padded to 4). */
export interface ReturnRoute {
  readonly nextHop: string;
  readonly options: Uint8Array;
}

const bytesOf = (ip: string): number[] => ip.split('.').map(Number);

/**
 * The return route for a datagram from `src` to `dst` with IPv4 options `options`, when they hold a
 * completed source route of at least one hop. RFC 1122 §3.2.1.8: "This recorded route will be
 * reversed and used to form a return source route for reply datagrams", and it "MUST be correctly
 * formed even if the recorded route included the source host": an address of the sender (or of
 * ours) in the recorded route is left out, so no hop is listed twice.
 */
export function returnRoute(src: string, dst: string, options: Uint8Array | undefined): ReturnRoute | undefined {
  if (!options || options.length === 0) return undefined;
  const route = sourceRouteOf(options);
  if (!route || !route.complete) return undefined;
  const hops = [...route.addresses].reverse().filter((a) => a !== src && a !== dst && a !== '0.0.0.0');
  if (hops.length === 0) return undefined;
  // The first hop is the IP destination; the option lists the rest, then the sender (RFC 791 §3.1:
  // a route option of type, length, pointer 4, then the addresses), ended and padded with EOL (0).
  const listed = [...hops.slice(1), src];
  const len = 3 + 4 * listed.length;
  const out = new Uint8Array(Math.ceil(len / 4) * 4);
  out.set([route.strict ? OPT_SSRR : OPT_LSRR, len, 4, ...listed.flatMap(bytesOf)]);
  return { nextHop: hops[0]!, options: out };
}
