/**
 * The application can set R2, the time after which TCP gives up retransmitting (RFC 9293
 * §3.8.3, MUST-21; the OPEN call's user timeout of §3.9.1.1; TCP_USER_TIMEOUT on Linux sockets).
 * The lab's own R2 is about 13 s (five backed-off retransmissions). The target's application
 * sets it to 2 s on the accepted connection and writes; we acknowledge nothing. Its pending read
 * must fail within 5 s of the read's start (not before 1.5 s: the data was retransmitted meanwhile), long
 * before the lab's own R2 would end the connection. A stack that takes the option but ignores it
 * keeps the read waiting: the step fails after 10 s.
 */
import { scenario, send, expect, app, appWait, drain } from 'tcpcraft';

export default scenario({
  name: 'app-r2-set',
  description: 'the application sets R2 to 2 s (user timeout): unacknowledged data ends the connection then, not at the default R2',
  rfc: 'RFC 9293 §3.8.3 MUST-21',
  expectedFailures: {
    lwip: { step: 6, field: 'app', why: 'lwIP has no per-connection R2: tcp_slowtmr() (src/core/tcp.c) gives up after the compile-time TCP_MAXRTX retransmissions, and there is no TCP_USER_TIMEOUT (setsockopt: ENOPROTOOPT)' },
    slirp: { step: 7, field: 'app', why: "TCP_USER_TIMEOUT acts on the application's loopback connection, which slirp acknowledges at once; slirp's own give-up (tcp_timers(), src/tcp_timer.c) ignores host socket options" },
  },
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2103 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('setsockopt', 'TCP_USER_TIMEOUT', 2000),
    app('read', 10, { background: 'read', returns: -1, after: 1500, within: 5000, timeout: 10_000 }),
    app('write', 10),
    expect('PA', { seq: 1, len: 10 }),
    // Its retransmissions, unacknowledged, for as long as it keeps trying.
    drain(5000),
    appWait('read'),
  ],
});
