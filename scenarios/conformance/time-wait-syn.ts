/**
 * A SYN may reopen a connection in TIME-WAIT when its sequence number is beyond the old
 * connection's (RFC 9293 §3.6.1, MAY-2). After the daytime exchange, the server is in TIME-WAIT;
 * a new SYN from the same port with an ISN 100000 past ours is answered with a SYN/ACK.
 * RFC 9293 §3.6.1 allows this only if the TCP "(1) assigns its initial sequence number for the new
 * connection to be larger than the largest sequence number it used on the previous connection
 * incarnation": the new ISN lies past the old connection's last (its FIN, at ISN + 23), by less
 * than half the sequence space.
 */
import { scenario, send, expect, either, where } from 'tcpcraft';

let first = 0;

export default scenario({
  name: 'time-wait-syn',
  description: 'A SYN with a higher ISN in TIME-WAIT opens a new connection (SYN/ACK), its ISN past the old connection\'s',
  rfc: 'RFC 9293 §3.6.1 MAY-2',
  level: 'MAY',
  peer: { host: '10.77.0.2', port: 13 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1, rawSeq: where('recorded', (v: number) => ((first = v), true)) }),
    send('A'),
    either(expect('PA', { seq: 1, ack: 1, len: 22 }), expect('FPA', { seq: 1, ack: 1, len: 22 })),
    send('A'),
    expect('FA', { seq: 23, ack: 1, optional: true, timeout: 1000 }),
    send('A'),
    send('FA'),
    expect('A', { seq: 24, ack: 2, within: 500 }),
    send('S', { seq: 100000 }),
    expect('SA', { ack: 100001, within: 1000, rawSeq: where('beyond the old connection\'s sequence numbers (its FIN was ISN + 23)', (v: number) => { const d = (v - first) >>> 0; return d > 23 && d < 0x8000_0000; }) }),
    send('R', { seq: 100001 }),
  ],
});
