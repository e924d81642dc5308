/**
 * The MSS a stack announces is its MTU less the fixed IP and TCP headers only, not less the options
 * it means to send (RFC 6691 §2: "When calculating the value to put in the TCP MSS option, the MTU
 * value SHOULD be decreased by only the size of the fixed IP and TCP headers and SHOULD NOT be
 * decreased to account for any possible IP or TCP options; conversely, the sender MUST reduce the
 * TCP data length to account for any IP or TCP options that it is including in the packets that
 * it sends"; RFC 9293 §3.7.1 says the same). A first SYN offers no options but the MSS: the
 * SYN/ACK announces the MTU less 40 (1460 on the lab's 1500-byte link; whatever the target's MTU
 * is, it is recorded). A second SYN, on another connection, offers timestamps (and SACK and window
 * scaling, as a common client's does): the SYN/ACK, agreeing to timestamps, must announce the same
 * MSS, not 12 less. (The sender's half of the rule, data segments less the options they carry, is
 * mss-effective.ts's, MUST-16; at most the MTU less 40 is mss-from-mtu.ts's.) IPv4 only.
 */
import { scenario, send, expect, mss, nop, sackOk, timestamp, where, wscale } from 'tcpcraft';

const TS0 = 8_000_000;
/** The MSS announced to a SYN without options. */
let plain = 0;

export default scenario({
  name: 'mss-not-less-options',
  description: 'A SYN offering timestamps: the SYN/ACK agrees to them and announces the same MSS as to a SYN without them (1460, not 1448)',
  rfc: 'RFC 6691 §2; RFC 9293 §3.7.1',
  level: 'SHOULD',
  requires: ['timestamps', 'ipv4'],
  peer: { host: '10.77.0.2', port: 9 },
  connections: { ts: {} },
  steps: [
    send('S', { options: [mss(1460)] }),
    expect('SA', { seq: 0, ack: 1, options: { mss: where<number>('recorded', (m) => ((plain = m), true)) } }),
    send('R', { seq: 1 }),
    send('S', { conn: 'ts', options: [mss(1460), sackOk(), timestamp(TS0, 0), nop(), wscale(7)] }),
    expect('SA', { conn: 'ts', seq: 0, ack: 1, options: { mss: where<number>('the MSS announced without timestamps', (m) => m === plain), timestamp: { tsecr: TS0 } } }),
    send('R', { conn: 'ts', seq: 1 }),
  ],
});
