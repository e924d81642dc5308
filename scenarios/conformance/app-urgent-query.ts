/**
 * The application can learn whether urgent data is waiting (RFC 9293 §3.8.5: "A TCP implementation
 * MUST (MUST-33) provide a way for the application to learn how much urgent data remains to be
 * read from the connection, or at least to determine whether more urgent data remains to be
 * read"). The socket interface's way is recv(MSG_OOB): it fails while there is no urgent data and
 * returns the urgent octet once there is (the puppet's `read` with `oob`). The target's
 * application asks before any urgent data (the call must fail; its errno, EINVAL on Linux, is the
 * stack's), we send "abc" as urgent data (URG, pointer 3: the octet after "c", MUST-62), and it
 * asks again: now the call returns one octet. Then it reads the stream (what the read returns is
 * the stack's: Linux takes the last urgent octet out of the stream, the reference leaves it in,
 * RFC 6093 §2.1) and asks a third time: no urgent data remains, the call fails again.
 */
import { scenario, send, expect, app, range } from 'tcpcraft';

export default scenario({
  name: 'app-urgent-query',
  description: 'recv(MSG_OOB) fails before urgent data, returns an octet once "abc" came as urgent data, and fails again once it is read',
  rfc: 'RFC 9293 §3.8.5 MUST-33',
  expectedFailures: {
    lwip: { step: 9, field: 'app', why: "lwIP's raw API has no urgent data on receive either: tcp_input() never reads the urgent pointer (src/core/tcp_in.c), so the puppet's recv(MSG_OOB) fails (EOPNOTSUPP), where RFC 9293 §3.8.5 MUST-33 requires a way to learn of pending urgent data." },
    gvisor: { step: 6, field: 'app', why: "gVisor's recvmsg (pkg/sentry/socket/netstack/netstack.go) accepts MSG_OOB but makes it an ordinary blocking read, and its TCP keeps no urgent state: the application cannot learn whether urgent data is pending, where RFC 9293 §3.8.5 MUST-33 requires a way." },
  },
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2163 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    // No urgent data yet: the application is told so.
    app('read', 1, { oob: true, returns: -1 }),
    send('UPA', { payload: 'abc', urgent: 3 }),
    expect('A', { seq: 1, ack: 4, len: 0, within: 500 }),
    // Urgent data waits: the application learns it.
    app('read', 1, { oob: true, returns: 1 }),
    // Read, none remains.
    app('read', 10, { returns: range(1, 3) }),
    app('read', 1, { oob: true, returns: -1 }),
    send('R', { seq: 4 }),
  ],
});
