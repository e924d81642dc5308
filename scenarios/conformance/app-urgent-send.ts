/**
 * Urgent data sent by the application (RFC 9293 §3.8.5 MUST-30 and §3.1 MUST-62: the urgent
 * pointer points to the first octet after the urgent data). The target's application sends
 * "urgent!" as urgent data (MSG_OOB): the segment carries URG and a pointer 7 octets past its
 * sequence number, the octet after the last one. (An old-style pointer at the last urgent octet
 * itself would be 6.)
 */
import { scenario, send, expect, app } from 'tcpcraft';

export default scenario({
  name: 'app-urgent-send',
  description: 'the application sends 7 bytes of urgent data: URG with the pointer at the octet after them',
  rfc: 'RFC 9293 §3.8.5 MUST-30, MUST-62',
  expectedFailures: {
    gvisor: { step: 7, field: 'flags', why: "gVisor's netstack ignores MSG_OOB: Socket.SendMsg (pkg/sentry/socket/netstack/netstack.go) passes only MSG_MORE/MSG_EOR on, and buildTCPHdr (tcp/connect.go) never sets URG" },
    lwip: { step: 6, field: 'app', why: "lwIP cannot send urgent data: tcp_write() (src/core/tcp_out.c) takes only the COPY and MORE flags and every segment gets urgp = 0, so the puppet's urgent write fails (EOPNOTSUPP)" },
    slirp: { step: 7, field: 'urgent', why: "libslirp's sorecvoob() (src/socket.c) sets snd_up from what one recv() returned, and Linux's recv() stops before the last urgent byte: slirp's pointer covers 6 of the 7 octets" },
  },
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2107 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('write', 'urgent!', { oob: true }),
    expect('UPA', { seq: 1, ack: 1, payload: 'urgent!', urgent: 7 }),
    send('A', { ack: 8 }),
  ],
});
