/**
 * The flood transmitter and the flood's safety checks.
 *
 * Floods send with the raw sender's synchronous `trySend` (src/io/sender.ts); EAGAIN/ENOBUFS is
 * reported as "would block" so the loop yields and retries instead of dropping.
 */
import { familyOf } from '../wire/family.js';
import { canonicalIpv6 } from '../wire/ipv6.js';
import { EnvError, UsageError } from '../errors.js';
import { run } from './exec.js';
import { openLinkSender } from './link.js';
import { inInitialNetns } from './route.js';
import { sandboxSender } from './sandbox.js';
import { openSender, type Sender } from './sender.js';

/** What floods send on: synchronous and non-blocking (false: would block, try again). */
export interface FloodSender {
  trySend(packet: Uint8Array): boolean;
  close(): void;
}

/**
 * Opens the flood's sender towards `dst`: the raw socket (IP_HDRINCL), or with `linkLayer` whole
 * frames injected through libpcap on that interface (src/io/link.ts). Needs root / CAP_NET_RAW.
 */
export async function openFloodSender(dst: string, linkLayer?: { readonly iface: string }): Promise<FloodSender> {
  if (linkLayer) {
    const link = await openLinkSender({ iface: linkLayer.iface, peerIp: dst });
    return { trySend: (p) => link.trySend(p), close: () => link.close() };
  }
  let sender: Sender;
  try {
    sender = sandboxSender() ?? openSender();
  } catch (err) {
    if (err instanceof EnvError && /root or CAP_NET_RAW/.test(err.message)) {
      throw new EnvError('tcpcraft flood needs root or CAP_NET_RAW: run it with sudo, in the lab.', { cause: err });
    }
    throw err;
  }
  return { trySend: (p) => sender.trySend(p, dst), close: () => sender.close() };
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(ip: string): boolean {
  return (familyOf(ip) === 4 && ip.startsWith('127.')) || (familyOf(ip) === 6 && canonicalIpv6(ip) === '::1');
}

/**
 * Refuses a flood that could leave the lab: the destination must be loopback, or we must be in a
 * network namespace other than PID 1's (e.g. `tcpcraft lab exec client -- ...`) that has no
 * default route, with the destination on-link (no gateway).
 */
export async function checkLabOnly(dst: string): Promise<void> {
  if (familyOf(dst) === undefined) throw new UsageError(`flood destination '${dst}' is not an IPv4 or IPv6 address.`);
  if (isLoopback(dst)) return;
  if (inInitialNetns()) {
    throw new EnvError(`tcpcraft flood is for the lab only: refusing to flood ${dst} from the machine's own network namespace. Run it inside the lab: 'tcpcraft lab exec client -- tcpcraft flood ...' (or flood 127.0.0.1).`);
  }
  // No default route of either family.
  const def = await run('ip', ['-j', 'route', 'show', 'default'], { pkg: 'iproute2' });
  const def6 = await run('ip', ['-j', '-6', 'route', 'show', 'default'], { pkg: 'iproute2' });
  const hasDefault = (r: { code: number; stdout: string }): boolean => r.code === 0 && r.stdout.trim() !== '' && r.stdout.trim() !== '[]';
  if (hasDefault(def) || hasDefault(def6)) {
    throw new EnvError(`tcpcraft flood is for the lab only: this network namespace has a default route, so packets could leave the machine. Run it inside the lab ('tcpcraft lab exec client -- tcpcraft flood ...'), which has none, or flood 127.0.0.1.`);
  }
  const r = await run('ip', ['-j', 'route', 'get', dst], { pkg: 'iproute2' });
  if (r.code !== 0) throw new EnvError(`no route to ${dst} in this namespace (${r.stderr.trim()}).`);
  if (/"gateway"/.test(r.stdout)) throw new EnvError(`tcpcraft flood is for the lab only: ${dst} is reached through a gateway, not directly on a lab link.`);
}
