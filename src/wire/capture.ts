/**
 * Reading capture files, classic pcap and pcapng, incrementally: bytes go in by chunks of any
 * size, whole packets come out, and only the block being read is kept, so a file of any size is
 * read in constant memory.
 *
 * - pcap: both byte orders, microsecond and nanosecond magic.
 * - pcapng: section header blocks (several sections, either byte order each), interface
 *   description blocks (link type, snap length, `if_tsresol` in powers of 10 or of 2,
 *   `if_tsoffset`), enhanced, simple and obsolete packet blocks, `opt_comment` on packets; every
 *   other block type is skipped by its length.
 *
 * Own code rather than a library: the npm readers found either load whole files, skip pcapng's
 * simple and obsolete blocks or per-interface resolutions, or throw on bad input; this one is
 * ~300 lines, streams, and turns every malformed structure into one sentence naming the block
 * and its byte offset. Never throws on any input.
 */

/** One packet of a capture. */
export interface CapturedPacket {
  /** 1-based frame number, as Wireshark counts. */
  readonly frame: number;
  /** Byte offset of its record or block in the file. */
  readonly offset: number;
  /** pcapng interface (0 for classic pcap), within its section. */
  readonly iface: number;
  readonly linkType: number;
  /** µs since the epoch. */
  readonly timestampUs: bigint;
  readonly data: Uint8Array;
  readonly originalLength: number;
  /** pcapng opt_comment values, joined with newlines. */
  readonly comment?: string;
}

/** What went wrong: one sentence with the byte offset; `fatal` stops the reading. */
export interface CaptureProblem {
  readonly fatal: boolean;
  readonly offset: number;
  readonly message: string;
}

/** The capture's format, once known. */
export type CaptureFormat = 'pcap' | 'pcapng';

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const SHB = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BLOCK_IDB = 1;
const BLOCK_OPB = 2;
const BLOCK_SPB = 3;
const BLOCK_EPB = 6;
const OPT_END = 0;
const OPT_COMMENT = 1;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
/** A block longer than this is not believed (pcapng allows 2^32-1; real ones are far smaller). */
const MAX_BLOCK = 256 * 1024 * 1024;

const BLOCK_NAMES: Readonly<Record<number, string>> = {
  [SHB]: 'section header block',
  [BLOCK_IDB]: 'interface description block',
  [BLOCK_OPB]: 'obsolete packet block',
  [BLOCK_SPB]: 'simple packet block',
  4: 'name resolution block',
  5: 'interface statistics block',
  [BLOCK_EPB]: 'enhanced packet block',
};

const blockName = (type: number): string => `${BLOCK_NAMES[type] ?? 'block'} (type 0x${type.toString(16).padStart(8, '0')})`;

interface Iface {
  readonly linkType: number;
  readonly snaplen: number;
  /** Timestamp units per second. */
  readonly unitsPerSecond: bigint;
  /** Seconds added to every timestamp. */
  readonly offsetSeconds: bigint;
}

/**
 * The incremental reader: `push()` chunks, get packets; `end()` says whether the file ended in
 * the middle of something. After a fatal problem every later push returns nothing.
 */
export class CaptureReader {
  format: CaptureFormat | undefined;
  /** Classic pcap: its link type and snap length. */
  linkType: number | undefined;
  readonly problems: CaptureProblem[] = [];
  private buf: Uint8Array = new Uint8Array(0);
  /** File offset of buf[0]. */
  private base = 0;
  private frames = 0;
  private stopped = false;
  // classic pcap
  private little = true;
  private nanos = false;
  // pcapng: the current section's byte order and interfaces
  private sectionLittle = true;
  private ifaces: Iface[] = [];
  private sections = 0;

  /** Feeds the next bytes of the file; returns the packets completed by them. */
  push(chunk: Uint8Array): CapturedPacket[] {
    if (this.stopped) return [];
    if (this.buf.length === 0) this.buf = chunk;
    else {
      const joined = new Uint8Array(this.buf.length + chunk.length);
      joined.set(this.buf);
      joined.set(chunk, this.buf.length);
      this.buf = joined;
    }
    const out: CapturedPacket[] = [];
    let at = 0;
    for (;;) {
      const used = this.step(at, out);
      if (used === 0) break;
      at += used;
      if (this.stopped) break;
    }
    this.base += at;
    this.buf = at === this.buf.length ? new Uint8Array(0) : this.buf.slice(at);
    return out;
  }

  /** The end of the file: reports what was left half read. */
  end(): CaptureProblem[] {
    if (!this.stopped && this.buf.length > 0) {
      this.fail(this.base, this.halfRead(), false);
    } else if (!this.stopped && this.format === undefined) {
      this.fail(0, 'the file is empty: it is neither pcap nor pcapng', true);
    }
    this.stopped = true;
    return this.problems;
  }

  private fail(offset: number, message: string, fatal = true): 0 {
    this.problems.push({ fatal, offset, message });
    if (fatal) this.stopped = true;
    return 0;
  }

  private halfRead(): string {
    const n = this.buf.length;
    if (this.format === undefined) return `the file is cut off after ${n} bytes, before its header ends`;
    if (this.format === 'pcap') {
      if (this.frames === 0 && this.linkType === undefined) return `the pcap global header is cut off at byte ${this.base + n}`;
      const incl = n >= 12 ? this.view(0).getUint32(8, this.little) : undefined;
      return `the last packet (frame ${this.frames + 1}, record at byte ${this.base}) is cut off: ${n} of ${incl !== undefined ? 16 + incl : 'at least 16'} bytes are there; the ${this.frames} packets before it were read`;
    }
    const type = n >= 4 ? this.view(0).getUint32(0, this.sectionLittle) : undefined;
    const total = n >= 8 ? this.view(0).getUint32(4, this.sectionLittle) : undefined;
    const what = type !== undefined ? blockName(type) : 'a block';
    return `the last ${what} at byte ${this.base} is cut off: ${n} of ${total ?? 'at least 12'} bytes are there; the ${this.frames} packets before it were read`;
  }

  private view(at: number): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset + at, this.buf.byteLength - at);
  }

  /** Parses one unit (header, record or block) at `at`; returns the bytes used, 0 when more are needed. */
  private step(at: number, out: CapturedPacket[]): number {
    const left = this.buf.length - at;
    if (this.format === undefined) {
      if (left < 4) return 0;
      const v = this.view(at);
      const be = v.getUint32(0, false);
      const le = v.getUint32(0, true);
      if (be === SHB) {
        this.format = 'pcapng';
        return this.block(at, out);
      }
      if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) {
        this.format = 'pcap';
        return this.pcapHeader(at);
      }
      return this.fail(this.base + at, `the file starts with 0x${be.toString(16).padStart(8, '0')}: it is neither pcap (a1b2c3d4) nor pcapng (0a0d0d0a)`);
    }
    if (this.format === 'pcap') return this.linkType === undefined ? this.pcapHeader(at) : this.pcapRecord(at, out);
    return this.block(at, out);
  }

  private pcapHeader(at: number): number {
    if (this.buf.length - at < 24) return 0;
    const v = this.view(at);
    const le = v.getUint32(0, true);
    this.little = le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS;
    this.nanos = (this.little ? le : v.getUint32(0, false)) === PCAP_MAGIC_NS;
    this.linkType = v.getUint32(20, this.little) & 0x0fffffff;
    return 24;
  }

  private pcapRecord(at: number, out: CapturedPacket[]): number {
    const left = this.buf.length - at;
    if (left < 16) return 0;
    const v = this.view(at);
    const incl = v.getUint32(8, this.little);
    const orig = v.getUint32(12, this.little);
    if (incl > MAX_BLOCK) return this.fail(this.base + at, `pcap record of frame ${this.frames + 1} at byte ${this.base + at} says it holds ${incl} bytes, which cannot be right`);
    if (left < 16 + incl) return 0;
    const sec = BigInt(v.getUint32(0, this.little));
    const frac = BigInt(v.getUint32(4, this.little));
    this.frames += 1;
    out.push({
      frame: this.frames,
      offset: this.base + at,
      iface: 0,
      linkType: this.linkType!,
      timestampUs: sec * 1_000_000n + (this.nanos ? frac / 1000n : frac),
      data: this.buf.subarray(at + 16, at + 16 + incl),
      originalLength: orig,
    });
    return 16 + incl;
  }

  /** One pcapng block at `at`. */
  private block(at: number, out: CapturedPacket[]): number {
    const left = this.buf.length - at;
    if (left < 12) return 0;
    const offset = this.base + at;
    let v = this.view(at);
    const typeBe = v.getUint32(0, false);
    if (typeBe === SHB) {
      const magic = v.getUint32(8, true);
      if (magic === BYTE_ORDER_MAGIC) this.sectionLittle = true;
      else if (v.getUint32(8, false) === BYTE_ORDER_MAGIC) this.sectionLittle = false;
      else return this.fail(offset, `section header block at byte ${offset} has byte-order magic 0x${v.getUint32(8, false).toString(16)}, not 1a2b3c4d`);
    }
    const little = this.sectionLittle;
    const type = v.getUint32(0, little);
    const total = v.getUint32(4, little);
    if (total < 12 || total % 4 !== 0 || total > MAX_BLOCK) {
      return this.fail(offset, `${blockName(type)} at byte ${offset} says its length is ${total}, which is not a multiple of 4 of at least 12`);
    }
    if (left < total) return 0;
    v = this.view(at);
    const trailer = v.getUint32(total - 4, little);
    if (trailer !== total) return this.fail(offset, `${blockName(type)} at byte ${offset} ends with length ${trailer}, not the ${total} it starts with`);
    const body = this.buf.subarray(at + 8, at + total - 4);
    const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
    const bad = (what: string): number => this.fail(offset, `${blockName(type)} at byte ${offset}: ${what}`);
    switch (type) {
      case SHB: {
        if (body.length < 16) return bad(`${body.length} bytes are too few for a section header`);
        this.sections += 1;
        this.ifaces = [];
        return total;
      }
      case BLOCK_IDB: {
        if (body.length < 8) return bad(`${body.length} bytes are too few for an interface description`);
        let unitsPerSecond = 1_000_000n;
        let offsetSeconds = 0n;
        const opts = this.options(body, 8, little);
        if (typeof opts === 'string') return bad(opts);
        for (const [code, value] of opts) {
          if (code === OPT_IF_TSRESOL && value.length >= 1) {
            const r = value[0]!;
            const exp = BigInt(r & 0x7f);
            if (exp > 62n) return bad(`if_tsresol ${r} is beyond any clock`);
            unitsPerSecond = r & 0x80 ? 1n << exp : 10n ** exp;
          } else if (code === OPT_IF_TSOFFSET && value.length >= 8) {
            offsetSeconds = new DataView(value.buffer, value.byteOffset, 8).getBigInt64(0, little);
          }
        }
        this.ifaces.push({ linkType: bv.getUint16(0, little), snaplen: bv.getUint32(4, little), unitsPerSecond, offsetSeconds });
        return total;
      }
      case BLOCK_EPB:
      case BLOCK_OPB: {
        if (body.length < 20) return bad(`${body.length} bytes are too few for a packet block`);
        const id = type === BLOCK_EPB ? bv.getUint32(0, little) : bv.getUint16(0, little);
        const iface = this.ifaces[id];
        if (!iface) return bad(`it names interface ${id}, but this section describes ${this.ifaces.length}`);
        const tsHigh = BigInt(bv.getUint32(4, little));
        const tsLow = BigInt(bv.getUint32(8, little));
        const caplen = bv.getUint32(12, little);
        const orig = bv.getUint32(16, little);
        if (20 + caplen > body.length) return bad(`it says ${caplen} captured bytes, but only ${body.length - 20} follow`);
        const opts = this.options(body, 20 + pad4(caplen), little);
        if (typeof opts === 'string') return bad(opts);
        const comments = opts.filter(([c]) => c === OPT_COMMENT).map(([, val]) => new TextDecoder().decode(val));
        this.emit(out, offset, id, iface, (tsHigh << 32n) | tsLow, body.subarray(20, 20 + caplen), orig, comments);
        return total;
      }
      case BLOCK_SPB: {
        if (body.length < 4) return bad(`${body.length} bytes are too few for a simple packet block`);
        const iface = this.ifaces[0];
        if (!iface) return bad('a simple packet block needs interface 0, and this section describes none');
        const orig = bv.getUint32(0, little);
        const caplen = Math.min(orig, iface.snaplen || orig, body.length - 4);
        // Simple packet blocks carry no timestamp.
        this.emit(out, offset, 0, iface, undefined, body.subarray(4, 4 + caplen), orig, []);
        return total;
      }
      default:
        if (this.sections === 0) return bad('the file must start with a section header block');
        return total;
    }
  }

  private emit(out: CapturedPacket[], offset: number, id: number, iface: Iface, ts: bigint | undefined, data: Uint8Array, orig: number, comments: string[]): void {
    this.frames += 1;
    const us = ts === undefined ? 0n : (ts * 1_000_000n) / iface.unitsPerSecond + iface.offsetSeconds * 1_000_000n;
    out.push({ frame: this.frames, offset, iface: id, linkType: iface.linkType, timestampUs: us, data, originalLength: orig, ...(comments.length ? { comment: comments.join('\n') } : {}) });
  }

  /** The options from `from` to the end of `body`, or what is wrong with them. */
  private options(body: Uint8Array, from: number, little: boolean): Array<[number, Uint8Array]> | string {
    const out: Array<[number, Uint8Array]> = [];
    const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
    let at = from;
    while (at + 4 <= body.length) {
      const code = v.getUint16(at, little);
      const len = v.getUint16(at + 2, little);
      if (code === OPT_END) break;
      if (at + 4 + len > body.length) return `option ${code} at block byte ${at + 8} runs ${at + 4 + len - body.length} bytes past the block`;
      out.push([code, body.subarray(at + 4, at + 4 + len)]);
      at += 4 + pad4(len);
    }
    return out;
  }
}

const pad4 = (n: number): number => (n + 3) & ~3;

/** Reads a whole capture held in memory (tests, small files): its packets and problems. */
export function readCaptureBytes(bytes: Uint8Array): { format: CaptureFormat | undefined; packets: CapturedPacket[]; problems: CaptureProblem[] } {
  const r = new CaptureReader();
  const packets = r.push(bytes);
  const problems = r.end();
  return { format: r.format, packets, problems };
}
