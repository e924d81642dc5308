/**
 * The urgent pointer points at the first octet after the urgent data (RFC 9293 §3.1 and §3.8.5:
 * MUST-30 support it, MUST-62 this meaning). We send "abc" to the echo service with URG and a
 * pointer of 2: the urgent data is "ab", its last octet "b". A receiver that hands the last
 * urgent octet to the application out of band (the BSD socket default) echoes "ac"; one that
 * keeps it inline echoes "abc". Echoing "ab" would mean the pointer was read the old way, as the
 * last urgent octet itself ("c"). All three bytes are acknowledged either way.
 */
import { scenario, send, expect, either, pattern } from 'tcpcraft';

export default scenario({
  name: 'urgent-pointer',
  description: 'URG pointer 2 over "abc": "b" is the last urgent octet (echo "ac" or "abc", never "ab")',
  rfc: 'RFC 9293 §3.8.5 MUST-30, MUST-62',
  peer: { host: '10.77.0.2', port: 7 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    send('UPA', { payload: 'abc', urgent: 2 }),
    expect('A', { seq: 1, ack: 4, len: 0, optional: true, timeout: 500 }),
    // "ac" may come as one segment or as "a" then "c" (the urgent mark splits the reads).
    either(expect('PA', { seq: 1, ack: 4, payload: pattern(/^(ac|abc)$/), within: 500 }), expect('PA', { seq: 1, ack: 4, payload: 'a', within: 500 })),
    expect('PA', { seq: 2, ack: 4, payload: 'c', optional: true, timeout: 500 }),
    send('A'),
  ],
});
