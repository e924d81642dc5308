/** The flow under test: our address and port, the peer's, and which way a packet goes. */
import type { Packet } from '../wire/packet.js';

/** A TCP 4-tuple seen from our side. */
export interface Flow {
  readonly localIp: string;
  readonly localPort: number;
  readonly peerIp: string;
  readonly peerPort: number;
}

/** `out` from us to the peer, `in` from the peer to us. */
export type Direction = 'out' | 'in';

/** The direction of `packet` on `flow`, or undefined when it belongs to another flow. */
export function directionOf(packet: Packet, flow: Flow): Direction | undefined {
  const { ip, tcp } = packet;
  if (ip.src === flow.peerIp && tcp.srcPort === flow.peerPort && ip.dst === flow.localIp && tcp.dstPort === flow.localPort) return 'in';
  if (ip.src === flow.localIp && tcp.srcPort === flow.localPort && ip.dst === flow.peerIp && tcp.dstPort === flow.peerPort) return 'out';
  return undefined;
}

/** A libpcap filter that passes both directions of `flow` (and IPv4 fragments of it). */
export function bpfFilter(flow: Flow): string {
  return (
    `tcp and ((src host ${flow.peerIp} and src port ${flow.peerPort} and dst host ${flow.localIp} and dst port ${flow.localPort}) or ` +
    `(src host ${flow.localIp} and src port ${flow.localPort} and dst host ${flow.peerIp} and dst port ${flow.peerPort}))`
  );
}

/** `10.77.0.1:24491 > 10.77.0.2:5000` */
export function formatFlow(flow: Flow): string {
  return `${flow.localIp}:${flow.localPort} > ${flow.peerIp}:${flow.peerPort}`;
}
