/**
 * Data in a SYN whose Fast Open cookie is not valid is not taken (RFC 7413 §4.2.2: the server
 * then drops the data and acknowledges only the SYN, as plain TCP would; the client sends the
 * data again after the handshake). Our SYN to the lab's fast-open echo carries 8 made-up cookie
 * bytes and "hello": the SYN/ACK acknowledges the SYN alone (ack 1). We then send "hello" the
 * normal way and it is echoed.
 */
import { scenario, send, expect, fastOpen, mss } from 'tcpcraft';

export default scenario({
  name: 'tfo-bad-cookie',
  description: 'A SYN with an invalid Fast Open cookie and 5 bytes: only the SYN is acknowledged (ack 1)',
  rfc: 'RFC 7413 §4.2.2',
  // TCP Fast Open is an experimental, optional mechanism: every check of it is at most a MAY.
  level: 'MAY',
  requires: ['tfo'],
  peer: { host: '10.77.0.2', port: 2014 },
  steps: [
    send('S', { options: [mss(1460), fastOpen([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04])], payload: 'hello' }),
    expect('SA', { seq: 0, ack: 1 }),
    send('PA', { seq: 1, payload: 'hello' }),
    expect('A', { seq: 1, ack: 6, optional: true, timeout: 500 }),
    expect('PA', { seq: 1, ack: 6, payload: 'hello', within: 500 }),
    send('R', { seq: 6 }),
  ],
});
