/**
 * The puppet application's protocol: the socket calls a scenario's `app()` steps make the target's
 * application do, as packetimpact's Posix agent does, but over a channel that never touches the
 * link under test. Declared once here (a leaf: it imports nothing) and spoken by every puppet:
 * lab/puppet.c on the stacks that run Linux binaries (the host's Linux, linux-uml, gVisor, the
 * host side of libslirp), lab/lwip/lwip-lab.c through lwIP's own API, and the reference stack.
 *
 * The wire format is text, one request or reply per line (ASCII, fields separated by one space,
 * at most {@link MAX_LINE} bytes with the newline), so that a C program can parse it with sscanf
 * and a person can read a log of it.
 *
 * Between the relay (lab/puppet-relay.mjs, the lab's end of the channel) and a puppet:
 *
 *     request:  SID ID CALL ARG...
 *     reply:    SID ID RET ERRNO DURATION_US [HEX]
 *
 * SID is the session (one per client of the relay, i.e. one per scenario run), ID the request's
 * number in it (both decimal, 1 to 2^31-1). RET is the call's return value (-1 when it failed),
 * ERRNO the symbolic errno (`-` when the call did not fail), DURATION_US how long the call took
 * (from when the puppet started it to when it returned, in µs of the puppet's own clock), HEX the
 * bytes a `read` returned. Calls run at once and concurrently: a blocking call (accept, connect,
 * read, a write into a full buffer) holds nothing else up; replies come as calls finish, in any
 * order. `SID 0 end` ends a session: the puppet shuts down and closes every socket the session
 * opened (which also wakes its blocked calls), without a reply. A request the puppet cannot parse
 * gets RET -1 and ERRNO `EBADREQ`. On start a puppet writes `0 0 ready PROTOCOL STACK` (this
 * protocol's version, the stack's name without spaces).
 *
 * Between a client (tcpcraft) and the relay, the same lines without SID.
 *
 * Calls (H is a socket handle a `socket` or `accept` returned, numbered by the puppet from 1):
 *
 *     socket FAMILY                 4 or 6; returns H
 *     bind H ADDR PORT              (a puppet told to bind the wildcard address does so whatever ADDR is)
 *     listen H BACKLOG
 *     accept H                      blocks until a connection is established; returns its H
 *     connect H ADDR PORT           blocks until established or failed
 *     write H N FLAGS               N bytes of the write pattern; returns the bytes taken
 *     send H HEX FLAGS              exactly these bytes
 *     read H N FLAGS                up to N bytes, blocking until some (or the end) came; returns
 *                                   how many, and the bytes as HEX
 *     shutdown H HOW                rd, wr or rdwr
 *     close H
 *     setsockopt H NAME VALUE       NAME from {@link SOCKOPTS}; VALUE an integer (SO_LINGER:
 *                                   seconds, -1 for off)
 *     getsockopt H NAME             returns the value
 *     nonblock H 0|1                O_NONBLOCK off or on: calls then fail with EAGAIN instead of
 *                                   blocking
 *
 * One call takes no handle and is not a scenario's to make (scenarios get {@link PUPPET_CALLS}):
 *
 *     sysctl NAME VALUE             sets net.ipv4.NAME of the stack the puppet runs on, NAME one of
 *                                   {@link SYSCTL_NAMES}; returns the value it had. A learning
 *                                   run turns the stack's rate limits off with it, and back.
 *
 * FLAGS is `-` or a comma-separated list of {@link SEND_FLAGS} (write, send) or
 * {@link RECV_FLAGS} (read).
 */

/** This protocol's version, in a puppet's ready line. */
export const PUPPET_PROTOCOL = 1;

/** Longest line either side writes or takes, newline included (a 64 KiB send in hex, and room). */
export const MAX_LINE = 140_000;

/** Most bytes one `write`, `send` or `read` moves. */
export const MAX_IO = 65_536;

/** The calls, in the order the header above lists them. */
export const PUPPET_CALLS = ['socket', 'bind', 'listen', 'accept', 'connect', 'write', 'send', 'read', 'shutdown', 'close', 'setsockopt', 'getsockopt', 'nonblock'] as const;
export type PuppetCall = (typeof PUPPET_CALLS)[number];

/** The settings `sysctl` may change: rate limits that make a stack's answers depend on time. */
export const SYSCTL_NAMES = ['tcp_invalid_ratelimit', 'tcp_challenge_ack_limit'] as const;
export type SysctlName = (typeof SYSCTL_NAMES)[number];

/**
 * Socket options a puppet knows, with the level each belongs to. A stack without one answers
 * ENOPROTOOPT; a scenario that needs it then fails there, at its level.
 */
export const SOCKOPTS = {
  TCP_NODELAY: 'tcp',
  TCP_CORK: 'tcp',
  TCP_MAXSEG: 'tcp',
  TCP_KEEPIDLE: 'tcp',
  TCP_KEEPINTVL: 'tcp',
  TCP_KEEPCNT: 'tcp',
  TCP_USER_TIMEOUT: 'tcp',
  TCP_SYNCNT: 'tcp',
  TCP_FASTOPEN: 'tcp',
  SO_SNDBUF: 'socket',
  SO_RCVBUF: 'socket',
  SO_KEEPALIVE: 'socket',
  SO_LINGER: 'socket',
  SO_REUSEADDR: 'socket',
  SO_OOBINLINE: 'socket',
  SO_ERROR: 'socket',
  IP_TOS: 'ip',
  IPV6_TCLASS: 'ipv6',
} as const;
export type SockoptName = keyof typeof SOCKOPTS;

/** Flags of write and send: MSG_MORE (more data follows: hold a partial segment), MSG_OOB (urgent data). */
export const SEND_FLAGS = ['more', 'oob'] as const;
/** Flags of read: MSG_OOB (the urgent byte), MSG_PEEK (leave the bytes queued). */
export const RECV_FLAGS = ['oob', 'peek'] as const;

/** `shutdown` directions. */
export const SHUTDOWN_HOWS = ['rd', 'wr', 'rdwr'] as const;

/**
 * Byte `i` of what `write H N` sends: the lowercase alphabet over and over, from `a` at the
 * start of each write, so that a scenario can expect the payload (`appBytes(n)` in the DSL).
 */
export function writePatternByte(i: number): number {
  return 0x61 + (i % 26);
}

/** The `n` bytes a `write` of `n` sends. */
export function writePattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = writePatternByte(i);
  return out;
}

/** The errno a puppet gives a request it cannot parse. */
export const BAD_REQUEST = 'EBADREQ';

/** The file, in a lab's state directory, where its relay listens (a Unix socket, root only). */
export const PUPPET_SOCKET = 'puppet.sock';

/** A reply, parsed. */
export interface PuppetReply {
  readonly id: number;
  readonly ret: number;
  /** Symbolic errno, undefined when the call did not fail. */
  readonly errno: string | undefined;
  readonly durationUs: number;
  /** What a read returned. */
  readonly data?: Uint8Array;
}

const REPLY = /^(\d{1,10}) (-?\d{1,20}) (-|E[A-Z0-9]{1,20}) (\d{1,16})(?: ([0-9a-f]*))?$/;

/** A relay's reply line (no SID), or undefined when it is not one. */
export function parseReply(line: string): PuppetReply | undefined {
  const m = REPLY.exec(line);
  if (!m) return undefined;
  const hex = m[5];
  if (hex !== undefined && hex.length % 2 !== 0) return undefined;
  return {
    id: Number(m[1]),
    ret: Number(m[2]),
    errno: m[3] === '-' ? undefined : m[3],
    durationUs: Number(m[4]),
    ...(hex !== undefined ? { data: Uint8Array.from(Buffer.from(hex, 'hex')) } : {}),
  };
}
