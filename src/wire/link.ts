/**
 * Link layers, declared once: the pcap link-type numbers tcpcraft reads and writes, the names
 * libpcap gives them, Ethernet II framing (encode) and where the IPv4 packet starts in a frame of
 * each type (decode). Captures, the sniffer, the link-layer sender and the rehearsal all use it.
 */
import { invalid, ok, truncated, type Parsed } from './errors.js';
import { UsageError } from '../errors.js';

/** pcap link types (tcpdump.org "LINK-LAYER HEADER TYPES") that tcpcraft reads and writes. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
} as const;

/** The names the `cap` addon gives a live capture's link type, for those tcpcraft decodes. */
export const LINK_TYPE_BY_CAP_NAME: Readonly<Record<string, number>> = {
  NULL: LinkType.NULL,
  ETHERNET: LinkType.ETHERNET,
  RAW: LinkType.RAW,
  LINKTYPE_LINUX_SLL: LinkType.LINUX_SLL,
};

/** Ethertypes tcpcraft recognises. */
export const EtherType = { IPV4: 0x0800, IPV6: 0x86dd, VLAN: 0x8100 } as const;
const ETHERTYPE_IPV4 = EtherType.IPV4;
const ETHERTYPE_IPV6 = EtherType.IPV6;
const ETHERTYPE_VLAN = EtherType.VLAN;

/** Length of an Ethernet II header. */
export const ETHERNET_HEADER_LENGTH = 14;

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** True for a MAC address written `aa:bb:cc:dd:ee:ff`. */
export function isMac(mac: string): boolean {
  return MAC_RE.test(mac);
}

/** The 14-byte Ethernet II header `dst src ethertype` (default IPv4). Throws a UsageError for a malformed MAC. */
export function ethernetHeader(dstMac: string, srcMac: string, ethertype: number = EtherType.IPV4): Uint8Array {
  for (const m of [dstMac, srcMac]) if (!isMac(m)) throw new UsageError(`'${m}' is not a MAC address: write it as aa:bb:cc:dd:ee:ff.`);
  const h = new Uint8Array(ETHERNET_HEADER_LENGTH);
  h.set(dstMac.split(':').map((x) => parseInt(x, 16)), 0);
  h.set(srcMac.split(':').map((x) => parseInt(x, 16)), 6);
  h[12] = ethertype >> 8;
  h[13] = ethertype & 0xff;
  return h;
}

/** The ethertype of an IP packet, by its version nibble. */
export function ethertypeOf(packet: Uint8Array): number {
  return packet.length > 0 && packet[0]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
}

/**
 * The frame a capture of `linkType` holds for an IP packet: the packet behind an Ethernet header
 * with zero MAC addresses (and the IPv4 or IPv6 ethertype) on Ethernet, the packet itself on
 * raw-IP links.
 */
export function frameOf(packet: Uint8Array, linkType: number): Uint8Array {
  if (linkType !== LinkType.ETHERNET) return packet;
  const frame = new Uint8Array(ETHERNET_HEADER_LENGTH + packet.length);
  frame.set(ethernetHeader('00:00:00:00:00:00', '00:00:00:00:00:00', ethertypeOf(packet)), 0);
  frame.set(packet, ETHERNET_HEADER_LENGTH);
  return frame;
}


/** True for the ethertypes (and SLL protocols) of IPv4 and IPv6. */
const isIpType = (t: number): boolean => t === ETHERTYPE_IPV4 || t === ETHERTYPE_IPV6;

/** Finds the IPv4 or IPv6 packet inside a captured frame of `linkType`, or says why there is none. */
export function ipOffset(frame: Uint8Array, linkType: number): Parsed<number> {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  switch (linkType) {
    case LinkType.RAW:
    case 12: // DLT_RAW as some platforms number it in live captures
      return ok(0);
    case LinkType.NULL: {
      if (frame.length < 4) return truncated('link', 'family', 0, 4, frame.length);
      // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24, 28 or 30 (the BSDs, macOS); either byte order.
      const families = [view.getUint32(0, true), view.getUint32(0, false)];
      const ip = families.some((f) => [2, 10, 24, 28, 30].includes(f));
      return ip ? ok(4) : invalid('unsupported', 'link', 'family', 0, 'loopback frame is not AF_INET or AF_INET6');
    }
    case LinkType.ETHERNET: {
      if (frame.length < 14) return truncated('link', 'ethertype', 12, 14, frame.length);
      let type = view.getUint16(12);
      let at = 14;
      if (type === ETHERTYPE_VLAN) {
        if (frame.length < 18) return truncated('link', 'vlan', 14, 18, frame.length);
        type = view.getUint16(16);
        at = 18;
      }
      return isIpType(type) ? ok(at) : invalid('unsupported', 'link', 'ethertype', at - 2, `ethertype 0x${type.toString(16).padStart(4, '0')} is not IPv4 or IPv6`);
    }
    case LinkType.LINUX_SLL: {
      if (frame.length < 16) return truncated('link', 'protocol', 14, 16, frame.length);
      const type = view.getUint16(14);
      return isIpType(type) ? ok(16) : invalid('unsupported', 'link', 'protocol', 14, `SLL protocol 0x${type.toString(16)} is not IPv4 or IPv6`);
    }
    case LinkType.LINUX_SLL2: {
      if (frame.length < 20) return truncated('link', 'protocol', 0, 20, frame.length);
      const type = view.getUint16(0);
      return isIpType(type) ? ok(20) : invalid('unsupported', 'link', 'protocol', 0, `SLL2 protocol 0x${type.toString(16)} is not IPv4 or IPv6`);
    }
    default:
      return invalid('unsupported', 'link', 'linkType', 0, `link type ${linkType} is not supported`);
  }
}

