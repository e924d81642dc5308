/**
 * A RST sent to a listening port is ignored: no answer, and the listener still accepts a SYN from
 * the same 4-tuple afterwards. RFC 9293 §3.10.7.2 (LISTEN state): "An incoming RST segment could
 * not be valid since it could not have been sent in response to anything sent by this
 * incarnation of the connection. An incoming RST should be ignored. Return."
 * Port 9 (discard) listens. Our RST counts for no sequence space, but the engine then asks for
 * explicit seqs on this flow; the run ends with an exact RST (seq = the listener's ack).
 */
import { scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'listener-rst-ignored',
  description: 'RST to a listener: no answer; a SYN from the same port then gets a SYN/ACK',
  rfc: 'RFC 9293 §3.10.7.2',
  expectedFailures: {
    slirp: { step: 2, field: 'unexpected', why: 'libslirp answers any segment for which it has no socket and that is not a bare SYN with a reset (tcp_input() in src/tcp_input.c: goto dropwithreset, which does not skip RSTs), so a RST gets a RST/ACK back, where RFC 9293 §3.10.7.1-2 says a RST is discarded.' },
  },
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('R', { seq: 0 }),
    silence(300),
    send('S', { seq: 0 }),
    expect('SA', { seq: 0, ack: 1, within: 500 }),
    send('A', { seq: 1 }),
    // Leave the target clean: an exact RST (seq = RCV.NXT) closes the accepted connection.
    send('R', { seq: 1 }),
  ],
});
