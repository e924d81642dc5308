/**
 * The server closes first: daytime sends its 22 bytes and a FIN (FIN-WAIT-1); our ACK moves it
 * to FIN-WAIT-2; our FIN is then acknowledged (TIME-WAIT on the server). RFC 9293 §3.6 and
 * §3.10.7.4 (FIN-WAIT-1: "if the FIN segment is now acknowledged, then enter FIN-WAIT-2";
 * FIN-WAIT-2, FIN bit: "Enter the TIME-WAIT state ... acknowledge it").
 */
import { either, scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'fin-wait',
  description: 'Server closes first (daytime): its FIN, our ACK, our FIN, its ACK; then silence',
  rfc: 'RFC 9293 §3.6, §3.10.7.4',
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    // The service writes 22 bytes and closes: the FIN may ride on the data segment (lwIP does
    // that) or follow it (Linux); both are TCP. Our ACK acknowledges whatever came.
    either(expect('PA', { seq: 1, ack: 1, len: 22 }), expect('FPA', { seq: 1, ack: 1, len: 22 })),
    send('A'),
    expect('FA', { seq: 23, ack: 1, optional: true, timeout: 1000 }),
    // FIN-WAIT-1 -> FIN-WAIT-2: our ACK of its FIN.
    send('A'),
    // Nothing is retransmitted once the FIN is acknowledged: a stack that missed our ACK would
    // resend its FIN after one RTO, 1 s at RFC 6298's floor (plus its clock's granularity).
    silence(1500),
    send('FA'),
    // FIN-WAIT-2 -> TIME-WAIT: it acknowledges our FIN.
    expect('A', { seq: 24, ack: 2, within: 500 }),
    // Leave the target clean: Linux (tcp_rfc1337 = 0) lets a RST end TIME-WAIT at once, so a
    // later run that happens to pick the same source port is not answered by TIME-WAIT.
    send('R', { seq: 2 }),
  ],
});
