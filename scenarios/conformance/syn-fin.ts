/**
 * SYN and FIN together, sent to a listener. RFC 9293 §3.10.7.2 (LISTEN) processes the SYN (a
 * SYN/ACK acknowledging only the SYN) and leaves any other control for later; the eighth step
 * ignores a FIN in LISTEN. So the answer is a SYN/ACK with ack = ISN+1. Dropping the segment, as
 * some stacks do against SYN+FIN scans, is a deviation (recorded where a stack's source decides
 * it).
 */
import { scenario, send, expect } from 'tcpcraft';

const LINUX = "tcp_rcv_state_process() (net/ipv4/tcp_input.c) discards a SYN that also carries FIN while in LISTEN (drop reason TCP_FLAGS): a deliberate defence against SYN+FIN scans, where RFC 9293 §3.10.7.2 would answer the SYN and ignore the FIN.";

export default scenario({
  name: 'syn-fin',
  description: 'SYN+FIN to a listener: a SYN/ACK acknowledging only the SYN (ack 1)',
  rfc: 'RFC 9293 §3.10.7.2',
  level: 'SHOULD',
  expectedFailures: { linux: { step: 2, field: 'absent', why: LINUX }, 'linux-uml': { step: 2, field: 'absent', why: LINUX } },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('FS'),
    expect('SA', { seq: 0, ack: 1, timeout: 1000 }),
    send('R', { seq: 1 }),
  ],
});
