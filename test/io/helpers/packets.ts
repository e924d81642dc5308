/**
 * Packet helpers for the I/O tests, on top of the project's own codec (src/wire): a bare IPv4+TCP
 * segment with valid checksums, and a summary of a captured frame.
 */
import { buildPacket, parseFrame } from '../../../src/wire/packet.js';

/** Fields of a test segment. */
export interface TestSegment {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  /** TCP flag byte (0x02 SYN, 0x04 RST, 0x10 ACK, 0x12 SYN/ACK...). */
  readonly flags: number;
}

/** What the tests need to know about a captured frame. */
export interface FrameSummary {
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  readonly flags: number;
  readonly seq: number;
  readonly ack: number;
  readonly ts: bigint;
}

/** IPv4 header (20 bytes) + TCP header (20 bytes), id 0x1234, DF, window 64240, checksums computed. */
export function buildTcp(s: TestSegment): Uint8Array {
  return buildPacket({
    ip: { src: s.src, dst: s.dst, id: 0x1234 },
    tcp: { srcPort: s.sport, dstPort: s.dport, seq: s.seq >>> 0, ack: s.ack >>> 0, flags: s.flags, window: 64240 },
  });
}

/** Summarise a captured frame of `linkType` carrying IPv4/TCP; undefined otherwise. */
export function summarize(frame: Uint8Array, linkType: number, ts: bigint): FrameSummary | undefined {
  const r = parseFrame(frame, linkType);
  if (!r.ok) return undefined;
  const { ip, tcp } = r.value.packet;
  return { src: ip.src, dst: ip.dst, sport: tcp.srcPort, dport: tcp.dstPort, seq: tcp.seq, ack: tcp.ack, flags: tcp.flags & 0xff, ts };
}
