/**
 * Which path carries a crafted IPv4 packet, and why: the rules of Linux raw sockets, declared once.
 *
 * On the raw socket (src/io/sender.ts: raw(7) with IP_HDRINCL) the kernel ALWAYS rewrites the IPv4
 * header checksum and the total length, fills in the source address when it is 0.0.0.0, and fills
 * in the identification when it is 0 and DF is clear (with DF set Linux leaves id 0 as it is).
 * Every other byte, the whole TCP segment included, goes out as built. A packet whose IPv4 header
 * must keep one of those values goes through the link-layer path (src/io/link.ts), which injects
 * the whole frame through libpcap, byte for byte.
 */
import type { IpOverrides } from '../scenario/types.js';

/** `raw`: the IPv4 raw socket; `link`: a whole frame injected through libpcap. */
export type SendPath = 'raw' | 'link';

/** The path a segment with these raw IPv4 header values needs (see the module comment). */
export function sendPathFor(ip: IpOverrides | undefined): SendPath {
  if (!ip) return 'raw';
  const df = ((ip.flags ?? 0x2) & 0x2) !== 0;
  return ip.checksum !== undefined || ip.totalLength !== undefined || (ip.id === 0 && !df) ? 'link' : 'raw';
}
