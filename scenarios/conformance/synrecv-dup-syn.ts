/**
 * A duplicate of the client's SYN arrives while the server is in SYN-RECEIVED. Its sequence number
 * (IRS) is below RCV.NXT, so RFC 9293 §3.10.7.4 ("first, check sequence number") finds it not
 * acceptable and answers with an acknowledgment, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (gVisor does
 * exactly that); Linux answers by sending its SYN/ACK again (RFC 793 §3.4, Figure 10's recovery).
 * Either acknowledges the SYN at once; the RFC says "should", so the level is SHOULD. The
 * handshake then completes.
 */
import { either, scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'synrecv-dup-syn',
  description: 'Duplicate SYN in SYN-RECEIVED: acknowledged at once (SYN/ACK again, or an ACK); the handshake then completes',
  rfc: 'RFC 9293 §3.10.7.4; RFC 793 §3.4 (Figure 10)',
  level: 'SHOULD',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('S', { seq: 0 }),
    either(expect('SA', { seq: 0, ack: 1, within: 300 }), expect('A', { seq: 1, ack: 1, within: 300 })),
    send('A'),
    send('PA', { payload: 'after the duplicate SYN\n' }),
    expect('A', { seq: 1, ack: 25, within: 500 }),
  ],
});
