/**
 * An active open retransmits its SYN with the same timer and backoff as data (RFC 9293 §3.8.3,
 * MUST-22 with MUST-19; RFC 6298 §5.5). The lab's dialer connects back to us on port 47011; we
 * never answer: its SYN comes again, and again after a longer interval (at least 1.5x, allowing
 * for timers that tick every 500 ms). Then we refuse the connection with a RST.
 */
import { scenario, send, expect } from 'tcpcraft';

const LINUX = 'Since Linux 6.5 an active open retransmits its SYN with linear timeouts first: net.ipv4.tcp_syn_linear_timeouts (default 4) keeps the first four retransmissions 1 s apart before the timer doubles (tcp_retransmit_timer(), net/ipv4/tcp_timer.c), where RFC 6298 §5.5 doubles it each time. Linux 6.1 (the linux-uml target) still backs off from the first.';

export default scenario({
  name: 'syn-retransmit',
  description: 'Our host never answers the target\'s SYN: it is retransmitted with backing-off intervals',
  rfc: 'RFC 9293 §3.8.3 MUST-19, MUST-22; RFC 6298 §5.5',
  expectedFailures: { slirp: { step: 5, field: 'absent', why: 'libslirp is a NAT: it carries connections our side opens (and host ports forwarded with hostfwd), and nothing routes from its host side into the guest network, so the dialer behind it cannot reach us and no SYN ever comes.' }, 'linux>=6.5': { step: 7, field: 'time', why: LINUX } },
  requires: ['app-dialer'],
  peer: { host: '10.77.0.2', port: 2010 },
  connections: { back: { role: 'server', local: { port: 47011 } } },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: '47011\n' }),
    expect('S', { conn: 'back', seq: 0, within: 2000 }),
    expect('S', { conn: 'back', seq: 0, timeout: 8000 }),
    expect('S', { conn: 'back', seq: 0, backoff: 1.5, timeout: 16000 }),
    send('RA', { conn: 'back', seq: 0, ack: 1 }),
  ],
});
