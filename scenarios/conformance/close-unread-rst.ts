/**
 * An application that closes with data it never read makes its TCP send a RST, so the peer
 * knows the data was lost (RFC 9293 §3.6, SHLD-3). The lab's unread service never reads and
 * closes 1 s after accepting: the 11 bytes we sent are acknowledged (within the 500 ms a delayed
 * ACK may take, RFC 9293 §3.8.6.3), then a RST comes.
 * The RST is the ABORT's (§3.10.5: <SEQ=SND.NXT><CTL=RST>); the RFC gives it no ACK bit, and
 * forbids none, so a RST/ACK (Linux's) is taken as well as a bare one.
 */
import { scenario, send, expect, either } from 'tcpcraft';

export default scenario({
  name: 'close-unread-rst',
  description: 'The application closes with unread data: RST instead of FIN',
  rfc: 'RFC 9293 §3.6 SHLD-3',
  level: 'SHOULD',
  requires: ['app-unread'],
  peer: { host: '10.77.0.2', port: 2003 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('PA', { payload: 'never read\n' }),
    expect('A', { seq: 1, ack: 12, within: 600 }),
    either(expect('R', { seq: 1, within: 1500 }), expect('RA', { seq: 1, ack: 12, within: 1500 })),
  ],
});
