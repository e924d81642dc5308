/**
 * A flow label, once a source sets one, stays the same for the packets of that flow (RFC 6437
 * §3: source hosts are recommended to label every packet of a transport connection alike, so
 * that the network can keep the flow on one path). The lab's server (Linux labels its flows by
 * default, net.ipv6.auto_flowlabels) answers our SYN, echoes our line and closes; the label
 * of its SYN/ACK is captured (any value, zero included) and each later segment must carry it.
 */
import { scenario, send, expect, capture, use } from 'tcpcraft';

export default scenario({
  name: 'ipv6-flow-label',
  description: "The peer keeps one flow label for all the segments of a connection",
  rfc: 'RFC 6437 §3',
  level: 'SHOULD',
  requires: ['ipv6'],
  peer: { host: 'fd77::2', port: 7 },
  steps: [
    send('S', { ip: { flowLabel: 0x12345 } }),
    expect('SA', { seq: 0, ack: 1, ip: { flowLabel: capture('label') } }),
    send('A', { ip: { flowLabel: 0x12345 } }),
    send('PA', { payload: 'echo me\n', ip: { flowLabel: 0x12345 } }),
    // The echo service may acknowledge the line before it echoes it.
    expect('A', { seq: 1, ack: 9, optional: true, ip: { flowLabel: use('label') } }),
    expect('PA', { seq: 1, ack: 9, payload: 'echo me\n', ip: { flowLabel: use('label') } }),
    send('FA', { seq: 9, ack: 9, ip: { flowLabel: 0x12345 } }),
    expect('FA', { seq: 9, ack: 10, ip: { flowLabel: use('label') } }),
    send('A', { seq: 10, ack: 10, ip: { flowLabel: 0x12345 } }),
  ],
});
