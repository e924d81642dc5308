/**
 * The one round-trip helper for the wire codec tests:
 * - {@link assertBytesRoundTrip}: parse then re-emit gives the same bytes;
 * - {@link assertValueRoundTrip}: emit then parse gives the same value.
 * Plus {@link packetSpecOf}, the spec that re-emits a parsed packet byte for byte (every derived
 * field as an explicit number, options as the raw option area).
 */
import type { Ipv4Header } from '../../src/wire/ipv4.js';
import { expect } from 'chai';
import { isIpv6Header, type Packet, type PacketSpec, type Parsed } from '../../src/wire/index.js';

/** Hex of `bytes`, for readable failure messages. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes from a hex string (whitespace ignored). */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`not hex: ${text}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** Unwraps a successful parse, failing the test with the error sentence otherwise. */
export function expectOk<T>(result: Parsed<T>, what = 'parse'): T {
  if (!result.ok) expect.fail(`${what} failed: ${result.error.message}`);
  return result.value;
}

/**
 * Parse then re-emit gives the same bytes. Returns the parsed value.
 * `emit` receives the parsed value and must build bytes from it alone.
 */
export function assertBytesRoundTrip<T>(bytes: Uint8Array, parse: (b: Uint8Array) => Parsed<T>, emit: (v: T) => Uint8Array): T {
  const value = expectOk(parse(bytes), 'round trip parse');
  const again = emit(value);
  expect(hex(again), 'parse then re-emit').to.equal(hex(bytes));
  return value;
}

/**
 * Emit then parse gives the same value (compared with `project` applied to both sides when the
 * parsed form carries more than the spec, e.g. raw bytes beside decoded options). Returns the bytes.
 */
export function assertValueRoundTrip<V, T>(
  value: V,
  emit: (v: V) => Uint8Array,
  parse: (b: Uint8Array) => Parsed<T>,
  project: (parsed: T) => unknown = (p) => p,
  expected: unknown = value,
): Uint8Array {
  const bytes = emit(value);
  const parsed = expectOk(parse(bytes), `parse of ${hex(bytes)}`);
  expect(project(parsed), `emit then parse (${hex(bytes)})`).to.deep.equal(expected);
  return bytes;
}

/** The spec that rebuilds `p` exactly: derived fields as the numbers seen, options as raw bytes. */
export function packetSpecOf(p: Packet): PacketSpec {
  const v6 = p.ip;
  const ip: PacketSpec['ip'] = isIpv6Header(v6)
    ? {
        src: v6.src,
        dst: v6.dst,
        version: v6.version,
        trafficClass: v6.trafficClass,
        flowLabel: v6.flowLabel,
        payloadLength: v6.payloadLength,
        nextHeader: v6.nextHeader,
        hopLimit: v6.hopLimit,
        protocol: v6.protocol,
        extensions: v6.extensions.map((e) => ({ type: e.type, nextHeader: e.nextHeader, length: e.bytes[1]!, data: e.bytes.subarray(2) })),
      }
    : ipv4SpecOf(p.ip as Ipv4Header);
  return { ip, ...tcpAndPayloadOf(p) };
}

function ipv4SpecOf(ip4: Ipv4Header): PacketSpec['ip'] {
  return {
    src: ip4.src,
    dst: ip4.dst,
    version: ip4.version,
    ihl: ip4.ihl,
    dscp: ip4.dscp,
    ecn: ip4.ecn,
    totalLength: ip4.totalLength,
    id: ip4.id,
    flags: ip4.flags,
    fragmentOffset: ip4.fragmentOffset,
    ttl: ip4.ttl,
    protocol: ip4.protocol,
    checksum: ip4.checksum,
    options: ip4.options,
  };
}

function tcpAndPayloadOf(p: Packet): Omit<PacketSpec, 'ip'> {
  return {
    tcp: {
      srcPort: p.tcp.srcPort,
      dstPort: p.tcp.dstPort,
      seq: p.tcp.seq,
      ack: p.tcp.ack,
      flags: p.tcp.flags,
      window: p.tcp.window,
      urgent: p.tcp.urgent,
      reserved: p.tcp.reserved,
      options: p.tcp.optionBytes,
      dataOffset: p.tcp.dataOffset,
      checksum: p.tcp.checksum,
    },
    payload: p.payload,
  };
}

/** Object.freeze, all the way down (typed arrays cannot be frozen and are left as they are). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
