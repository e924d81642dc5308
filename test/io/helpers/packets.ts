/**
 * Minimal packet code for the I/O tests only (the real wire code lives in src/wire/): builds an
 * IPv4+TCP segment with valid checksums and summarises a captured frame.
 */

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

const ip4 = (s: string): number[] => s.split('.').map(Number);

function csum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** IPv4 header (20 bytes) + TCP header (20 bytes), window 64240, checksums computed. */
export function buildTcp(s: TestSegment): Uint8Array {
  const p = new Uint8Array(40);
  const dv = new DataView(p.buffer);
  p[0] = 0x45;
  dv.setUint16(2, 40);
  dv.setUint16(4, 0x1234);
  p[6] = 0x40;
  p[8] = 64;
  p[9] = 6;
  p.set(ip4(s.src), 12);
  p.set(ip4(s.dst), 16);
  dv.setUint16(10, csum(p.subarray(0, 20)));
  dv.setUint16(20, s.sport);
  dv.setUint16(22, s.dport);
  dv.setUint32(24, s.seq >>> 0);
  dv.setUint32(28, s.ack >>> 0);
  p[32] = 5 << 4;
  p[33] = s.flags;
  dv.setUint16(34, 64240);
  const pseudo = new Uint8Array(12 + 20);
  pseudo.set(p.subarray(12, 20), 0);
  pseudo[9] = 6;
  pseudo[11] = 20;
  pseudo.set(p.subarray(20, 40), 12);
  dv.setUint16(36, csum(pseudo));
  return p;
}

/** Summarise an ethernet (1), raw (101) or SLL (113) frame carrying IPv4/TCP; undefined otherwise. */
export function summarize(frame: Uint8Array, linkType: number, ts: bigint): FrameSummary | undefined {
  const off = linkType === 1 ? 14 : linkType === 113 ? 16 : linkType === 101 ? 0 : -1;
  if (off < 0 || frame.length < off + 40) return undefined;
  const ip = frame.subarray(off);
  if ((ip[0] ?? 0) >> 4 !== 4 || ip[9] !== 6) return undefined;
  const ihl = ((ip[0] ?? 0) & 0xf) * 4;
  if (ip.length < ihl + 20) return undefined;
  const dv = new DataView(ip.buffer, ip.byteOffset, ip.byteLength);
  return {
    src: Array.from(ip.subarray(12, 16)).join('.'),
    dst: Array.from(ip.subarray(16, 20)).join('.'),
    sport: dv.getUint16(ihl),
    dport: dv.getUint16(ihl + 2),
    seq: dv.getUint32(ihl + 4),
    ack: dv.getUint32(ihl + 8),
    flags: ip[ihl + 13] ?? 0,
    ts,
  };
}
