/**
 * Link-layer sender: injects whole frames with libpcap (`pcap_sendpacket`, the npm `cap` addon's
 * `Cap#send`), for packets the raw socket cannot carry faithfully.
 *
 * Which path an IPv4 field needs. On the raw socket (src/io/sender.ts, Linux raw(7) with
 * IP_HDRINCL) the kernel ALWAYS rewrites the header checksum and the total length, fills in the
 * source address when it is 0.0.0.0, and fills in the identification when it is 0 and DF is clear
 * (with DF set Linux leaves id 0 as is). So a scenario that sets
 *   - `ip.checksum` to a number (e.g. a deliberately wrong one),
 *   - `ip.totalLength` to a number that differs from the real length,
 *   - `ip.src` to 0.0.0.0, or `ip.id` to 0 with DF clear (and wants them to stay 0),
 * must use this link path; every other field (all TCP fields, including its checksum; IP version,
 * ihl, tos, flags, fragment offset, ttl, protocol, options, a non-zero id) goes out exactly as
 * built on either path. The link path also bypasses the local firewall, routing and neighbour
 * resolution of the kernel for the frame itself: what is built is what leaves the interface.
 *
 * Design: a separate `cap` handle per sender rather than an `inject()` on the {@link Sniffer}, so
 * capture and injection stay independent (a run that needs no link path opens nothing extra, and
 * the sniffer's filter and callbacks are untouched). The handle's capture filter (`len = 0`) never
 * matches, so it delivers no frames. Frames are not padded to Ethernet's 60-byte minimum (hardware
 * drivers pad; veth and lo do not need it), so the IPv4 packet is followed by nothing we add.
 */
import { existsSync, readFileSync } from 'node:fs';
import { FAMILY, familyOf } from '../wire/family.js';
import { ethernetHeader, isMac, LinkType } from '../wire/link.js';
import { EnvError, messageOf, UsageError } from '../errors.js';
import { resolveMac } from './neigh.js';
import { nextHop } from './route.js';
import { openCap, type CapInstance } from './sniffer.js';

/** Sends IPv4 packets as whole link-layer frames on one interface, byte for byte. */
export interface LinkSender {
  /** Link type of the interface: LinkType.ETHERNET or LinkType.RAW (src/wire/link.ts). */
  readonly linkType: number;
  /** Destination MAC of every frame (`aa:bb:...`) on Ethernet; undefined on raw-IP links. */
  readonly peerMac: string | undefined;
  /** Send `ipPacket` (IPv4 header + TCP segment, exactly as built) in one frame; resolves once libpcap took it. */
  send(ipPacket: Uint8Array): Promise<void>;
  /**
   * Send at once, synchronously, reusing one frame buffer (for floods): true when libpcap took
   * the frame, false when the interface queue is full (try again). Throws on any other error.
   */
  trySend(ipPacket: Uint8Array): boolean;
  /** Release the libpcap handle; later sends reject. Idempotent. */
  close(): void;
}

/** Options of {@link openLinkSender}. */
export interface LinkSenderOptions {
  /** Interface to send on (the one holding our address, e.g. from `interfaceWithAddress`). */
  readonly iface: string;
  /** Destination IPv4 address; on Ethernet the frame goes to its MAC, or the gateway's when routed. */
  readonly peerIp: string;
  /** Destination MAC to use instead of resolving it (`aa:bb:cc:dd:ee:ff`); default: resolved. */
  readonly peerMac?: string;
  /** Bound on neighbour resolution in ms (default 2000). */
  readonly resolveTimeoutMs?: number;
}

const ZERO_MAC = '00:00:00:00:00:00';

function isLoopback(iface: string): boolean {
  try {
    // ARPHRD_LOOPBACK = 772
    return readFileSync(`/sys/class/net/${iface}/type`, 'utf8').trim() === '772';
  } catch {
    return false;
  }
}

/**
 * Open a link-layer sender on `opts.iface` towards `opts.peerIp`. On Ethernet the destination MAC
 * is the peer's (or its gateway's) neighbour entry, resolved if needed (see src/io/neigh.ts), the
 * source MAC is the interface's own; on raw-IP links packets go out as they are. Throws an
 * {@link EnvError} without root, for a missing interface or route, an unanswered ARP, or a link
 * type other than Ethernet or raw IP; the libpcap handle is released on every failure.
 */
export async function openLinkSender(opts: LinkSenderOptions): Promise<LinkSender> {
  if (!/^[^/\s]{1,15}$/.test(opts.iface) || opts.iface === '.' || opts.iface === '..' || opts.iface === 'any') {
    throw new UsageError(`'${opts.iface}' is not a valid interface to send on: name one interface (1 to 15 characters without '/' or spaces).`);
  }
  if (familyOf(opts.peerIp) === undefined) throw new UsageError(`peer '${opts.peerIp}' is not an IPv4 or IPv6 address.`);
  if (opts.peerMac !== undefined && !isMac(opts.peerMac)) {
    throw new UsageError(`peer MAC '${opts.peerMac}' is not a MAC address: write it as aa:bb:cc:dd:ee:ff.`);
  }
  if (!existsSync(`/sys/class/net/${opts.iface}`)) {
    throw new EnvError(`interface ${opts.iface} does not exist: check 'ip link', or run inside the lab with 'tcpcraft lab exec client -- ...'.`);
  }
  // `len = 0` matches no frame: this handle only sends.
  const { cap, linkName } = openCap(opts.iface, 'len = 0', 256 * 1024, Buffer.alloc(64), false);
  let header: Uint8Array;
  let linkType: number;
  let peerMac: string | undefined;
  try {
    if (linkName === 'ETHERNET') {
      linkType = LinkType.ETHERNET;
      const srcMac = readFileSync(`/sys/class/net/${opts.iface}/address`, 'utf8').trim().toLowerCase();
      if (opts.peerMac !== undefined) peerMac = opts.peerMac.toLowerCase();
      else if (isLoopback(opts.iface)) peerMac = ZERO_MAC;
      else {
        const hop = await nextHop(opts.peerIp, opts.iface);
        if (hop.local) {
          throw new EnvError(`${opts.peerIp} is an address of this host, which ${opts.iface} cannot reach: send to local addresses on 'lo'.`);
        }
        peerMac = await resolveMac(opts.iface, hop.via, opts.resolveTimeoutMs !== undefined ? { timeoutMs: opts.resolveTimeoutMs } : {});
      }
      header = ethernetHeader(peerMac, srcMac, FAMILY[familyOf(opts.peerIp) ?? 4].ethertype);
    } else if (linkName === 'RAW') {
      linkType = LinkType.RAW;
      header = new Uint8Array(0);
    } else {
      throw new EnvError(`interface ${opts.iface} has link type '${linkName}', on which tcpcraft cannot build frames: use an Ethernet or raw-IP interface, or the raw-socket path.`);
    }
  } catch (err) {
    cap.close();
    throw err;
  }
  return makeLinkSender(cap, opts.iface, linkType, peerMac, header);
}

const QUEUE_FULL = /No buffer space|ENOBUFS|temporarily unavailable|EAGAIN/i;

function makeLinkSender(cap: CapInstance, iface: string, linkType: number, peerMac: string | undefined, header: Uint8Array): LinkSender {
  let closed = false;
  let scratch = Buffer.alloc(header.length + 1514);
  scratch.set(header, 0);
  return {
    linkType,
    peerMac,
    trySend(ipPacket: Uint8Array): boolean {
      if (closed) throw new Error(`cannot send on ${iface}: the link-layer sender is closed.`);
      const length = header.length + ipPacket.length;
      if (length > scratch.length) {
        scratch = Buffer.alloc(length);
        scratch.set(header, 0);
      }
      scratch.set(ipPacket, header.length);
      try {
        cap.send(scratch, length);
        return true;
      } catch (err) {
        if (QUEUE_FULL.test(messageOf(err))) return false;
        throw new EnvError(`injecting a ${length}-byte frame on ${iface} failed: ${messageOf(err)}`, { cause: err });
      }
    },
    send(ipPacket: Uint8Array): Promise<void> {
      if (closed) return Promise.reject(new Error(`cannot send on ${iface}: the link-layer sender is closed.`));
      if (ipPacket.length < 20) {
        return Promise.reject(new UsageError(`cannot send a ${ipPacket.length}-byte packet: an IPv4 header needs at least 20 bytes.`));
      }
      const frame = Buffer.alloc(header.length + ipPacket.length);
      frame.set(header, 0);
      frame.set(ipPacket, header.length);
      try {
        cap.send(frame, frame.length);
        return Promise.resolve();
      } catch (err) {
        return Promise.reject(new EnvError(`injecting a ${frame.length}-byte frame on ${iface} failed: ${messageOf(err)}`, { cause: err }));
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      cap.close();
    },
  };
}
