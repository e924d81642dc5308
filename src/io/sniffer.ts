/**
 * libpcap capture over the npm `cap` addon (CommonJS, loaded with createRequire).
 *
 * Facts about `cap` 0.2.x this module relies on (see node_modules/cap/src/binding.cc):
 * - Immediate mode is not an option of `Cap#open`, but on Linux the addon always calls
 *   `pcap_set_immediate_mode(1)`, found with `dlopen("libpcap.so")`. That unversioned name only
 *   exists when libpcap-dev is installed; without it immediate mode is silently off and frames
 *   can arrive up to the 1000 ms read timeout late (TPACKET_V3 blocks). {@link openSniffer}
 *   therefore refuses to start when libpcap.so is missing.
 * - The kernel snaplen is fixed at 65535; `snaplen` here is the size of the shared copy buffer,
 *   so longer frames are cut to `snaplen` bytes (like a pcap snaplen).
 * - The 'packet' event carries only (length, truncated): no pcap timestamp. See {@link Sniffer}.
 * - A failed `Cap#open` (bad filter, no permission...) leaves a half-built native object whose
 *   garbage collection aborts the process (uv_poll_stop on a never-started poll handle). So we
 *   validate before opening (interface exists, filter compiles with `tcpdump -d`), and any object
 *   whose open still failed is pinned in {@link quarantine} for the life of the process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { EnvError, messageOf } from './errors.js';

/** A running capture on one interface. */
export interface Sniffer {
  /** LINKTYPE_ value of the frames: 1 ethernet, 101 raw IP, 113 Linux SLL, 0 null/loopback. */
  readonly linkType: number;
  /**
   * Register `cb` for every captured frame. `frame` is a private copy (safe to keep).
   * `timestampUs` is microseconds since the Unix epoch taken when the frame reached JavaScript:
   * wall clock read once at open, advanced by the monotonic clock (process.hrtime), so it never
   * jumps backwards; it is delivery time, not kernel capture time.
   */
  onFrame(cb: (frame: Uint8Array, timestampUs: bigint) => void): void;
  /** Stop capturing and release libpcap. Idempotent. */
  close(): void;
}

/** Options of {@link openSniffer}. */
export interface SnifferOptions {
  /** Interface to capture on (e.g. 'tcpcraft-c' inside the lab, 'lo'). */
  readonly iface: string;
  /** BPF filter compiled by libpcap (e.g. 'tcp and host 10.77.0.2'); '' captures everything. */
  readonly filter: string;
  /** Longest frame kept, in bytes; longer frames are truncated (default 65535). */
  readonly snaplen?: number;
  /** Kernel capture buffer size in bytes (default 4 MiB). */
  readonly bufferSize?: number;
}

/** The part of a `cap` Cap object tcpcraft uses (internal, shared with src/io/link.ts). */
export interface CapInstance {
  /** Open a live capture; returns the link type name ('ETHERNET', 'RAW', ...). */
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  /** Register the per-frame callback; the frame is in the buffer given to open(). */
  on(ev: 'packet', cb: (nbytes: number, truncated: boolean) => void): void;
  /** Inject `length` bytes of `buffer` as one frame (pcap_sendpacket); throws on failure. */
  send(buffer: Buffer, length?: number): void;
  /** Stop capturing. */
  close(): void;
}
interface CapModule {
  Cap: new () => CapInstance;
}

const LINK_TYPES: Readonly<Record<string, number>> = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
};

/**
 * Cap objects whose open() failed, pinned so they are never garbage-collected (see above). The
 * only process-wide state of this module; it grows only when opening a capture fails.
 */
const quarantine: unknown[] = [];

/** Compile `filter` for `iface` with `tcpdump -d` (same libpcap); returns its error text, or undefined if fine or tcpdump is absent. */
function filterError(iface: string, filter: string): string | undefined {
  if (filter.trim() === '') return undefined;
  const r = spawnSync('tcpdump', ['-d', '-i', iface, '--', filter], { encoding: 'utf8', timeout: 5000 });
  if (r.error || r.status === null) return undefined;
  if (r.status === 0) return undefined;
  const msg = r.stderr.trim().replace(/^tcpdump: /, '');
  return /syntax error|illegal|unknown|can't|invalid|not supported|expression rejects/i.test(msg) ? msg : undefined;
}

const LIBPCAP_SO = ['/usr/lib/x86_64-linux-gnu/libpcap.so', '/usr/lib/aarch64-linux-gnu/libpcap.so', '/usr/lib/libpcap.so', '/usr/lib64/libpcap.so', '/usr/local/lib/libpcap.so'];

function loadCap(): CapModule {
  if (process.platform === 'linux' && !LIBPCAP_SO.some((p) => existsSync(p))) {
    throw new EnvError("libpcap.so (package libpcap-dev) is missing, so captures would not be in immediate mode: run 'make setup'.");
  }
  try {
    return createRequire(import.meta.url)('cap') as CapModule;
  } catch (err) {
    throw new EnvError(`the cap module (libpcap binding) could not be loaded (${messageOf(err)}): install libpcap-dev and run 'make setup'.`, { cause: err });
  }
}

/**
 * Open a `cap` handle on `iface` with `filter` (internal, shared with src/io/link.ts): loads the
 * addon, checks the interface exists and the filter compiles, and pins a Cap whose open failed in
 * {@link quarantine} (its GC would abort node). Throws an {@link EnvError} for missing libpcap/cap,
 * privileges or interface; a plain Error for a bad filter.
 */
export function openCap(iface: string, filter: string, bufferSize: number, shared: Buffer): { cap: CapInstance; linkName: string } {
  const { Cap } = loadCap();
  if (iface !== 'any' && !existsSync(`/sys/class/net/${iface}`)) {
    throw new EnvError(`interface ${iface} does not exist: check 'ip link', or run inside the lab with 'tcpcraft lab exec client -- ...'.`);
  }
  const bad = filterError(iface, filter);
  if (bad !== undefined) throw new Error(`could not start capturing on ${iface} with filter '${filter}': ${bad}`);
  const cap = new Cap();
  try {
    return { cap, linkName: cap.open(iface, filter, bufferSize, shared) };
  } catch (err) {
    quarantine.push(cap);
    const msg = messageOf(err);
    if (/not permitted|permission|EPERM/i.test(msg)) {
      throw new EnvError(`capturing on ${iface} needs root or CAP_NET_RAW (${msg}): run tcpcraft with sudo.`, { cause: err });
    }
    if (/no such device|doesn't exist|does not exist/i.test(msg)) {
      throw new EnvError(`interface ${iface} does not exist (${msg}): check 'ip link', or run inside the lab with 'tcpcraft lab exec client -- ...'.`, { cause: err });
    }
    throw new Error(`could not start capturing on ${iface} with filter '${filter}': ${msg}`, { cause: err });
  }
}

/**
 * Start a libpcap capture on `opts.iface` with the BPF `opts.filter`, in immediate mode.
 * Throws an {@link EnvError} when libpcap/cap is unavailable, without privileges, or when the
 * interface does not exist; a plain Error when the filter does not compile.
 */
export function openSniffer(opts: SnifferOptions): Sniffer {
  const snaplen = opts.snaplen ?? 65535;
  const bufferSize = opts.bufferSize ?? 4 * 1024 * 1024;
  if (!Number.isInteger(snaplen) || snaplen < 64 || snaplen > 262144) {
    throw new RangeError(`snaplen ${snaplen} is out of range: use an integer between 64 and 262144.`);
  }
  if (!Number.isInteger(bufferSize) || bufferSize < 65536 || bufferSize > 2 ** 30) {
    throw new RangeError(`bufferSize ${bufferSize} is out of range: use an integer between 65536 and 1 GiB.`);
  }
  if (!/^[^/\s]{1,15}$/.test(opts.iface) || opts.iface === '.' || opts.iface === '..') {
    throw new RangeError(`'${opts.iface}' is not a valid interface name: use 1 to 15 characters without '/' or spaces.`);
  }
  const shared = Buffer.alloc(snaplen);
  const { cap, linkName } = openCap(opts.iface, opts.filter, bufferSize, shared);
  const linkType = LINK_TYPES[linkName];
  if (linkType === undefined) {
    cap.close();
    throw new Error(`interface ${opts.iface} has link type '${linkName}', which tcpcraft cannot decode: capture on an ethernet, raw or loopback interface.`);
  }
  const wallUs0 = BigInt(Date.now()) * 1000n;
  const mono0 = process.hrtime.bigint();
  const callbacks: Array<(frame: Uint8Array, timestampUs: bigint) => void> = [];
  let closed = false;
  cap.on('packet', (nbytes: number) => {
    if (closed || callbacks.length === 0) return;
    const timestampUs = wallUs0 + (process.hrtime.bigint() - mono0) / 1000n;
    const n = Math.max(0, Math.min(nbytes, shared.length));
    for (const cb of callbacks) {
      // Each callback gets its own copy: cap reuses `shared` for the next frame.
      cb(Uint8Array.prototype.slice.call(shared, 0, n), timestampUs);
    }
  });
  return {
    linkType,
    onFrame(cb) {
      callbacks.push(cb);
    },
    close() {
      if (closed) return;
      closed = true;
      cap.close();
    },
  };
}
