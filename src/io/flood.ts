/**
 * The flood transmitter and the flood's safety checks.
 *
 * The normal sender (sender.ts) queues each packet behind a libuv poll wake-up: right for a
 * scenario, a bottleneck for a flood. Here the addon's synchronous `sendto` on its non-blocking
 * raw socket is called directly; EAGAIN/ENOBUFS is reported as "would block" so the loop yields
 * and retries instead of dropping.
 */
import { readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4 } from 'node:net';
import { EnvError, messageOf } from './errors.js';
import { run } from './exec.js';

interface RawWrap {
  send(buf: Buffer, offset: number, length: number, address: string, cb: (bytes: number) => void): void;
}
interface RawSocket {
  wrap: RawWrap;
  setOption(level: number, option: number, value: number): void;
  pauseRecv(): void;
  close(): void;
  on(ev: 'error', cb: (err: Error) => void): void;
}
interface RawSocketModule {
  createSocket(opts: { protocol: number; addressFamily?: number; bufferSize?: number }): RawSocket;
  Protocol: { TCP: number };
  AddressFamily: { IPv4: number };
  SocketLevel: { IPPROTO_IP: number };
  SocketOption: { IP_HDRINCL: number };
}

/** A raw IPv4 socket for floods: synchronous, non-blocking sends. */
export interface FloodSender {
  /** Send one IPv4 packet to `dst`: true when the kernel took it, false when it would block. Throws on any other error. */
  trySend(packet: Uint8Array, dst: string): boolean;
  close(): void;
}

const WOULD_BLOCK = /temporarily unavailable|EAGAIN|EWOULDBLOCK|No buffer space|ENOBUFS/i;

/** Opens a raw socket (IP_HDRINCL) for {@link FloodSender.trySend}. Needs root / CAP_NET_RAW. */
export function openFloodSender(): FloodSender {
  let raw: RawSocketModule;
  try {
    raw = createRequire(import.meta.url)('raw-socket') as RawSocketModule;
  } catch (err) {
    throw new EnvError(`the raw-socket native module could not be loaded (${messageOf(err)}): run 'make setup'.`, { cause: err });
  }
  let sock: RawSocket;
  try {
    sock = raw.createSocket({ protocol: raw.Protocol.TCP, addressFamily: raw.AddressFamily.IPv4, bufferSize: 256 });
    sock.on('error', () => undefined);
    sock.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_HDRINCL, 1);
    sock.pauseRecv();
  } catch (err) {
    const msg = messageOf(err);
    if (/not permitted|EPERM|EACCES|permission denied/i.test(msg)) throw new EnvError('tcpcraft flood needs root or CAP_NET_RAW: run it with sudo, in the lab.', { cause: err });
    throw new EnvError(`could not open a raw socket (${msg}).`, { cause: err });
  }
  const wrap = sock.wrap;
  const noop = (): void => undefined;
  let closed = false;
  // A flood sends the same (patched) template again and again: wrap it in a Buffer once.
  let lastPacket: Uint8Array | undefined;
  let lastBuf: Buffer = Buffer.alloc(0);
  return {
    trySend(packet, dst) {
      if (closed) throw new Error('the flood socket is closed');
      if (packet !== lastPacket) {
        lastPacket = packet;
        lastBuf = Buffer.isBuffer(packet) ? packet : Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
      }
      const buf = lastBuf;
      try {
        wrap.send(buf, 0, buf.length, dst, noop);
        return true;
      } catch (err) {
        if (WOULD_BLOCK.test(messageOf(err))) return false;
        throw new Error(`sending to ${dst} failed: ${messageOf(err)}`, { cause: err });
      }
    },
    close() {
      if (closed) return;
      closed = true;
      sock.close();
    },
  };
}

/** True for 127.0.0.0/8. */
export function isLoopback(ip: string): boolean {
  return isIPv4(ip) && ip.startsWith('127.');
}

/**
 * True when this process provably runs in the same network namespace as PID 1 (the machine's
 * own). When PID 1's namespace cannot be read (containers), the default-route check decides.
 */
function inInitialNetns(): boolean {
  try {
    return readlinkSync('/proc/self/ns/net') === readlinkSync('/proc/1/ns/net');
  } catch {
    return false;
  }
}

/**
 * Refuses a flood that could leave the lab: the destination must be loopback, or we must be in a
 * network namespace other than PID 1's (e.g. `tcpcraft lab exec client -- ...`) that has no
 * default route, with the destination on-link (no gateway).
 */
export async function checkLabOnly(dst: string): Promise<void> {
  if (!isIPv4(dst)) throw new RangeError(`flood destination '${dst}' is not an IPv4 address.`);
  if (isLoopback(dst)) return;
  if (inInitialNetns()) {
    throw new EnvError(`tcpcraft flood is for the lab only: refusing to flood ${dst} from the machine's own network namespace. Run it inside the lab: 'tcpcraft lab exec client -- tcpcraft flood ...' (or flood 127.0.0.1).`);
  }
  const def = await run('ip', ['-j', 'route', 'show', 'default'], { pkg: 'iproute2' });
  if (def.code === 0 && def.stdout.trim() !== '' && def.stdout.trim() !== '[]') {
    throw new EnvError(`tcpcraft flood is for the lab only: this network namespace has a default route, so packets could leave the machine. Run it inside the lab ('tcpcraft lab exec client -- tcpcraft flood ...'), which has none, or flood 127.0.0.1.`);
  }
  const r = await run('ip', ['-j', 'route', 'get', dst], { pkg: 'iproute2' });
  if (r.code !== 0) throw new EnvError(`no route to ${dst} in this namespace (${r.stderr.trim()}).`);
  if (/"gateway"/.test(r.stdout)) throw new EnvError(`tcpcraft flood is for the lab only: ${dst} is reached through a gateway, not directly on a lab link.`);
}
