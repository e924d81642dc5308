/**
 * An active open keeps retransmitting its SYN for at least 3 minutes (RFC 9293 §3.8.3, MUST-23).
 * The lab's dialer connects back to us on port 47012 and keeps trying for up to 600 s; we never
 * answer, then after 185 s send a SYN/ACK for its SYN: a connection attempt still alive (in
 * SYN-SENT) takes it and acknowledges it, one that gave up answers with a RST. Takes about 3 min,
 * so it is in the slow set.
 */
import { scenario, send, expect, drain } from 'tcpcraft';

const LINUX = 'net.ipv4.tcp_syn_retries defaults to 6 (TCP_SYN_RETRIES, include/net/tcp.h) and tcp_write_timeout() (net/ipv4/tcp_timer.c) gives up after that many SYN retransmissions: with a 1 s initial RTO about 127 s later on Linux 6.1, and sooner since Linux 6.5, whose first four SYN retransmissions are 1 s apart (tcp_syn_linear_timeouts), all short of RFC 9293\'s 3 minutes.';

export default scenario({
  name: 'syn-give-up',
  description: 'The target\'s SYN, never answered: its connection attempt is still alive after 3 minutes',
  rfc: 'RFC 9293 §3.8.3 MUST-23',
  expectedFailures: {
    slirp: { step: 5, field: 'absent', why: 'libslirp is a NAT: it carries connections our side opens (and host ports forwarded with hostfwd), and nothing routes from its host side into the guest network, so the dialer behind it cannot reach us and no SYN ever comes.' },
    // Our late SYN/ACK reaches a connection the target already dropped: a RST, where the ACK was expected.
    linux: { step: 8, field: 'flags', why: LINUX },
    'linux-uml': { step: 8, field: 'flags', why: LINUX },
  },
  requires: ['app-dialer'],
  peer: { host: '10.77.0.2', port: 2010 },
  connections: { back: { role: 'server', local: { port: 47012 } } },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: '47012 600\n' }),
    expect('S', { conn: 'back', seq: 0, within: 2000 }),
    drain(185_000, { conn: 'back' }),
    send('SA', { conn: 'back', seq: 0, ack: 1 }),
    expect('A', { conn: 'back', seq: 1, ack: 1, within: 1000 }),
  ],
});
