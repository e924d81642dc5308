/**
 * The daytime exchange from the video walkthrough (seed: ../shared/seeds/000_*.txt), with
 * tcpcraft playing the *server*: a real client connects to port 13, tcpcraft answers the
 * handshake, sends 22 bytes of time of day and closes first, then the client closes. The
 * relative numbers are the video's: our data seq 1 len 22, the client's ack 23, our FIN seq 23,
 * the client's ack 24, the client's FIN seq 1, our ack 2.
 *
 * tcpcraft answers on 10.77.0.1:13, the lab's *client* namespace (nothing listens there, and the
 * kernel-RST guard keeps the local stack from resetting the client's SYN); the client runs in
 * the server namespace. In the lab:
 *   sudo tcpcraft lab up
 *   sudo tcpcraft lab exec client -- tcpcraft run scenarios/daytime-13-server.ts --timeout 30000 &
 *   sudo tcpcraft lab exec server -- nc -d 10.77.0.1 13      # prints the 22 bytes, exits 0
 * `--timeout` is how long to wait for the client's SYN (and for each later segment).
 * Offline, with the video's ISNs of 0:
 *   tcpcraft build scenarios/daytime-13-server.ts --isn 0 --peer-isn 0
 */
import { scenario, send, expect, mss } from 'tcpcraft';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');
/** 22 bytes of time of day, as the lab's daytime service writes them: "DD Mon YYYY HH:MM:SS\r\n" (UTC). */
function timeOfDay(d = new Date()): string {
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}\r\n`;
}

export default scenario({
  name: 'daytime-13-server',
  description: 'Daytime (RFC 867) server on port 13: 22 bytes of time of day, server closes first (seed 000, server side)',
  role: 'server',
  local: { host: '10.77.0.1', port: 13 },
  steps: [
    // "the client is going to send a packet to the server to initiate the connection ... the
    // sequence number is going to be zero" and the SYN bit is set. A real client offers an MSS.
    expect('S', { seq: 0, options: { has: ['mss'] } }),
    // "the server is going to respond ... the acknowledgement number is one ... also going to set
    // its own syn bit and send its sequence number, which in this case I'll just say zero".
    send('SA', { options: [mss(1460)] }),
    // "the client is going to acknowledge that with an ack with the acknowledgment number of one
    // and it's going to set its sequence number to one".
    expect('A', { seq: 1, ack: 1 }),
    // "22 bytes of data that contain the time of day ... the sequence number for this is going to
    // be sequence number one".
    send('PA', { payload: timeOfDay() }),
    // "it's going to acknowledge and say that the next sequence number it expects is 23". (A
    // Linux client acknowledges at once: it is still in quick-ACK mode this early.)
    expect('A', { seq: 1, ack: 23 }),
    // "it sends a packet with the fin bit set and in this case the sequence number is going to be 23".
    send('FA'),
    // "it sends an ack with the acknowledgement number of 24". A client whose application closes
    // at once folds this ACK into its own FIN, so it is optional.
    expect('A', { seq: 1, ack: 24, optional: true }),
    // "the client is going to send another packet here with its fin bit set ... it's going to set
    // the sequence number to one" (and still acknowledges 24).
    expect('FA', { seq: 1, ack: 24 }),
    // "the server acknowledges that saying that the next sequence number for the client is two".
    send('A'),
  ],
});
