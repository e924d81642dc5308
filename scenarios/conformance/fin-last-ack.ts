/**
 * We close first: the server acknowledges our FIN (CLOSE-WAIT), its application closes, it sends
 * its FIN (LAST-ACK), and our ACK of that FIN closes the connection (CLOSED): nothing more comes.
 * RFC 9293 §3.6 (Figure 12's normal close sequence) and §3.10.7.4 (CLOSE-WAIT / LAST-ACK:
 * "The only thing that can arrive in this state is an acknowledgment of our FIN. If our FIN is
 * now acknowledged, delete the TCB"). The discard service closes when we close.
 */
import { scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'fin-last-ack',
  description: 'Client closes first: ACK of our FIN, the server FIN (LAST-ACK), our ACK: then silence',
  rfc: 'RFC 9293 §3.6, §3.10.7.4',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('FA'),
    // The ACK of our FIN may be folded into the server's FIN/ACK.
    expect('A', { seq: 1, ack: 2, optional: true }),
    expect('FA', { seq: 1, ack: 2 }),
    send('A'),
    // LAST-ACK -> CLOSED: no FIN retransmission (it would come after one RTO: 1 s at RFC 6298's
    // floor, plus the clock's granularity; Linux's is 200 ms).
    silence(1500),
  ],
});
