/**
 * A server offering TCP Fast Open answers a cookie request with a cookie (RFC 7413 §4.1.1: a Fast
 * Open option without a cookie in a SYN asks for one; §4.2.1: the server puts one in its SYN/ACK;
 * a cookie is 4 to 16 bytes). Our SYN to the lab's fast-open echo (port 2014, TCP_FASTOPEN on its
 * listener) carries an empty Fast Open option. Where the target does not offer TFO to servers
 * (the feature probe finds no cookie), this is N/A.
 */
import { scenario, send, expect, fastOpen, mss, where } from 'tcpcraft';

export default scenario({
  name: 'tfo-cookie',
  description: 'A SYN with a Fast Open cookie request gets a SYN/ACK with a cookie of 4 to 16 bytes',
  rfc: 'RFC 7413 §4.1.1, §4.2.1',
  level: 'MAY',
  requires: ['tfo'],
  peer: { host: '10.77.0.2', port: 2014 },
  steps: [
    send('S', { options: [mss(1460), fastOpen()] }),
    expect('SA', { seq: 0, ack: 1, options: { fastOpen: where<Uint8Array>('a cookie of 4 to 16 bytes', (c) => c.length >= 4 && c.length <= 16) } }),
    send('A'),
    send('R', { seq: 1 }),
  ],
});
