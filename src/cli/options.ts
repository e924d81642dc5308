/** Parsers for command-line values: each throws InvalidArgumentError with a sentence. */
import { InvalidArgumentError } from 'commander';
import { parseIpv4Address } from '../wire/ipv4.js';
import { canonicalIpv6, parseIpv6Address } from '../wire/ipv6.js';
import { parseShard, type Shard } from '../suite/discover.js';

/** An integer in [min, max]. */
export function intOption(name: string, min: number, max: number): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}, got '${v}'.`);
    return Number(v);
  };
}

/** A dotted-quad IPv4 address, or an IPv6 address (given in any form, returned in RFC 5952 form). */
export function ipOption(v: string): string {
  if (parseIpv4Address(v)) return v;
  if (parseIpv6Address(v)) return canonicalIpv6(v);
  throw new InvalidArgumentError(`'${v}' is not an IPv4 or IPv6 address.`);
}

/** `--iface NAME`: a network interface name as Linux allows it (not '.', '..', nor a path). */
export function ifaceOption(v: string): string {
  if (!/^(?!\.{1,2}$)(?!-)[A-Za-z0-9_.@:-]{1,15}$/.test(v)) throw new InvalidArgumentError(`'${v}' is not an interface name: 1 to 15 letters, digits or . _ - @ : (see 'ip link').`);
  return v;
}

/** `--family 4|6`. */
export function familyOption(v: string): 4 | 6 {
  if (v !== '4' && v !== '6') throw new InvalidArgumentError(`--family takes 4 or 6, got '${v}'.`);
  return v === '4' ? 4 : 6;
}

/** Sequence numbers: any u32. */
export const isnOption = intOption('an ISN', 0, 0xffff_ffff);
/** TCP ports. */
export const portOption = intOption('a port', 1, 65535);

/** `--shard i/n`. */
export function shardOption(v: string): Shard {
  try {
    return parseShard(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
