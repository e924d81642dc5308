/**
 * Setting the keep-alive idle time does not turn keep-alives on (RFC 9293 §3.8.4: "If keep-alives
 * are included, the application MUST be able to turn them on or off for each TCP connection
 * (MUST-24), and they MUST default to off (MUST-25)"). keepalive-off-by-default.ts cannot tell
 * keep-alives that are off from keep-alives that are on with the two-hour default idle time
 * (MUST-28); here the target's application sets the idle time and the interval between probes to
 * 1 s (TCP_KEEPIDLE, TCP_KEEPINTVL) on an accepted connection but never asks for keep-alives
 * (SO_KEEPALIVE). Keep-alives that are off send nothing: the idle connection is silent for 2.5 s.
 */
import { scenario, send, expect, app, silence } from 'tcpcraft';

export default scenario({
  name: 'keepalive-off-idle-set',
  description: 'TCP_KEEPIDLE and TCP_KEEPINTVL 1 s without SO_KEEPALIVE: no keep-alive probe in 2.5 s',
  rfc: 'RFC 9293 §3.8.4 MUST-25',
  requires: ['app-puppet'],
  peer: { host: '10.77.0.2', port: 2171 },
  steps: [
    app('listen'),
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    app('accept'),
    app('setsockopt', 'TCP_KEEPIDLE', 1),
    app('setsockopt', 'TCP_KEEPINTVL', 1),
    silence(2500),
    send('R', { seq: 1 }),
  ],
});
