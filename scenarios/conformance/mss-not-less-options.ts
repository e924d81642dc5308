/**
 * The MSS a stack announces is its MTU less the fixed IP and TCP headers only, not less the options
 * it means to send (RFC 6691 §2: "When calculating the value to put in the TCP MSS option, the MTU
 * value SHOULD be decreased by only the size of the fixed IP and TCP headers and SHOULD NOT be
 * decreased to account for any possible IP or TCP options; conversely, the sender MUST reduce the
 * TCP data length to account for any IP or TCP options that it is including in the packets that
 * it sends"; RFC 9293 §3.7.1 says the same). Our SYN offers timestamps (and SACK and window
 * scaling, as a common client's does): the SYN/ACK, agreeing to timestamps, still announces 1460 on
 * the lab's 1500-byte link, not 1448. (The sender's half of the rule, data segments less the
 * options they carry, is mss-effective.ts's, MUST-16; at most 1460 whatever is offered is
 * mss-from-mtu.ts's.) IPv4 only: over IPv6 the value is 1440.
 */
import { scenario, send, expect, mss, nop, sackOk, timestamp, wscale } from 'tcpcraft';

const TS0 = 8_000_000;

export default scenario({
  name: 'mss-not-less-options',
  description: 'A SYN offering timestamps: the SYN/ACK agrees to them and still announces MSS 1460, not 1448',
  rfc: 'RFC 6691 §2; RFC 9293 §3.7.1',
  level: 'SHOULD',
  requires: ['timestamps', 'ipv4'],
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S', { options: [mss(1460), sackOk(), timestamp(TS0, 0), nop(), wscale(7)] }),
    expect('SA', { seq: 0, ack: 1, options: { mss: 1460, timestamp: { tsecr: TS0 } } }),
    send('R', { seq: 1 }),
  ],
});
