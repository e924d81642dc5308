/**
 * The segment-by-segment harness the reference tests share: a reference stack with the lab's
 * services on a VirtualClock moved by hand, segments built with the wire codec and handed to it,
 * and every packet it sends decoded and kept. Each test file adds its own `open()`.
 */
import { VirtualClock } from '../../src/engine/device.js';
import { ReferenceStack, referenceSettings, startServices, type ReferenceSettings, type Tcb } from '../../src/reference/index.js';
import { buildPacket, parsePacket, type Packet } from '../../src/wire/packet.js';
import type { TcpOption } from '../../src/wire/options.js';
import { Flag, flagLetters } from '../../src/wire/tcp.js';
import { seqAdd } from '../../src/wire/seq.js';
import { expect } from 'chai';

export const ADDR = { 4: { me: '10.77.0.1', ref: '10.77.0.2' }, 6: { me: 'fd77::1', ref: 'fd77::2' } } as const;
export const SPORT = 40000;
export const ISN = 1000;

/** A segment to send: a text payload or that many bytes of 'x', options, and IP-level details. */
export interface SendOpts {
  payload?: string | number;
  options?: TcpOption[];
  window?: number;
  urgent?: number;
  /** The IP ECN field. */
  ecn?: number;
  ipOptions?: Uint8Array;
  /** Our source address (default: the family's lab client address). */
  src?: string;
  sport?: number;
}

export class StackHarness {
  readonly clock = new VirtualClock(1_700_000_000_000_000n, false);
  readonly out: Packet[] = [];
  readonly stack: ReferenceStack;

  constructor(
    settings: Partial<ReferenceSettings> = {},
    readonly family: 4 | 6 = 4,
  ) {
    this.stack = new ReferenceStack(
      this.clock,
      (b) => {
        const p = parsePacket(b);
        if (!p.ok) throw new Error('the stack sent an unreadable packet');
        this.out.push(p.value);
      },
      referenceSettings(settings),
    );
    startServices(this.stack);
  }

  get me(): string {
    return ADDR[this.family].me;
  }

  get ref(): string {
    return ADDR[this.family].ref;
  }

  /** Sends a segment to `port`; returns what the stack sent in answer. */
  send(port: number, flags: number, seq: number, ack = 0, o: SendOpts = {}): Packet[] {
    const payload = typeof o.payload === 'number' ? new Uint8Array(o.payload).fill(120) : o.payload ? new TextEncoder().encode(o.payload) : undefined;
    const v4 = this.family === 4;
    return this.input(
      buildPacket({
        ip: { src: o.src ?? this.me, dst: this.ref, ...(v4 ? { ecn: o.ecn ?? 0, ...(o.ipOptions ? { options: o.ipOptions } : {}) } : o.ecn ? { trafficClass: o.ecn } : {}) },
        tcp: { srcPort: o.sport ?? SPORT, dstPort: port, seq: seq >>> 0, ack: ack >>> 0, flags, window: o.window ?? 65535, urgent: o.urgent ?? 0, ...(o.options ? { options: o.options } : {}) },
        ...(payload ? { payload } : {}),
      }),
    );
  }

  /** Hands the stack an IP packet; returns what it sent in answer. */
  input(bytes: Uint8Array): Packet[] {
    const before = this.out.length;
    this.stack.input(bytes);
    return this.out.slice(before);
  }

  /** What the stack sends while time moves `ms`. */
  after(ms: number): Packet[] {
    const before = this.out.length;
    this.clock.advance(ms);
    return this.out.slice(before);
  }

  /** The stack's connection on `port` with us at `sport` (from `src`). */
  tcb(port: number, sport = SPORT, src = this.me): Tcb | undefined {
    return this.stack.find(this.ref, port, src, sport);
  }
}

/**
 * A handshake with `h`'s stack on `port`: our SYN with `options` (and `window`), its SYN/ACK, our
 * ACK with `ackOptions(synAck)`; checks that the connection is synchronized and returns the SYN/ACK.
 */
export function handshake(h: StackHarness, port: number, options: TcpOption[] = [], ackOptions: (sa: Packet) => TcpOption[] = () => [], window = 65535): Packet {
  const [sa] = h.send(port, Flag.SYN, ISN, 0, { options, window });
  expect(flagLetters(sa!.tcp.flags)).to.equal('SA');
  h.send(port, Flag.ACK, ISN + 1, seqAdd(sa!.tcp.seq, 1), { options: ackOptions(sa!), window });
  expect(h.tcb(port)?.synchronized).to.equal(true);
  return sa!;
}
