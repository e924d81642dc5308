/**
 * The MSS a TCP announces is based on the largest datagram it can reassemble, MMS_R, minus the
 * fixed IP and TCP headers (RFC 9293 §3.7.1, MUST-67; SHLD-6: it follows the interface's MTU).
 * The lab's link has a 1500-byte MTU, so the announced MSS is at most 1460 (the exact value is
 * the stack's choice and is recorded in the trace).
 */
import { scenario, send, expect, range, mss } from 'tcpcraft';

export default scenario({
  name: 'mss-from-mtu',
  description: 'The SYN/ACK announces an MSS of at most 1460 on a 1500-byte MTU',
  rfc: 'RFC 9293 §3.7.1 MUST-67',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(9000)] }),
    expect('SA', { seq: 0, ack: 1, options: { mss: range(1, 1460) } }),
    send('R', { seq: 1 }),
  ],
});
