/**
 * The effective send MSS leaves room for TCP options (RFC 9293 §3.7.1, MUST-16: Eff.snd.MSS =
 * min(SendMSS+20, MMS_S) - TCPhdrsize - IPoptionsize, where TCPhdrsize counts the options). We
 * offer MSS 1000 and timestamps; every data segment carries a 12-byte timestamp option, so it
 * holds at most 988 bytes of data.
 */
import { scenario, send, expect, either, range, capture, use, mss, nop, timestamp } from 'tcpcraft';

const TS0 = 3_000_000;

export default scenario({
  name: 'mss-effective',
  description: 'MSS 1000 with timestamps: data segments hold at most 988 bytes',
  rfc: 'RFC 9293 §3.7.1 MUST-16; RFC 7323 §3',
  requires: ['timestamps'],
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S', { options: [mss(1000), nop(), nop(), timestamp(TS0, 0)] }),
    expect('SA', { seq: 0, ack: 1, options: { timestamp: { tsval: capture('ts') } } }),
    send('A', { options: [nop(), nop(), timestamp(TS0 + 1, use('ts'))] }),
    either(expect('A', { seq: 1, len: range(1, 988) }), expect('PA', { seq: 1, len: range(1, 988) })),
    either(expect('A', { len: range(1, 988) }), expect('PA', { len: range(1, 988) })),
  ],
});
