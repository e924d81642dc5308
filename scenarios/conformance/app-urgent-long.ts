/**
 * Urgent data longer than a segment (RFC 9293 §3.8.5, MUST-31: "A TCP implementation MUST support a
 * sequence of urgent data of any length"). SEND with the urgent flag sets SND.UP to the end of the
 * data "and set[s] the urgent pointer in the outgoing segments" (§3.10.2): every segment sent
 * before SND.UP carries URG and a pointer to the octet after the urgent data (MUST-62), as an
 * offset from its own sequence number (§3.1), so the receiver learns of the urgent data from the
 * first of them on. We announce an MSS of 500; the target's application sends 1000 bytes of urgent
 * data (MSG_OOB): the segment at 1 carries URG with pointer 1000, the one at 501 URG with pointer
 * 500. A stack that marked only the segment in which the urgent data ends would send the first as
 * plain data. (One-segment urgent data is app-urgent-send.ts's.)
 */
import { scenario, send, expect, either, app, mss, type ExpectFields, type Step } from 'tcpcraft';

/** A segment with URG, with or without PSH. */
const urgent = (f: ExpectFields): Step => either(expect('UA', f), expect('UPA', f));

export default scenario({
  name: 'app-urgent-long',
  description: 'the application sends 1000 bytes of urgent data with MSS 500: both segments carry URG, pointers 1000 and 500',
  rfc: 'RFC 9293 §3.8.5 MUST-31, MUST-62; §3.10.2',
  expectedFailures: {
    lwip: { step: 6, field: 'app', why: "lwIP cannot send urgent data: tcp_write() (src/core/tcp_out.c) takes only the COPY and MORE flags and every segment gets urgp = 0, so the puppet's urgent write fails (EOPNOTSUPP)." },
    gvisor: { step: 7, field: 'flags', why: "gVisor's netstack keeps only MSG_MORE and MSG_EOR of a send (SendMsg in pkg/sentry/socket/netstack/netstack.go) and its TCP has no urgent mode (maybeSendSegment in pkg/tcpip/transport/tcp/snd.go never sets URG or an urgent pointer): the urgent data goes as plain data, where RFC 9293 §3.8.5 MUST-31 and MUST-62 want every segment before SND.UP marked." },
    slirp: { step: 7, field: 'len', why: "libslirp ignores our MSS option (see mss-respected), and the application's MSG_OOB goes through Linux's TCP on the host side, which marks only the last octet: sorecvoob() (src/socket.c) sets snd_up from what one recv() returned, so the 1000-octet span never reaches slirp's own TCP." },
  },
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2181 },
  steps: [
    app('listen'),
    send('S', { options: [mss(500)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('write', 1000, { oob: true }),
    urgent({ seq: 1, ack: 1, len: 500, urgent: 1000 }),
    urgent({ seq: 501, ack: 1, len: 500, urgent: 500 }),
    send('A', { ack: 1001 }),
  ],
});
