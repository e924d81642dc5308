/**
 * SYN-SENT, an unacceptable ACK (RFC 9293 §3.10.7.3, first check): "If SEG.ACK =< ISS or SEG.ACK
 * > SND.NXT, send a reset (unless the RST bit is set ...) <SEQ=SEG.ACK><CTL=RST> and discard the
 * segment. Return." The connection stays in SYN-SENT: nothing in the text ends it, so its SYN,
 * still unacknowledged, goes again when its retransmission timer fires (Linux re-arms that timer
 * at its minimum after such a reset, tcp_rcv_synsent_state_process(), so its SYN comes again at
 * once; the reference waits for its RTO of 1 s; 4 s leaves room for an initial RTO of 3 s).
 *
 * The target's application connects to us. Its SYN is answered with a SYN/ACK acknowledging 1000,
 * far past SND.NXT (ISS+1): the target must reset that segment with a RST whose sequence number is
 * our acknowledgment number (seq 1000 in its numbering) and no ACK bit. Its SYN then comes again;
 * a correct SYN/ACK opens the connection: the target acknowledges it and the application's
 * connect succeeds.
 */
import { scenario, send, expect, app, appWait } from 'tcpcraft';

export default scenario({
  name: 'synsent-bad-ack',
  description: 'SYN/ACK acknowledging past SND.NXT in SYN-SENT: RST seq = SEG.ACK, the SYN again, then a correct SYN/ACK opens the connection',
  rfc: 'RFC 9293 §3.10.7.3',
  expectedFailures: {
    lwip: { step: 4, field: 'flags', why: "lwIP answers the unacceptable SYN/ACK with RST and ACK both set (tcp_rst() in src/core/tcp_out.c always uses TCP_RST | TCP_ACK), where RFC 9293 §3.10.7.3 wants <SEQ=SEG.ACK><CTL=RST>." },
  },
  requires: ['app-puppet'],
  role: 'server',
  local: { port: 2351 },
  peer: { host: '10.77.0.2' },
  steps: [
    app('connect', { background: 'connect' }),
    expect('S', { seq: 0 }),
    // Acknowledges 999 octets never sent.
    send('SA', { seq: 0, ack: 1000 }),
    expect('R', { seq: 1000, len: 0, within: 1000 }),
    // The attempt goes on: the SYN again, by its retransmission timer.
    expect('S', { seq: 0, timeout: 4000 }),
    send('SA', { seq: 0, ack: 1 }),
    expect('A', { seq: 1, ack: 1, len: 0 }),
    appWait('connect'),
    send('R', { seq: 1 }),
  ],
});
