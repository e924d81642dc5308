/**
 * The classic libpcap file format (tcpdump.org "pcap savefile format"): a 24-byte global header
 * then one 16-byte record header per packet. Writes little-endian microsecond files, the form
 * tshark and Wireshark open everywhere; reads both byte orders and nanosecond files.
 */
import { invalid, ok, truncated, type Parsed } from './errors.js';

/** One captured packet. */
export interface PcapRecord {
  /** Capture time in microseconds since the Unix epoch. */
  readonly timestampUs: bigint;
  readonly data: Uint8Array;
  /** Length on the wire; defaults to `data.length`. */
  readonly originalLength?: number;
}

/** A decoded pcap file. */
export interface PcapFile {
  readonly linkType: number;
  readonly snaplen: number;
  readonly records: PcapRecord[];
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
/** Snapshot length written into files. */
export const PCAP_SNAPLEN = 262144;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

/** The 24-byte global header of a microsecond pcap file. */
export function pcapGlobalHeader(linkType: number, snaplen = PCAP_SNAPLEN): Uint8Array {
  const buf = new Uint8Array(GLOBAL_HEADER);
  const view = new DataView(buf.buffer);
  view.setUint32(0, MAGIC_US, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setInt32(8, 0, true); // thiszone
  view.setUint32(12, 0, true); // sigfigs
  view.setUint32(16, snaplen, true);
  view.setUint32(20, linkType, true);
  return buf;
}

/** One record: 16-byte header then the packet bytes. */
export function pcapRecord(record: PcapRecord): Uint8Array {
  const buf = new Uint8Array(RECORD_HEADER + record.data.length);
  const view = new DataView(buf.buffer);
  view.setUint32(0, Number(record.timestampUs / 1_000_000n), true);
  view.setUint32(4, Number(record.timestampUs % 1_000_000n), true);
  view.setUint32(8, record.data.length, true);
  view.setUint32(12, record.originalLength ?? record.data.length, true);
  buf.set(record.data, RECORD_HEADER);
  return buf;
}

/** The byte arrays one after another in one new array (capture files are built this way). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A whole pcap file. */
export function encodePcap(linkType: number, records: readonly PcapRecord[]): Uint8Array {
  return concatBytes([pcapGlobalHeader(linkType), ...records.map(pcapRecord)]);
}

/** Decodes a pcap file (either byte order, micro- or nanosecond). A cut-off last record is `truncated`. */
export function parsePcap(bytes: Uint8Array): Parsed<PcapFile> {
  if (bytes.length < GLOBAL_HEADER) return truncated('pcap', 'globalHeader', 0, GLOBAL_HEADER, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little: boolean;
  let nanos: boolean;
  const le = view.getUint32(0, true);
  const be = view.getUint32(0, false);
  if (le === MAGIC_US || le === MAGIC_NS) {
    little = true;
    nanos = le === MAGIC_NS;
  } else if (be === MAGIC_US || be === MAGIC_NS) {
    little = false;
    nanos = be === MAGIC_NS;
  } else {
    return invalid('malformed', 'pcap', 'magic', 0, `magic 0x${be.toString(16)} is not a pcap file (pcapng is not supported)`);
  }
  const snaplen = view.getUint32(16, little);
  const linkType = view.getUint32(20, little) & 0x0fffffff;
  const records: PcapRecord[] = [];
  let at = GLOBAL_HEADER;
  while (at < bytes.length) {
    if (at + RECORD_HEADER > bytes.length) return truncated('pcap', 'recordHeader', at, RECORD_HEADER, bytes.length - at);
    const sec = view.getUint32(at, little);
    const frac = view.getUint32(at + 4, little);
    const incl = view.getUint32(at + 8, little);
    const orig = view.getUint32(at + 12, little);
    if (at + RECORD_HEADER + incl > bytes.length) return truncated('pcap', 'recordData', at + RECORD_HEADER, incl, bytes.length - at - RECORD_HEADER);
    const us = BigInt(sec) * 1_000_000n + (nanos ? BigInt(frac) / 1000n : BigInt(frac));
    records.push({ timestampUs: us, data: bytes.slice(at + RECORD_HEADER, at + RECORD_HEADER + incl), originalLength: orig });
    at += RECORD_HEADER + incl;
  }
  return ok({ linkType, snaplen, records });
}
