/** The flow under test: our address and port, the peer's, and which way a packet goes. */
import { FAMILY, familyOf } from '../wire/family.js';
import { finalDestination } from '../wire/route.js';
import type { Packet } from '../wire/packet.js';

/** A TCP 4-tuple seen from our side. */
export interface Flow {
  readonly localIp: string;
  readonly localPort: number;
  readonly peerIp: string;
  readonly peerPort: number;
}

/**
 * A flow whose peer may not be known yet: in the server role we learn the client's address and
 * port from its SYN. A {@link Flow} is a FlowSpec with the peer filled in.
 */
export interface FlowSpec {
  readonly localIp: string;
  readonly localPort: number;
  readonly peerIp?: string;
  readonly peerPort?: number;
}

/** `out` from us to the peer, `in` from the peer to us. */
export type Direction = 'out' | 'in';

/** The direction of `packet` on `flow`, or undefined when it belongs to another flow. An unknown peer matches any. */
export function directionOf(packet: Packet, flow: FlowSpec): Direction | undefined {
  const { ip, tcp } = packet;
  const peerIs = (addr: string, port: number): boolean => (flow.peerIp === undefined || flow.peerIp === addr) && (flow.peerPort === undefined || flow.peerPort === port);
  // A source-routed packet (IPv4) belongs to the flow of its final destination, not its next hop.
  const dst = finalDestination(ip);
  if (dst === flow.localIp && tcp.dstPort === flow.localPort && peerIs(ip.src, tcp.srcPort)) return 'in';
  if (ip.src === flow.localIp && tcp.srcPort === flow.localPort && peerIs(dst, tcp.dstPort)) return 'out';
  return undefined;
}

/**
 * True when `packet` is addressed to our end of `flow` (its final destination and port), whoever
 * sent it: a possible answer that does not come from the flow's peer (a target answering a SYN
 * sent to a broadcast address does so from its own address). Runs claim such packets only when
 * no flow claims them by 4-tuple, so that a check of absence sees them.
 */
export function addressedTo(packet: Packet, flow: FlowSpec): boolean {
  return finalDestination(packet.ip) === flow.localIp && packet.tcp.dstPort === flow.localPort;
}

/** True when the peer's address and port are known. */
export function isComplete(flow: FlowSpec): flow is Flow {
  return flow.peerIp !== undefined && flow.peerPort !== undefined;
}

/** `10.77.0.1:5000`, `[fd77::2]:5000`: an address and a port as text (IPv6 in brackets). */
export function endpointText(ip: string | undefined, port: number | string | undefined): string {
  const host = ip ?? '*';
  return `${familyOf(host) === 6 ? `[${host}]` : host}:${port ?? '*'}`;
}

/**
 * A libpcap filter that passes both directions of `flow` (of any peer when it is not known), or a
 * little more (the demultiplexer has the last word). For
 * IPv6 the ports are left to the demultiplexer: libpcap's `tcp` and `port` only see a TCP header
 * right after the fixed IPv6 header, and a scenario may put extension headers in between.
 */
export function bpfFilter(flow: FlowSpec): string {
  // Inbound, anything to our end passes, from any address ({@link addressedTo}).
  if (familyOf(flow.localIp) === 6) {
    const peerDst = flow.peerIp ? ` and dst host ${flow.peerIp}` : '';
    return `${FAMILY[6].pcap} and ((dst host ${flow.localIp}) or (src host ${flow.localIp}${peerDst}))`;
  }
  const peerDst = [flow.peerIp && `dst host ${flow.peerIp}`, flow.peerPort && `dst port ${flow.peerPort}`].filter(Boolean);
  // No `dst host` inbound: a source-routed answer is addressed to its next hop, not to us (the
  // demultiplexer checks the final destination).
  const inbound = `dst port ${flow.localPort}`;
  const outbound = [`src host ${flow.localIp}`, `src port ${flow.localPort}`, ...peerDst].join(' and ');
  return `tcp and ((${inbound}) or (${outbound}))`;
}

/** `10.77.0.1:24491 > 10.77.0.2:5000`, `[fd77::1]:24491 > [fd77::2]:5000` (`*` for a peer not known yet). */
export function formatFlow(flow: FlowSpec): string {
  return `${endpointText(flow.localIp, flow.localPort)} > ${endpointText(flow.peerIp, flow.peerPort)}`;
}
