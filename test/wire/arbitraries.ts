/** fast-check generators for packet specs, shared by property.test.ts and tshark.test.ts. */
import fc from 'fast-check';
import { OPTION_KIND_LIST, optionsLength, type Ipv4Spec, type PacketSpec, type TcpOption, type TcpSpec } from '../../src/wire/index.js';

export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u8 = fc.integer({ min: 0, max: 0xff });

export const ipv4Address = fc.tuple(u8, u8, u8, u8).map((p) => p.join('.'));

/** Option kinds the codec decodes (src/wire/options.ts): an `unknown` with one of these codes would not stay unknown. */
const DECODED_CODES = new Set(OPTION_KIND_LIST.map((d) => d.code));

/** One option value. `unknown` only with codes tcpcraft does not decode (so it stays unknown). */
export function optionArb(opts: { unknown: boolean; maxShift: number }): fc.Arbitrary<TcpOption> {
  const known: fc.Arbitrary<TcpOption>[] = [
    fc.constant<TcpOption>({ kind: 'nop' }),
    u16.map((value): TcpOption => ({ kind: 'mss', value })),
    fc.integer({ min: 0, max: opts.maxShift }).map((shift): TcpOption => ({ kind: 'wscale', shift })),
    fc.constant<TcpOption>({ kind: 'sackOk' }),
    fc.array(fc.tuple(u32, u32), { minLength: 1, maxLength: 4 }).map((blocks): TcpOption => ({ kind: 'sack', blocks })),
    fc.tuple(u32, u32).map(([tsval, tsecr]): TcpOption => ({ kind: 'timestamp', tsval, tsecr })),
    // RFC 7413: a cookie request (no cookie) or a cookie of 4 to 16 bytes.
    fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 4, maxLength: 16 })).map((cookie): TcpOption => ({ kind: 'fastOpen', cookie })),
  ];
  if (opts.unknown) {
    known.push(
      fc
        .record({ code: fc.integer({ min: 2, max: 255 }).filter((c) => !DECODED_CODES.has(c)), data: fc.uint8Array({ maxLength: 8 }) })
        .map(({ code, data }): TcpOption => ({ kind: 'unknown', code, data })),
    );
  }
  return fc.oneof(...known);
}

/** A list of options that fits the 40-byte option area. */
export function optionListArb(opts: { unknown: boolean; maxShift: number }): fc.Arbitrary<TcpOption[]> {
  return fc.array(optionArb(opts), { maxLength: 8 }).filter((l) => optionsLength(l) <= 40);
}

/** Options as parsed back from an emitted list: zero padding decodes as one trailing EOL. */
export function expectedParsedOptions(list: readonly TcpOption[]): TcpOption[] {
  return optionsLength(list) % 4 === 0 ? [...list] : [...list, { kind: 'eol' }];
}

export interface PacketArbOptions {
  /** Allow unknown option kinds. */
  readonly unknown: boolean;
  /** Largest window scale shift. */
  readonly maxShift: number;
  /** Set the 3 TCP reserved bits and the IPv4 reserved flag at random. */
  readonly reservedBits: boolean;
  readonly ports?: fc.Arbitrary<number>;
}

/** A well-formed packet spec (every derived field automatic, fragment offset 0, IPv4 options a multiple of 4). */
export function packetSpecArb(o: PacketArbOptions): fc.Arbitrary<PacketSpec> {
  const ports = o.ports ?? u16;
  const ip: fc.Arbitrary<Ipv4Spec> = fc.record({
    src: ipv4Address,
    dst: ipv4Address,
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    id: u16,
    flags: o.reservedBits ? fc.integer({ min: 0, max: 7 }) : fc.constantFrom(0, 2),
    ttl: u8,
    options: o.reservedBits ? fc.constantFrom(new Uint8Array(0), Uint8Array.of(1, 1, 1, 0)) : fc.constant(new Uint8Array(0)),
  });
  const tcp: fc.Arbitrary<TcpSpec> = fc.record({
    srcPort: ports,
    dstPort: ports,
    seq: u32,
    ack: u32,
    flags: fc.integer({ min: 0, max: 0x1ff }),
    window: u16,
    urgent: u16,
    reserved: o.reservedBits ? fc.integer({ min: 0, max: 7 }) : fc.constant(0),
    options: optionListArb(o),
  });
  return fc.record({ ip, tcp, payload: fc.uint8Array({ maxLength: 64 }) });
}
