/**
 * Writing pcapng (the format Wireshark saves by default): one section, one interface of the
 * given link type with microsecond timestamps, one enhanced packet block per packet, and an
 * `opt_comment` where a packet has a note, so that Wireshark shows the note beside the packet
 * (tshark: `-T fields -e frame.comment`). Little-endian.
 */
import { concatBytes as concat, PCAP_SNAPLEN } from './pcap.js';

/** One packet to write. */
export interface PcapngRecord {
  /** µs since the epoch. */
  readonly timestampUs: bigint;
  readonly data: Uint8Array;
  /** Shown by Wireshark as the packet's comment. */
  readonly comment?: string;
}

const pad4 = (n: number): number => (n + 3) & ~3;

function option(code: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + pad4(value.length));
  const v = new DataView(out.buffer);
  v.setUint16(0, code, true);
  v.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + body.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  out.set(body, 8);
  v.setUint32(total - 4, total, true);
  return out;
}

const END_OF_OPTIONS = new Uint8Array(4);

/** The section header and interface description that start the file. */
export function pcapngHeader(linkType: number, snaplen = PCAP_SNAPLEN): Uint8Array {
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, true);
  sv.setUint16(4, 1, true);
  sv.setUint16(6, 0, true);
  sv.setBigInt64(8, -1n, true); // section length not given
  const idb = new Uint8Array(8);
  const iv = new DataView(idb.buffer);
  iv.setUint16(0, linkType, true);
  iv.setUint32(4, snaplen, true);
  // if_tsresol 6: microseconds (the default, written out for readers that want it said).
  const resol = option(9, Uint8Array.of(6));
  return concat([block(0x0a0d0d0a, shb), block(1, concat([idb, resol, END_OF_OPTIONS]))]);
}

/** One enhanced packet block on interface 0. */
export function pcapngPacket(r: PcapngRecord): Uint8Array {
  const head = new Uint8Array(20);
  const v = new DataView(head.buffer);
  v.setUint32(0, 0, true);
  v.setUint32(4, Number((r.timestampUs >> 32n) & 0xffffffffn), true);
  v.setUint32(8, Number(r.timestampUs & 0xffffffffn), true);
  v.setUint32(12, r.data.length, true);
  v.setUint32(16, r.data.length, true);
  const data = new Uint8Array(pad4(r.data.length));
  data.set(r.data);
  const opts = r.comment ? concat([option(1, new TextEncoder().encode(r.comment)), END_OF_OPTIONS]) : new Uint8Array(0);
  return block(6, concat([head, data, opts]));
}

/** A whole pcapng file. */
export function encodePcapng(linkType: number, records: readonly PcapngRecord[]): Uint8Array {
  return concat([pcapngHeader(linkType), ...records.map(pcapngPacket)]);
}
