/**
 * Raw IPv4 sender over the npm `raw-socket` addon (a CommonJS module, loaded with createRequire).
 * One socket serves both runs and floods: `trySend` calls the addon's synchronous `sendto` on its
 * non-blocking socket (no event-loop round trip, which matters for reaction time), and `send`
 * uses it too, falling back to the addon's poll-driven queue only when the socket would block.
 */
import { createRequire } from 'node:module';
import { isIPv4 } from 'node:net';
import { EnvError, messageOf } from './errors.js';

/** Sends complete IPv4 packets (header included) on a raw socket. */
export interface Sender {
  /** Send `ipPacket` (IPv4 header + TCP segment) towards `dst`; resolves once the kernel took it. */
  send(ipPacket: Uint8Array, dst: string): Promise<void>;
  /**
   * Send at once, synchronously: true when the kernel took the packet, false when the socket
   * would block (try again later). Throws on any other error.
   */
  trySend(ipPacket: Uint8Array, dst: string): boolean;
  /** Close the socket; later sends reject. Idempotent. */
  close(): void;
}

interface RawWrap {
  send(buf: Buffer, offset: number, length: number, address: string, cb: (bytes: number) => void): void;
}
interface RawSocket {
  wrap: RawWrap;
  send(buf: Buffer, offset: number, length: number, address: string, cb: (err: Error | null, bytes: number) => void): void;
  setOption(level: number, option: number, value: number): void;
  pauseRecv(): void;
  close(): void;
  on(ev: 'error', cb: (err: Error) => void): void;
}
interface RawSocketModule {
  createSocket(opts: { protocol: number; addressFamily?: number; bufferSize?: number }): RawSocket;
  Protocol: { TCP: number };
  AddressFamily: { IPv4: number };
  SocketLevel: { IPPROTO_IP: number; SOL_SOCKET: number };
  SocketOption: { IP_HDRINCL: number; SO_BROADCAST: number };
}

const WOULD_BLOCK = /temporarily unavailable|EAGAIN|EWOULDBLOCK|No buffer space|ENOBUFS/i;

function loadRawSocket(): RawSocketModule {
  try {
    return createRequire(import.meta.url)('raw-socket') as RawSocketModule;
  } catch (err) {
    throw new EnvError(`the raw-socket native module could not be loaded (${messageOf(err)}): run 'make setup' to rebuild the npm dependencies.`, { cause: err });
  }
}

function asBuffer(p: Uint8Array): Buffer {
  return Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
}

/**
 * Open a raw IPv4 socket (protocol TCP, IP_HDRINCL on) for sending crafted packets.
 *
 * Receiving is paused so the socket never reads copies of incoming TCP (capture is the sniffer's
 * job). On this path (Linux raw(7), IP_HDRINCL) the kernel always rewrites the IPv4 header
 * checksum and total length, fills in the source address when it is 0.0.0.0, and fills in a zero
 * IP id when DF is clear; every other byte, the TCP checksum included, goes out exactly as given
 * (src/io/link.ts has the path that keeps those too). Throws an {@link EnvError} without root /
 * CAP_NET_RAW.
 */
export function openSender(): Sender {
  const raw = loadRawSocket();
  let sock: RawSocket;
  try {
    sock = raw.createSocket({ protocol: raw.Protocol.TCP, addressFamily: raw.AddressFamily.IPv4, bufferSize: 256 });
  } catch (err) {
    const msg = messageOf(err);
    if (/not permitted|EPERM|EACCES|permission denied/i.test(msg)) {
      throw new EnvError('tcpcraft needs root or CAP_NET_RAW to send raw packets: run it with sudo.', { cause: err });
    }
    throw new EnvError(`could not open a raw socket (${msg}): check that this kernel supports raw IPv4 sockets.`, { cause: err });
  }
  let closed = false;
  let failure: Error | undefined;
  sock.on('error', (err) => {
    failure = err;
    closed = true;
  });
  try {
    sock.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_HDRINCL, 1);
    // A scenario may address a subnet's broadcast address (RFC 9293 MUST-57: such a SYN must be
    // dropped); without SO_BROADCAST the kernel refuses to send it (EACCES).
    sock.setOption(raw.SocketLevel.SOL_SOCKET, raw.SocketOption.SO_BROADCAST, 1);
    sock.pauseRecv();
  } catch (err) {
    sock.close();
    throw new Error(`could not configure the raw socket (IP_HDRINCL, SO_BROADCAST): ${messageOf(err)}`, { cause: err });
  }
  const noop = (): void => undefined;
  const check = (ipPacket: Uint8Array, dst: string): string | undefined => {
    if (closed) return `cannot send to ${dst}: the raw socket is closed${failure ? ` after an error (${failure.message})` : ''}.`;
    if (!isIPv4(dst)) return `cannot send to '${dst}': it is not an IPv4 address.`;
    if (ipPacket.length < 20) return `cannot send a ${ipPacket.length}-byte packet: an IPv4 header needs at least 20 bytes.`;
    return undefined;
  };
  // A flood sends the same (patched) packet again and again: wrap it in a Buffer once.
  let lastPacket: Uint8Array | undefined;
  let lastBuf: Buffer = Buffer.alloc(0);
  const trySend = (ipPacket: Uint8Array, dst: string): boolean => {
    const bad = check(ipPacket, dst);
    if (bad) throw new Error(bad);
    if (ipPacket !== lastPacket) {
      lastPacket = ipPacket;
      lastBuf = asBuffer(ipPacket);
    }
    const buf = lastBuf;
    try {
      sock.wrap.send(buf, 0, buf.length, dst, noop);
      return true;
    } catch (err) {
      if (WOULD_BLOCK.test(messageOf(err))) return false;
      throw new Error(`sending ${buf.length} bytes to ${dst} failed: ${messageOf(err)}`, { cause: err });
    }
  };
  return {
    trySend,
    send(ipPacket: Uint8Array, dst: string): Promise<void> {
      try {
        if (trySend(ipPacket, dst)) return Promise.resolve();
      } catch (err) {
        return Promise.reject(err as Error);
      }
      // The socket would block: queue behind the addon's poll for writability.
      const buf = asBuffer(ipPacket);
      return new Promise((resolve, reject) => {
        sock.send(buf, 0, buf.length, dst, (err, bytes) => {
          if (err) reject(new Error(`sending ${buf.length} bytes to ${dst} failed: ${err.message}`, { cause: err }));
          else if (bytes !== buf.length) reject(new Error(`sending to ${dst}: the kernel took ${bytes} of ${buf.length} bytes.`));
          else resolve();
        });
      });
    },
    close(): void {
      if (closed) return;
      closed = true;
      sock.close();
    },
  };
}
