/**
 * Flood templates: one IPv4/TCP packet built once, then varied per packet (source port and/or
 * sequence number) by patching those bytes and recomputing the TCP checksum with the wire
 * codec's single checksum module. Pure: no I/O here.
 */
import { tcpChecksum } from '../wire/checksum.js';
import { buildPacket, type PacketSpec, ipHeaderBytes, parsePacket } from '../wire/packet.js';
import { TcpField, parseFlagLetters } from '../wire/tcp.js';
import { familyOf } from '../wire/family.js';
import { canonicalIpv6 } from '../wire/ipv6.js';
import { UsageError } from '../errors.js';

/** Which fields change from one packet to the next. */
export interface Vary {
  /** Source port cycles through 1024..65535 starting at the template's. */
  readonly sport: boolean;
  /** Sequence number advances by one per packet (mod 2^32). */
  readonly seq: boolean;
}

/** A parsed segment spec (`FLAGS@HOST:PORT`, e.g. `S@10.77.0.2:9`). */
export interface SegmentSpecText {
  readonly flags: number;
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `FLAGS@HOST:PORT` (flags in tcpdump letters, e.g. `S`, `SA`, `PA`; `.` or `A` for ACK).
 * Returns undefined when the text is not of that shape; throws a UsageError with a sentence when it
 * is but a part is wrong.
 */
export function parseSegmentSpec(text: string): SegmentSpecText | undefined {
  // FLAGS@10.77.0.2:9 or FLAGS@[fd77::2]:9
  const m = /^([A-Za-z.]*)@(?:([0-9.]+)|\[([0-9A-Fa-f:.]+)\]):(\d+)$/.exec(text);
  if (!m) return undefined;
  const flags = parseFlagLetters(m[1]!.toUpperCase());
  if (!flags.ok) throw new UsageError(`segment spec '${text}': ${flags.message}`);
  const host = m[2] ?? canonicalIpv6(m[3]!);
  if (familyOf(host) !== (m[2] !== undefined ? 4 : 6)) throw new UsageError(`segment spec '${text}': '${m[2] ?? m[3]}' is not an IPv${m[2] !== undefined ? 4 : 6} address`);
  const port = Number(m[4]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`segment spec '${text}': port ${m[4]} is not 1..65535`);
  return { flags: flags.flags, host, port };
}

/** A packet template and how to produce packet number i from it. */
export class FloodTemplate {
  /** The bytes of the packet being prepared; reused, so send it before calling {@link next} again. */
  readonly bytes: Uint8Array;
  private readonly ipLength: number;
  private readonly baseSport: number;
  private readonly baseSeq: number;
  private readonly view: DataView;

  /** Builds the template once from `spec`; `vary` says which fields change per packet. */
  constructor(spec: PacketSpec, readonly vary: Vary) {
    this.bytes = buildPacket(spec);
    // Where TCP starts: after the IPv4 header (IHL), or the IPv6 header and its extensions.
    const parsed = parsePacket(this.bytes);
    this.ipLength = parsed.ok ? ipHeaderBytes(parsed.value.ip) : (this.bytes[0]! & 0x0f) * 4;
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.baseSport = spec.tcp.srcPort;
    this.baseSeq = spec.tcp.seq >>> 0;
  }

  /** Prepares packet number `i` (0-based) in {@link bytes} and returns it. */
  next(i: number): Uint8Array {
    if (!this.vary.sport && !this.vary.seq) return this.bytes;
    const at = this.ipLength;
    if (this.vary.sport) this.view.setUint16(at + TcpField.SRC_PORT, 1024 + ((this.baseSport - 1024 + i) % 64512 + 64512) % 64512);
    if (this.vary.seq) this.view.setUint32(at + TcpField.SEQ, (this.baseSeq + i) >>> 0);
    this.view.setUint16(at + TcpField.CHECKSUM, tcpChecksum(this.bytes, at));
    return this.bytes;
  }
}
