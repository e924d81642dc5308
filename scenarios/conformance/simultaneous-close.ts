/**
 * Simultaneous close (RFC 9293 §3.6, case 3 and Figure 13; §3.10.7.4). The target's application
 * shuts its side down (shutdown SHUT_WR): its FIN comes, and the target is in FIN-WAIT-1. We send
 * our own FIN without acknowledging its FIN (the FINs cross). The eighth check, FIN-WAIT-1: "If
 * our FIN has been ACKed (perhaps in this segment), then enter TIME-WAIT ...; otherwise, enter
 * the CLOSING state", after advancing RCV.NXT over the FIN and sending "an acknowledgment for the
 * FIN": the target acknowledges our FIN (seq 2, ack 2) while its own is still unacknowledged.
 * Our ACK of its FIN then moves it on (fifth check, CLOSING: "if the ACK acknowledges our FIN,
 * then enter the TIME-WAIT state"): both sides closed actively, and TIME-WAIT lingers 2 MSL
 * (§3.6.1, MUST-13). We send our FIN again, as if its ACK had been lost: TIME-WAIT acknowledges
 * the retransmission ("Acknowledge it, and restart the 2 MSL timeout"); a connection already
 * gone would leave it to the listener, whose answer is a RST.
 */
import { scenario, send, expect, either, app } from 'tcpcraft';

export default scenario({
  name: 'simultaneous-close',
  description: 'Crossing FINs: the target in FIN-WAIT-1 acknowledges our FIN (CLOSING), then after our ACK is in TIME-WAIT',
  rfc: 'RFC 9293 §3.10.7.4 CLOSING, §3.6 (Figure 13), §3.6.1 MUST-13',
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2152 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('shutdown', 'wr'),
    expect('FA', { seq: 1, ack: 1 }),
    // Our FIN, acknowledging nothing of its FIN (ack 1): the FINs cross.
    send('FA', { seq: 1, ack: 1 }),
    // FIN-WAIT-1 -> CLOSING: our FIN acknowledged; its FIN not yet. A BSD-derived stack sends
    // its FIN again with that ACK (4.4BSD's tcp_output() backs SND.NXT up over an unacknowledged
    // FIN): it acknowledges our FIN all the same.
    either(expect('A', { seq: 2, ack: 2, len: 0 }), expect('FA', { seq: 1, ack: 2, len: 0 })),
    // CLOSING -> TIME-WAIT.
    send('A', { seq: 2, ack: 2 }),
    // Our FIN again: TIME-WAIT acknowledges it again.
    send('FA', { seq: 1, ack: 2 }),
    expect('A', { seq: 2, ack: 2, len: 0, within: 500 }),
    // Leave the target clean: a RST at RCV.NXT ends TIME-WAIT on Linux (tcp_rfc1337 = 0).
    send('R', { seq: 2 }),
  ],
});
