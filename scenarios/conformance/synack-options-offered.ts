/**
 * The SYN/ACK answers every option we offered: its own MSS, window scale, SACK-permitted, and a
 * timestamp that echoes our TSval in its TSecr. RFC 9293 §3.7.1 (MSS), RFC 7323 §2.2 (window
 * scale is sent in the SYN/ACK only if received in the SYN) and §3.2 (TSecr echoes TS.Recent,
 * the SYN's TSval), RFC 2018 §2 (SACK-permitted). Our final ACK echoes its TSval, captured.
 * The lab link has MTU 1500, so the server's MSS is 1460.
 */
import { scenario, send, expect, capture, use, mss, nop, wscale, sackOk, timestamp } from 'tcpcraft';

const OUR_TSVAL = 0x1000abcd;

export default scenario({
  name: 'synack-options-offered',
  description: 'SYN with MSS, WS, SACK-permitted and TS: the SYN/ACK carries all four, TSecr = our TSval',
  rfc: 'RFC 7323 §2.2, §3.2; RFC 2018 §2; RFC 9293 §3.7.1 MUST-14',
  requires: ['sack', 'timestamps', 'wscale'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), sackOk(), timestamp(OUR_TSVAL, 0), nop(), wscale(7)] }),
    expect('SA', {
      seq: 0,
      ack: 1,
      options: { mss: capture('peerMss'), wscale: capture('ws'), has: ['sackOk'], timestamp: { tsval: capture('peerTs'), tsecr: OUR_TSVAL } },
    }),
    send('A', { options: [nop(), nop(), timestamp(OUR_TSVAL + 1, use('peerTs'))] }),
    // The run's cleanup RST (seq = the server's last ack) removes the connection.
  ],
});
