/**
 * RSTs in TIME-WAIT (RFC 9293 §3.10.7.4; §3.6.1 MUST-13; RFC 5961 §3.2). The daytime service
 * closes first; once it has acknowledged our FIN it is in TIME-WAIT, RCV.NXT = 2. Three RSTs
 * follow, each followed by our FIN again (as if its ACK had been lost): TIME-WAIT acknowledges
 * that FIN (seq 24, ack 2); a connection already gone leaves it to the listener, whose answer is
 * a RST (seq 24, the FIN's ACK). What the RFC requires of each RST:
 *
 * 1. Out of the window (RCV.NXT + 2^30): dropped, and TIME-WAIT goes on. Required of every stack.
 *    The first check (sequence number) of §3.10.7.4 covers TIME-WAIT: an unacceptable segment is
 *    answered by an ACK "unless the RST bit is set, if so drop the segment and return"; RFC 5961's
 *    first RST check (RFC 9293 §3.10.7.4, second check, 1) says the same ("silently drop"). Nothing
 *    then lets the connection leave TIME-WAIT before 2 MSL (§3.6.1, MUST-13: "it MUST linger in the
 *    TIME-WAIT state for a time 2xMSL"): a stack that took this RST would cut TIME-WAIT short.
 *    Asserted: no answer to the RST (500 ms), and the FIN after it acknowledged.
 * 2. In the window, not at RCV.NXT (RCV.NXT + 1000): a stack with RFC 5961's defences (optional,
 *    MAY-12) "MUST send an acknowledgment (challenge ACK)" and drop the RST; one without them
 *    processes it as the RST check for TIME-WAIT says: "If the RST bit is set, then enter the
 *    CLOSED state, delete the TCB, and return". Either conforms: the challenge ACK is optional here
 *    and the FIN after it may be acknowledged or reset. Recorded, not asserted. (Linux drops such
 *    a RST in TIME-WAIT without a challenge ACK: tcp_timewait_state_process() acts only on a RST
 *    at rcv_nxt.)
 * 3. At RCV.NXT exactly: §3.10.7.4 says enter CLOSED (for an RFC 5961 stack: "MUST reset the
 *    connection in the manner prescribed below according to the connection state"); but MUST-13
 *    says TIME-WAIT lingers 2 MSL, and RFC 1337 (Informational; RFC 9293 does not cite it) shows
 *    how a RST that ends TIME-WAIT early ("TIME-WAIT assassination") lets old duplicates reach a
 *    new incarnation, and suggests ignoring RSTs in TIME-WAIT. With the RFC's own texts pulling
 *    both ways, both answers are accepted and the one the stack chose is recorded: the FIN after it
 *    is acknowledged (RFC 1337: Linux with net.ipv4.tcp_rfc1337 = 1, lwIP) or reset (RFC 9293's
 *    event processing: Linux by default, tcp_rfc1337 = 0).
 */
import { scenario, send, expect, either, silence } from 'tcpcraft';

/** Our FIN again, and TIME-WAIT's ACK of it (asserted). */
const finReacked = [send('FA', { seq: 1, ack: 24 }), expect('A', { seq: 24, ack: 2, len: 0, within: 500 })];
/** Our FIN again: TIME-WAIT's ACK, or the listener's RST once the connection is gone (recorded). */
const finReackedOrReset = [send('FA', { seq: 1, ack: 24 }), either(expect('A', { seq: 24, ack: 2, len: 0, within: 500 }), expect('R', { seq: 24, len: 0, within: 500 }))];

export default scenario({
  name: 'time-wait-rst',
  description: 'RSTs in TIME-WAIT: out of the window dropped (TIME-WAIT goes on); in-window and exact ones recorded',
  rfc: 'RFC 9293 §3.10.7.4, §3.6.1 MUST-13; RFC 5961 §3.2',
  expectedFailures: {
    slirp: { step: 19, field: 'unexpected', why: "libslirp answers any segment for which it has no socket and that is not a bare SYN with a reset (tcp_input() in src/tcp_input.c: goto dropwithreset, which does not skip RSTs), so a RST gets a RST/ACK back, where RFC 9293 §3.10.7.1-2 says a RST is discarded." },
  },
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('PA', { seq: 1, ack: 1, len: 22 }), expect('FPA', { seq: 1, ack: 1, len: 22 })),
    send('A'),
    expect('FA', { seq: 23, ack: 1, optional: true, timeout: 1000 }),
    send('A'),
    send('FA'),
    // FIN-WAIT-2 -> TIME-WAIT.
    expect('A', { seq: 24, ack: 2, within: 500 }),
    // 1. Out of the window: no answer, TIME-WAIT goes on.
    send('R', { seq: 2 + 0x40000000 }),
    silence(500),
    ...finReacked,
    // 2. In the window, not exact: a challenge ACK (RFC 5961) or none; kept or ended.
    send('R', { seq: 2 + 1000 }),
    expect('A', { seq: 24, ack: 2, len: 0, optional: true, timeout: 500 }),
    ...finReackedOrReset,
    // 3. Exact: ended (RFC 9293 §3.10.7.4) or ignored (RFC 1337); either way a RST is never
    // answered (§3.10.7.1 and every state after it).
    send('R', { seq: 2 }),
    silence(300),
    ...finReackedOrReset,
  ],
});
