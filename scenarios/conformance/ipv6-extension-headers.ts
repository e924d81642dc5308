/**
 * Extension headers between the IPv6 header and TCP are the IP layer's business (RFC 8200 §4):
 * a SYN behind a hop-by-hop options header and a destination options header, both carrying only
 * PadN padding, and an atomic fragment header (offset 0, no more fragments: RFC 8200 §4.5,
 * RFC 6946) reaches TCP as any SYN does, and is answered with a SYN/ACK.
 */
import { scenario, send, expect, ext } from 'tcpcraft';

export default scenario({
  name: 'ipv6-extension-headers',
  description: 'A SYN behind hop-by-hop, destination options and atomic fragment headers is answered normally',
  rfc: 'RFC 8200 §4, §4.5; RFC 6946',
  requires: ['ipv6'],
  peer: { host: 'fd77::2', port: 9 },
  steps: [
    send('S', { ip: { extensions: [ext(0), ext(60), ext(44, [0, 0, 0, 0, 0x12, 0x34])] } }),
    expect('SA', { seq: 0, ack: 1 }),
    send('R', { seq: 1 }),
  ],
});
