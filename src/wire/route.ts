/**
 * IPv4 source routes (RFC 791 §3.1, options 131 "loose" and 137 "strict"): the option holds a
 * list of addresses and a pointer (1-based, into the option) to the next one to visit. While the
 * route is not complete (the pointer is still inside the list), the header's destination is only
 * the next hop: the packet's final destination is the route's last address, and that is what the
 * TCP pseudo-header carries (RFC 9293 §3.1, "the final destination"; Wireshark reads it the same
 * way). A completed route (pointer past the end) records the hops taken, and the header's
 * destination is the final one. Pure functions over the option bytes; malformed options yield no route.
 */

/** A source route option as on the wire. */
export interface SourceRoute {
  /** Strict (137, every hop listed) or loose (131). */
  readonly strict: boolean;
  /** The pointer as written: 4 is the first address; beyond the list means the route is complete. */
  readonly pointer: number;
  /** Every address in the option, in order, dotted quads. */
  readonly addresses: readonly string[];
  /** True when the pointer is past the last address. */
  readonly complete: boolean;
  /** Where the option's bytes start in the option area. */
  readonly offset: number;
}

export const OPT_LSRR = 131;
export const OPT_SSRR = 137;

const quad = (b: Uint8Array, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/** The first source route in an IPv4 option area (`options`: the bytes after the fixed header), if any. */
export function sourceRouteOf(options: Uint8Array): SourceRoute | undefined {
  let at = 0;
  while (at < options.length) {
    const type = options[at]!;
    if (type === 0) return undefined;
    if (type === 1) {
      at += 1;
      continue;
    }
    const len = options[at + 1];
    if (len === undefined || len < 2 || at + len > options.length) return undefined;
    if ((type === OPT_LSRR || type === OPT_SSRR) && len >= 3) {
      const pointer = options[at + 2]!;
      const count = Math.floor((len - 3) / 4);
      const addresses = Array.from({ length: count }, (_, k) => quad(options, at + 3 + 4 * k));
      return { strict: type === OPT_SSRR, pointer, addresses, complete: pointer > 3 + 4 * count, offset: at };
    }
    at += len;
  }
  return undefined;
}

/** Index into `addresses` of the next hop (the pointer 4 is the first address). */
const nextIndex = (route: SourceRoute): number => Math.max(0, Math.floor((route.pointer - 4) / 4));

/** The addresses a route still has to visit, from its pointer on (none once it is complete, or with a pointer below 4, which is malformed). */
export function pendingHops(route: SourceRoute): readonly string[] {
  return route.complete || route.pointer < 4 ? [] : route.addresses.slice(nextIndex(route));
}

/**
 * Where in an IPv4 packet the final destination's 4 bytes are: the last address of a route that is
 * not complete, else the header's destination field (offset 16).
 */
export function finalDestinationOffset(packet: Uint8Array): number {
  const headerLength = (packet[0]! & 0x0f) * 4;
  if (headerLength <= 20 || headerLength > packet.length) return 16;
  const route = sourceRouteOf(packet.subarray(20, headerLength));
  if (!route || pendingHops(route).length === 0) return 16;
  return 20 + route.offset + 3 + 4 * (route.addresses.length - 1);
}

/** The final destination of a packet whose IPv4 header is `ip` (IPv6 headers: their destination). */
export function finalDestination(ip: { readonly dst: string; readonly options?: Uint8Array }): string {
  const route = ip.options && ip.options.length > 0 ? sourceRouteOf(ip.options) : undefined;
  const pending = route ? pendingHops(route) : [];
  return pending.length > 0 ? pending[pending.length - 1]! : ip.dst;
}

/** `LSRR 10.77.0.1 (next: 1 of 1)`, `SSRR 10.0.0.9 10.0.0.1 (complete)`: a route for traces. */
export function describeRoute(route: SourceRoute): string {
  return `${route.strict ? 'SSRR' : 'LSRR'} ${route.addresses.join(' ')} (${route.complete ? 'complete' : `next: ${nextIndex(route) + 1} of ${route.addresses.length}`})`;
}
