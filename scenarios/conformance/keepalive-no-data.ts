/**
 * A keep-alive probe carries no data (RFC 9293 §3.8.4: "An implementation SHOULD send a keep-alive
 * segment with no data (SHLD-12); however, it MAY be configurable to send a keep-alive segment
 * containing one garbage octet (MAY-6), for compatibility with erroneous TCP implementations").
 * keepalive-probe.ts takes either form, as a MUST-level check must; here, at the SHOULD's level,
 * the lab's keepalive service (keep-alives after 1 s idle), left idle, sends a probe without data:
 * a stack whose probes carry the garbage octet unless told otherwise is below the SHOULD. Only the
 * probe's length is asserted (the RFC's SEG.SEQ = SND.NXT-1 is "generally", keepalive-probe.ts's
 * matter).
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'keepalive-no-data',
  description: 'Keep-alives on (1 s idle): the probe has no data',
  rfc: 'RFC 9293 §3.8.4 SHLD-12',
  level: 'SHOULD',
  requires: ['app-keepalive'],
  peer: { host: '10.77.0.2', port: 2009 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    expect('A', { ack: 1, len: 0, after: 900, timeout: 5000 }),
    send('A'),
    send('R', { seq: 1 }),
  ],
});
