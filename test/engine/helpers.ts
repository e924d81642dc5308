/** Shared test helpers: the seed flow and packets/views built from header values. */
import { buildPacket, parsePacket, type Packet } from '../../src/wire/packet.js';
import type { TcpOption } from '../../src/wire/options.js';
import type { Flow, Direction } from '../../src/engine/flow.js';
import type { Isns } from '../../src/engine/numbering.js';
import { viewOf, type SegmentView } from '../../src/engine/state.js';

/** The netcat seed's 4-tuple. */
export const SEED_FLOW: Flow = { localIp: '10.77.0.1', localPort: 24491, peerIp: '10.77.0.2', peerPort: 5000 };
export const SEED_ISN = 4126488336;
export const SEED_PEER_ISN = 547479085;

/** Header values of one segment on `SEED_FLOW` (raw numbers). */
export interface Seg {
  dir: Direction;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: Uint8Array | string;
  options?: TcpOption[];
  flow?: Flow;
}

/** The IPv4 bytes of `s`. */
export function bytesOf(s: Seg): Uint8Array {
  const flow = s.flow ?? SEED_FLOW;
  const out = s.dir === 'out';
  return buildPacket({
    ip: { src: out ? flow.localIp : flow.peerIp, dst: out ? flow.peerIp : flow.localIp },
    tcp: {
      srcPort: out ? flow.localPort : flow.peerPort,
      dstPort: out ? flow.peerPort : flow.localPort,
      seq: s.seq,
      ack: s.ack ?? 0,
      flags: s.flags,
      window: s.window ?? 65535,
      options: s.options ?? [],
    },
    payload: typeof s.payload === 'string' ? new TextEncoder().encode(s.payload) : (s.payload ?? new Uint8Array(0)),
  });
}

/** `s` decoded. */
export function packetOf(s: Seg): Packet {
  const r = parsePacket(bytesOf(s));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** `s` as the engine sees it, given what is known of the ISNs. */
export function viewFor(s: Seg, isns: Isns, t = 0n): SegmentView {
  return viewOf(packetOf(s), s.dir, isns, t);
}
