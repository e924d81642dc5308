/**
 * The application may change the Diffserv field during a connection (RFC 9293 §3.9.1.1, SHLD-21):
 * the target's application writes once with the default field, sets IP_TOS to 0x48 (DSCP 18,
 * AF21) and writes again: the second segment carries DSCP 18, the first did not.
 */
import { scenario, send, expect, app } from 'tcpcraft';

export default scenario({
  name: 'app-diffserv-change',
  description: 'IP_TOS changed between two writes: the second data segment carries the new DSCP',
  rfc: 'RFC 9293 §3.9.1.1 SHLD-21',
  level: 'SHOULD',
  expectedFailures: {
    slirp: { step: 11, field: 'ip', why: "libslirp's segments carry so->so_iptos (tcp_output(), src/tcp_output.c), fixed at setup from the guest's SYN; the host application's IP_TOS never reaches slirp's TCP" },
  },
  requires: ['app-puppet', 'ipv4'],
  peer: { host: '10.77.0.2', port: 2102 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('write', 'one\n'),
    expect('PA', { seq: 1, payload: 'one\n', ip: { dscp: 0 } }),
    send('A', { ack: 5 }),
    app('setsockopt', 'IP_TOS', 0x48),
    app('write', 'two\n'),
    expect('PA', { seq: 5, payload: 'two\n', ip: { dscp: 18 } }),
    send('A', { ack: 9 }),
  ],
});
