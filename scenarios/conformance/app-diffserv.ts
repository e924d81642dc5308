/**
 * The application sets the Diffserv field, and TCP hands it to IP unchanged (RFC 9293 §3.9.1.1
 * and §4.2.2.19 of RFC 1122 as RFC 9293 keeps them: MUST-48, SHLD-22). The target's application
 * sets IP_TOS to 0x20 (DSCP 8, CS1) before it connects to us: its SYN, its ACK and its data must
 * all carry DSCP 8. (IPv4: the option is IP_TOS.)
 */
import { scenario, send, expect, app, appWait } from 'tcpcraft';

export default scenario({
  name: 'app-diffserv',
  description: 'the application asks for DSCP 8 (IP_TOS 0x20): every segment of its connection carries it',
  rfc: 'RFC 9293 §3.9.1.1 MUST-48, SHLD-22',
  requires: ['app-puppet', 'ipv4'],
  role: 'server',
  local: { port: 2301 },
  peer: { host: '10.77.0.2' },
  steps: [
    app('setsockopt', 'IP_TOS', 0x20),
    app('connect', { background: 'connect' }),
    expect('S', { seq: 0, ip: { dscp: 8 } }),
    send('SA', { seq: 0, ack: 1 }),
    expect('A', { seq: 1, ack: 1, ip: { dscp: 8 } }),
    appWait('connect'),
    app('write', 'cs1\n'),
    expect('PA', { seq: 1, ack: 1, payload: 'cs1\n', ip: { dscp: 8 } }),
    send('A', { ack: 5 }),
  ],
});
