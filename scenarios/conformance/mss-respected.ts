/**
 * The server never sends a segment larger than the MSS we announced. RFC 9293 §3.7.1: "a TCP
 * endpoint MUST NOT send a segment with more data than the MSS announced by the receiver"
 * (MUST-14 and the Effective Send MSS of RFC 1122 §4.2.2.6). We offer 200 bytes (the lab link
 * would allow 1460) and chargen has 64 KiB to send: every segment of its first flight (as many as
 * its initial window allows, up to RFC 6928's ten; the stack's choice, shown in the trace) is
 * checked, then all of it is acknowledged, and so is the next segment.
 */
import { scenario, send, expect, either, mss, range, type Step } from 'tcpcraft';

const MSS = 200;

/** A data segment (with or without PSH) of at most our MSS; `optional` for all but the first of a flight. */
function segment(seq: number | undefined, optional = false): Step {
  // A flight's segments come back to back: a missing one is not waited for long.
  const f = { ...(seq !== undefined ? { seq } : {}), len: range(1, MSS), ...(optional ? { optional, timeout: 300 } : {}) };
  return either(expect('A', f), expect('PA', f));
}

export default scenario({
  name: 'mss-respected',
  description: 'We offer MSS 200: every chargen segment carries at most 200 bytes',
  timeout: 2000,
  expectedFailures: {
    slirp: { step: 4, field: 'len', why: "libslirp ignores our MSS option when its host-side connect() completes later (tcp_input() re-entered with m == NULL jumps to cont_conn with optp unset, so tcp_dooptions() never sees the SYN's options, src/tcp_input.c): it sends 1440-byte segments to a peer that announced 200." },
  },
  rfc: 'RFC 9293 §3.7.1 MUST-14; RFC 1122 §4.2.2.6',
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(MSS)] }),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    segment(1),
    ...Array.from({ length: 9 }, (_, k) => segment(1 + (k + 1) * MSS, true)),
    send('A'),
    segment(undefined),
  ],
});
