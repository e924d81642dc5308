/**
 * The captured netcat session (seed: ../shared/seeds/001_*.txt) with tcpcraft playing the
 * *server* (`nc -l 5000` in the seed): a real client connects, sends one 34-byte line and
 * closes first; tcpcraft acknowledges the line, acknowledges the FIN, and closes too. Relative
 * numbers are the seed's: SYN 0, SYN/ACK 0/1, ACK 1/1, data 1/1 len 34, our ACK 1/35, the
 * client's FIN 35/1, our ACK 1/36 and FIN 1/36, the client's last ACK 36/2.
 *
 * tcpcraft answers on 10.77.0.1:5000, the lab's *client* namespace; the client runs in the
 * server namespace:
 *   sudo tcpcraft lab up
 *   sudo tcpcraft lab exec client -- tcpcraft run scenarios/netcat-5000-server.ts --timeout 30000 &
 *   printf 'Hello from tcpcraft, over netcat!\n' | sudo tcpcraft lab exec server -- nc -N 10.77.0.1 5000
 * Offline, with the seed's ISNs (here the client's ISN is the peer's):
 *   tcpcraft build scenarios/netcat-5000-server.ts --isn 547479085 --peer-isn 4126488336 --dport 24491
 *
 * The client's window and options are left out of the expectations, apart from the MSS a real
 * client always offers: they are the client stack's business (the seed's client said 65535 and
 * window scale 8; Linux says something else).
 */
import { scenario, send, expect, mss, nop, wscale, sackOk } from 'tcpcraft';

/** The seed's 34 bytes: "Seq: 1, Ack: 1, Len: 34", Next Sequence Number 35. */
export const LINE = 'Hello from tcpcraft, over netcat!\n';

export default scenario({
  name: 'netcat-5000-server',
  description: 'nc -l 5000 played by tcpcraft: a client sends 34 bytes and closes first (seed 001, server side)',
  role: 'server',
  local: { host: '10.77.0.1', port: 5000 },
  steps: [
    // client -[SYN]-> server: "Seq: 0, Len: 0", Flags 0x002 (SYN), with an MSS option.
    expect('S', { seq: 0, options: { has: ['mss'] } }),
    // client <-[SYN,ACK]- server: "Seq: 0, Ack: 1", Window 65535, "Options: (12 bytes), Maximum
    // segment size, No-Operation (NOP), Window scale, No-Operation (NOP), No-Operation (NOP),
    // SACK permitted" (the seed does not show the shift; 6 here).
    send('SA', { window: 65535, options: [mss(1460), nop(), wscale(6), nop(), nop(), sackOk()] }),
    // client -[ACK]-> server: "Seq: 1, Ack: 1". Optional: a client may fold it into its data.
    expect('A', { seq: 1, ack: 1, optional: true }),
    // client -[PSH,ACK]-> server: "Seq: 1, Ack: 1, Len: 34", the line itself.
    expect('PA', { seq: 1, ack: 1, payload: LINE }),
    // client <-[ACK]- server: "Seq: 1, Ack: 35": 4126488337 + 34 = 4126488371 in the seed.
    send('A', { ack: 35 }),
    // client -[FIN,ACK]-> server: "Seq: 35, Ack: 1". (It may arrive before our ACK went out.)
    expect('FA', { seq: 35, ack: 1 }),
    // client <-[ACK]- server: "Seq: 1, Ack: 36": the ACK of the client's FIN.
    send('A', { ack: 36 }),
    // client <-[FIN,ACK]- server: "Seq: 1, Ack: 36": we close too.
    send('FA'),
    // client -[ACK]-> server: "Seq: 36, Ack: 2": the connection is closed.
    expect('A', { seq: 36, ack: 2 }),
  ],
});
