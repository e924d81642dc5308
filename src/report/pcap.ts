/** A run's segments as a pcap file (raw-IP link type), in time order, with their timestamps. */
import type { RunReport } from '../engine/report.js';
import { encodePcap, LinkType } from '../wire/index.js';

/** Every segment sent and received on the flow, and every ICMP message sent, ready to open in Wireshark. */
export function reportPcap(report: RunReport): Uint8Array {
  const packets = [
    ...[...report.events.map((e) => e.view), ...report.leftovers].map((v) => ({ timestampUs: v.timestampUs, data: v.packet.bytes })),
    ...(report.icmp ?? []).map((m) => ({ timestampUs: m.timestampUs, data: m.bytes })),
  ].sort((a, b) => (a.timestampUs < b.timestampUs ? -1 : a.timestampUs > b.timestampUs ? 1 : 0));
  return encodePcap(LinkType.RAW, packets);
}
