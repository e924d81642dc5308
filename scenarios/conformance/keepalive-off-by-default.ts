/**
 * Keep-alives are off unless the application asks for them (RFC 9293 §3.8.4, MUST-25; MUST-28:
 * when on, the default idle time is at least two hours). An idle connection to the discard
 * service (which does not ask) sees nothing for 2.5 s. This cannot prove "never", only that no
 * short default is in force; the two-hour default itself is not testable in bounded time.
 */
import { scenario, send, expect, silence } from 'tcpcraft';

export default scenario({
  name: 'keepalive-off-by-default',
  description: 'An idle connection whose application did not ask for keep-alives: nothing for 2.5 s',
  rfc: 'RFC 9293 §3.8.4 MUST-25',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    silence(2500),
    send('R', { seq: 1 }),
  ],
});
