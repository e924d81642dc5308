/**
 * Facts about a scenario that every layer reads: the defaults of the language and the helpers that
 * say which connection a step is on and what bytes a payload is. Declared once here; the validator
 * only validates, the engine and the reports only read.
 */
import type { AppCall, Payload, Scenario, Step } from './types.js';

/** The connection steps use when they name none. */
export const MAIN_CONN = 'main';

/** Window of sent segments when neither the step nor the scenario sets one (and of the model peer): the codec's default. */
export { DEFAULT_WINDOW } from '../wire/tcp.js';

/** Wait for each expected segment when neither the step, the scenario nor the command line says. */
export const DEFAULT_TIMEOUT_MS = 3000;

/** The connection a step is on. */
export function connOf(step: Step): string {
  if (step.kind === 'pause' || step.kind === 'appWait') return MAIN_CONN;
  if (step.kind === 'app') return step.checks?.conn ?? MAIN_CONN;
  if (step.kind === 'silence' || step.kind === 'drain' || step.kind === 'icmp') return step.conn ?? MAIN_CONN;
  if (step.kind === 'either') return step.alternatives[0]?.fields.conn ?? MAIN_CONN;
  if (step.kind === 'anyOrder') return step.items[0]?.fields.conn ?? MAIN_CONN;
  return step.fields.conn ?? MAIN_CONN;
}

/** Encoded bytes of a payload (UTF-8 for text). */
export function payloadBytes(payload: Payload | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
}

/** A validated scenario in which tcpcraft sends the SYN: the peer's address and port are known. */
export type ClientScenario = Scenario & { readonly role?: 'client'; readonly peer: { readonly host: string; readonly port: number } };

/** A validated scenario in which tcpcraft answers a SYN: our port is known. */
export type ServerScenario = Scenario & { readonly role: 'server'; readonly local: { readonly host?: string; readonly port: number } };

/** What validation returns: a scenario whose role says which of its addresses are known (`sc.role === 'server'` narrows it). */
export type ValidScenario = ClientScenario | ServerScenario;

/** True for a server-role scenario. */
export function isServer(sc: Scenario): sc is ServerScenario {
  return sc.role === 'server';
}

/** A call in a few words, as a trace line shows it: `write 1000`, `setsockopt TCP_NODELAY 1`, `shutdown wr`. */
export function appCallText(c: AppCall): string {
  const flags = (o: { more?: boolean; oob?: boolean; peek?: boolean }): string => (o.more ? ' MSG_MORE' : '') + (o.oob ? ' MSG_OOB' : '') + (o.peek ? ' MSG_PEEK' : '');
  switch (c.call) {
    case 'listen':
      return c.backlog !== undefined ? `listen backlog ${c.backlog}` : 'listen';
    case 'write':
      return `write ${typeof c.data === 'number' ? c.data : payloadBytes(c.data).length}${typeof c.data === 'number' ? '' : ' given bytes'}${flags(c)}`;
    case 'read':
      return `read ${c.n}${flags(c)}`;
    case 'shutdown':
      return `shutdown ${c.how}`;
    case 'setsockopt':
      return `setsockopt ${c.name} ${c.value}`;
    case 'getsockopt':
      return `getsockopt ${c.name}`;
    case 'nonblock':
      return `nonblock ${c.on ? 'on' : 'off'}`;
    default:
      return c.call;
  }
}
