/**
 * Raw IPv4 and IPv6 sender over the npm `raw-socket` addon (a CommonJS module, loaded with createRequire).
 * One socket serves both runs and floods: `trySend` calls the addon's synchronous `sendto` on its
 * non-blocking socket (no event-loop round trip, which matters for reaction time), and `send`
 * uses it too, falling back to the addon's poll-driven queue only when the socket would block.
 */
import { createRequire } from 'node:module';
import { FAMILY, familyOf } from '../wire/family.js';
import { EnvError, messageOf } from '../errors.js';

/** Sends complete IPv4 or IPv6 packets (header included) on raw sockets, one per family. */
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
  AddressFamily: { IPv4: number; IPv6: number };
  SocketLevel: { IPPROTO_IP: number; IPPROTO_IPV6: number; SOL_SOCKET: number };
  SocketOption: { IP_HDRINCL: number; IPV6_HDRINCL?: number; SO_BROADCAST: number };
}

/** IPPROTO_RAW (netinet/in.h): the header is included, and nothing is received. */
const IPPROTO_RAW = 255;

/** IPV6_HDRINCL on Linux (since 4.5). */
const LINUX_IPV6_HDRINCL = 36;

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
 * Open a raw socket of `family` (protocol TCP, header included) for sending crafted packets.
 *
 * Receiving is paused so the socket never reads copies of incoming TCP (capture is the sniffer's
 * job). IPv4 (Linux raw(7), IP_HDRINCL): the kernel always rewrites the header checksum and total
 * length, fills in the source address when it is 0.0.0.0, and a zero IP id when DF is clear.
 * IPv6 (IPV6_HDRINCL, Linux 4.5 and later): the kernel takes the header as it is, payload length,
 * next header and flow label included (an IPv6 header has no checksum). Every other byte, the TCP
 * checksum included, goes out exactly as given on both (src/io/link.ts has the link-layer path).
 * Throws an {@link EnvError} without root / CAP_NET_RAW.
 */
function openRaw(raw: RawSocketModule, family: 4 | 6): RawSocket {
  let sock: RawSocket;
  try {
    // IPPROTO_RAW: a socket that only sends (the kernel delivers nothing to it), so the process
    // that keeps it after dropping root (src/io/sandbox.ts) cannot read the machine's TCP with it.
    sock = raw.createSocket({ protocol: IPPROTO_RAW, addressFamily: family === 6 ? raw.AddressFamily.IPv6 : raw.AddressFamily.IPv4, bufferSize: 256 });
  } catch (err) {
    const msg = messageOf(err);
    if (/not permitted|EPERM|EACCES|permission denied/i.test(msg)) {
      throw new EnvError('tcpcraft needs root or CAP_NET_RAW to send raw packets: run it with sudo.', { cause: err });
    }
    throw new EnvError(`could not open a raw IPv${family} socket (${msg}): check that this kernel supports raw IPv${family} sockets.`, { cause: err });
  }
  try {
    if (family === 6) {
      // The addon exports IPV6_HDRINCL only on Windows; Linux's value is 36 (linux/in6.h).
      sock.setOption(raw.SocketLevel.IPPROTO_IPV6, raw.SocketOption.IPV6_HDRINCL ?? LINUX_IPV6_HDRINCL, 1);
    } else {
      sock.setOption(raw.SocketLevel.IPPROTO_IP, raw.SocketOption.IP_HDRINCL, 1);
      // A scenario may address a subnet's broadcast address (RFC 9293 MUST-57: such a SYN must be
      // dropped); without SO_BROADCAST the kernel refuses to send it (EACCES).
      sock.setOption(raw.SocketLevel.SOL_SOCKET, raw.SocketOption.SO_BROADCAST, 1);
    }
    sock.pauseRecv();
  } catch (err) {
    sock.close();
    throw new EnvError(`could not configure the raw IPv${family} socket (header included): ${messageOf(err)}`, { cause: err });
  }
  return sock;
}

/**
 * The sender: a raw IPv4 socket opened at once (so a missing privilege shows before anything
 * else), a raw IPv6 socket on the first IPv6 packet, or at once too with `ipv6` (before dropping
 * privileges; a machine without IPv6 then fails only when an IPv6 packet is sent).
 */
export function openSender(o: { readonly ipv6?: boolean } = {}): Sender {
  const raw = loadRawSocket();
  const sockets = new Map<4 | 6, RawSocket>([[4, openRaw(raw, 4)]]);
  if (o.ipv6) {
    try {
      sockets.set(6, openRaw(raw, 6));
    } catch {
      // no IPv6 here: said when an IPv6 packet is sent
    }
  }
  let closed = false;
  let failure: Error | undefined;
  const watch = (sock: RawSocket): RawSocket => {
    sock.on('error', (err) => {
      failure = err;
      closed = true;
    });
    return sock;
  };
  for (const sock of sockets.values()) watch(sock);
  const socketFor = (family: 4 | 6): RawSocket => {
    let sock = sockets.get(family);
    if (!sock) sockets.set(family, (sock = watch(openRaw(raw, family))));
    return sock;
  };
  const noop = (): void => undefined;
  const check = (ipPacket: Uint8Array, dst: string): string | undefined => {
    if (closed) return `cannot send to ${dst}: the raw socket is closed${failure ? ` after an error (${failure.message})` : ''}.`;
    if (familyOf(dst) === 6) return ipPacket.length < FAMILY[6].minHeader ? `cannot send a ${ipPacket.length}-byte packet: an IPv6 header needs 40 bytes.` : undefined;
    if (familyOf(dst) !== 4) return `cannot send to '${dst}': it is not an IPv4 or IPv6 address.`;
    if (ipPacket.length < FAMILY[4].minHeader) return `cannot send a ${ipPacket.length}-byte packet: an IPv4 header needs at least 20 bytes.`;
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
    const sock = socketFor(familyOf(dst) ?? 4);
    try {
      sock.wrap.send(buf, 0, buf.length, dst, noop);
      return true;
    } catch (err) {
      if (WOULD_BLOCK.test(messageOf(err))) return false;
      throw new EnvError(`sending ${buf.length} bytes to ${dst} failed: ${messageOf(err)}`, { cause: err });
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
      const sock = socketFor(familyOf(dst) ?? 4);
      return new Promise((resolve, reject) => {
        sock.send(buf, 0, buf.length, dst, (err, bytes) => {
          if (err) reject(new EnvError(`sending ${buf.length} bytes to ${dst} failed: ${err.message}`, { cause: err }));
          else if (bytes !== buf.length) reject(new EnvError(`sending to ${dst}: the kernel took ${bytes} of ${buf.length} bytes.`));
          else resolve();
        });
      });
    },
    close(): void {
      if (closed) return;
      closed = true;
      for (const sock of sockets.values()) sock.close();
    },
  };
}
