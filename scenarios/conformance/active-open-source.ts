/**
 * An active open leaves from a source address IP chose for it (RFC 9293 §3.9.1.1, MUST-44: "If an
 * application on a multihomed host does not specify the local IP address when actively opening a
 * TCP connection, then the TCP implementation MUST ask the IP layer to select a local IP address
 * before sending the (first) SYN"). The lab's dialer, which binds no address, is asked to connect
 * back to us on port 47024: its SYN must come from the target's address on the lab network, the
 * one we reach it at (tcpcraft matches the exact address pair), not from an unspecified source
 * such as 0.0.0.0. We then refuse the connection with a RST.
 */
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'active-open-source',
  description: "The target's active open: its SYN comes from the target's own address",
  rfc: 'RFC 9293 §3.9.1.1 MUST-44',
  requires: ['app-dialer'],
  expectedFailures: { slirp: { step: 5, field: 'absent', why: 'libslirp is a NAT: it carries connections our side opens (and host ports forwarded with hostfwd), and nothing routes from its host side into the guest network, so the dialer behind it cannot reach us and no SYN ever comes.' } },
  peer: { host: '10.77.0.2', port: 2010 },
  connections: { back: { role: 'server', local: { port: 47024 } } },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: '47024\n' }),
    expect('S', { conn: 'back', seq: 0, within: 2000 }),
    send('RA', { conn: 'back', seq: 0, ack: 1 }),
  ],
});
