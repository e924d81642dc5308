/**
 * Sender silly window syndrome avoidance with Nagle off (RFC 9293 §3.8.6.2.1, MUST-38). Nagle's
 * algorithm alone holds a short segment back while data is unacknowledged, so sender-sws.ts (Nagle
 * on) cannot tell whether SWS avoidance is there; here the lab's echo-nodelay service (TCP_NODELAY)
 * echoes 1100 bytes to us (one segment of ours, within any MSS its link allows), with our MSS 400
 * and our window 1000. Two full 400-byte segments fill 800 of the window; the 200 left are less
 * than a segment, less than the 300 bytes queued, and less than half the largest window we offered (RFC 9293: "Fs x Max(SND.WND)", Fs = 1/2), so none
 * of the RFC's first three conditions to send holds: no 200-byte runt follows. (The fourth, "the
 * override timeout occurs", 0.1 - 1 s later, lies beyond the 80 ms watched.) Our ACK of the first
 * 800 bytes then opens room, and the 300 bytes left come whole.
 */
import { scenario, send, expect, either, silence, mss } from 'tcpcraft';

const DATA = 'e'.repeat(1100);

export default scenario({
  name: 'sender-sws-nodelay',
  description: 'TCP_NODELAY echo, MSS 400, window 1000: two full segments, no 200-byte runt, then the last 300 bytes',
  rfc: 'RFC 9293 §3.8.6.2.1 MUST-38',
  expectedFailures: {
    gvisor: { step: 8, field: 'unexpected', why: "gVisor's sender.maybeSendSegment (pkg/tcpip/transport/tcp/snd.go) has no RFC 9293 sender SWS test: its one guard, after Linux's tcp_snd_wnd_test (the whole segment or a full MSS must fit), applies only while data is in flight, and with segmentation offload on (runsc's default) a write is not cut at the MSS first: the first transmission fills the whole offered window and the offload cuts the 200 octets left into a runt at once." },
    slirp: { step: 6, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): its segments are as long as our window or its own 1440 bytes, not our MSS." },
  },
  requires: ['app-nodelay'],
  window: 1000,
  peer: { host: '10.77.0.2', port: 2007 },
  steps: [
    send('S', { options: [mss(400)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: DATA }),
    expect('A', { seq: 1, ack: 1101, len: 0, optional: true, timeout: 600 }),
    either(expect('A', { seq: 1, ack: 1101, len: 400 }), expect('PA', { seq: 1, ack: 1101, len: 400 })),
    either(expect('A', { seq: 401, ack: 1101, len: 400 }), expect('PA', { seq: 401, ack: 1101, len: 400 })),
    silence(80),
    send('A', { seq: 1101, ack: 801, window: 1000 }),
    either(expect('A', { seq: 801, ack: 1101, len: 300, within: 500 }), expect('PA', { seq: 801, ack: 1101, len: 300, within: 500 })),
    send('A', { seq: 1101, ack: 1101 }),
  ],
});
