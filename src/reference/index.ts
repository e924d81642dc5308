/**
 * The RFC reference stack (issue 25): a TCP written from RFC 9293, RFC 5961 and RFC 6298, with the
 * lab's services and the puppet application on it, as a peer of the memory device. No I/O: it
 * sees the IP packets a run sends and answers on the run's (virtual) clock.
 */
import { memoryDevice, VirtualClock, type MemoryDevice, type MemoryPeer, type PeerIo } from '../engine/device.js';
import type { AppChannel } from '../engine/app.js';
import type { FlowSpec } from '../engine/flow.js';
import type { Clock } from '../engine/queue.js';
import { ReferencePuppet } from './puppet.js';
import { startServices, type Services } from './services.js';
import { referenceSettings, type ReferenceSettings } from './settings.js';
import { ReferenceStack } from './stack.js';

export { DEFAULT_SETTINGS, referenceSettings, type ReferenceSettings } from './settings.js';
export { ReferenceStack, type Listener, type ListenOptions } from './stack.js';
export { Tcb, acceptable, segLen, type TcpState, type Segment, type OutSegment } from './tcb.js';
export { ConnectionOptions, MAX_WINDOW_SHIFT, receiveShift, timestampOffset } from './options.js';
export { chargenBytes, daytimeText, startServices, CHARGEN_BYTES, type Services } from './services.js';
export { ReferencePuppet } from './puppet.js';
export type { CongestionEvent } from './trace.js';
export { startLabApps, LAB_APP_PORTS, STALL_RCVBUF } from './apps.js';
export { ConnExtras } from './extras.js';
export { decorate, type IpOut } from './outgoing.js';
export { EcnState, ECN_CE, ECN_ECT0, ECN_NOT_ECT } from './ecn.js';
export { fastOpenCookie, fastOpenSyn } from './fastopen.js';
export { returnRoute, type ReturnRoute } from './sourceroute.js';
export { urgentEnd, urgentFields, urgentOctet, urgentSignalled } from './urgent.js';

/** A reference stack as a memory peer, with its application. */
export interface ReferencePeer {
  /** Give it to memoryDevice (with `clock`). */
  readonly peer: MemoryPeer;
  /** The puppet application on the stack, for app() steps. */
  readonly app: AppChannel;
  readonly clock: Clock;
  readonly stack: ReferenceStack;
  readonly services: Services;
  /** Where the stack's packets go when it speaks before it was spoken to (default: the first peer call's io). */
  attach(send: (packet: Uint8Array) => void): void;
}

/** A reference stack with the lab's services, on `clock` (default a new auto-advancing VirtualClock). */
export function referencePeer(o: { readonly settings?: Partial<ReferenceSettings>; readonly clock?: Clock } = {}): ReferencePeer {
  const clock = o.clock ?? new VirtualClock();
  let out: ((packet: Uint8Array) => void) | undefined;
  const held: Uint8Array[] = [];
  const stack = new ReferenceStack(clock, (p) => (out ? out(p) : held.push(p)), referenceSettings(o.settings));
  const services = startServices(stack);
  const attach = (send: (packet: Uint8Array) => void): void => {
    out = send;
    for (const p of held.splice(0)) send(p);
  };
  const peer: MemoryPeer = (packet: Uint8Array, io: PeerIo) => {
    if (!out) attach((p) => io.emit(p));
    stack.input(packet);
  };
  return { peer, app: new ReferencePuppet(stack, clock), clock, stack, services, attach };
}

/** A memory device for `flows` whose other end is a reference stack; its `app` is the stack's puppet. */
export function referenceDevice(flows: readonly FlowSpec[], o: { readonly settings?: Partial<ReferenceSettings>; readonly clock?: Clock } = {}): MemoryDevice & { readonly reference: ReferencePeer } {
  const ref = referencePeer(o);
  const device = memoryDevice(flows, ref.peer, { clock: ref.clock });
  ref.attach((p) => device.deliver(p));
  // Once the run is over its stack's timers stop too (a mutant may retransmit forever).
  const close = device.close.bind(device);
  const halt = ref.clock instanceof VirtualClock && o.clock === undefined ? (): void => (ref.clock as VirtualClock).halt() : (): void => undefined;
  return Object.assign(device, {
    app: ref.app,
    reference: ref,
    async close() {
      halt();
      await close();
    },
  });
}
