/**
 * A RST outside the receive window is silently dropped: no challenge ACK, no reset.
 * RFC 5961 §3.2: "If the RST bit is set and the sequence number is outside the current receive
 * window, silently drop the segment." (RFC 9293 §3.10.7.4.) Afterwards the connection still
 * acknowledges data.
 */
import { scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'rst-out-of-window',
  description: 'RST 1 GiB beyond RCV.NXT: silence, connection kept',
  rfc: 'RFC 5961 §3.2; RFC 9293 §3.10.7.4 MAY-12',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('R', { seq: 1 + 0x40000000 }),
    silence(600),
    send('PA', { seq: 1, payload: 'still connected\n' }),
    expect('A', { seq: 1, ack: 17, within: 500 }),
    send('R', { seq: 17 }),
  ],
});
