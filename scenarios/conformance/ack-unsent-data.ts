/**
 * An ACK of data the server never sent (SEG.ACK > SND.NXT) is not taken.
 * RFC 9293 §3.10.7.4 (fifth check, ESTABLISHED): "If the ACK acks something not yet sent
 * (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and return."
 * Recent Linux does exactly that (tcp_ack: SKB_DROP_REASON_TCP_ACK_UNSENT_DATA after a challenge
 * ACK); Linux 6.1 drops it without a word (see expectedFailures).
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'ack-unsent-data',
  description: 'ACK of unsent data: answered by an ACK, segment dropped',
  rfc: 'RFC 9293 §3.10.7.4',
  expectedFailures: {
    gvisor: { step: 5, field: 'ack', why: 'gVisor\'s netstack checks SEG.ACK > SND.NXT only in the closing states (pkg/tcpip/transport/tcp/rcv.go, handleRcvdSegmentClosing); in ESTABLISHED it takes the segment\'s data, where RFC 9293 §3.10.7.4 says to drop the segment and send an ACK.' },
    'linux-uml': { step: 5, field: 'absent', why: 'Linux 6.1\'s tcp_ack() (net/ipv4/tcp_input.c) returns SKB_DROP_REASON_TCP_ACK_UNSENT_DATA and drops the segment without answering; newer kernels (the host\'s 6.18) send a challenge ACK there, as RFC 9293 §3.10.7.4 says.' },
  },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { ack: 1001, payload: 'acking the future\n' }),
    // ack 1: the 18 bytes were not taken.
    expect('A', { seq: 1, ack: 1, len: 0, within: 300 }),
    // The same bytes with an acceptable ACK are taken.
    send('PA', { seq: 1, payload: 'acking the future\n' }),
    expect('A', { seq: 1, ack: 19, within: 500 }),
  ],
});
