/**
 * The captured netcat session (seed: ../shared/seeds/001_*.txt, "client -[SYN]-> server ..."):
 * a client connects to `nc -l 5000`, sends one 34-byte line, and closes first.
 *
 * Replay the seed's exact numbers offline:
 *   tcpcraft build scenarios/netcat-5000.ts --isn 4126488336 --peer-isn 547479085 --sport 24491
 * Live, against the lab's real nc (see README):
 *   tcpcraft lab up && tcpcraft lab exec client -- tcpcraft run scenarios/netcat-5000.ts
 *
 * Windows and options of the server's segments are left out of the expectations: they are the
 * server stack's business (the seed's macOS-like peer said 65535, Linux says something else).
 */
import { scenario, send, expect, mss, nop, wscale, sackOk } from 'tcpcraft';

export default scenario({
  name: 'netcat-5000',
  description: 'Client sends 34 bytes to nc on port 5000 and closes first (seed 001)',
  peer: { host: '10.77.0.2', port: 5000 },
  steps: [
    // Seq: 0, Len: 0, Flags 0x002 (SYN), Window 65535, header 32 bytes: 12 bytes of options.
    send('S', { window: 65535, options: [mss(1460), nop(), wscale(8), nop(), nop(), sackOk()] }),
    // "Seq: 0, Ack: 1": the server's SYN/ACK acknowledges our ISN + 1.
    expect('SA', { seq: 0, ack: 1 }),
    // "Seq: 1, Ack: 1", Window 10233 (x256 = 2619648 with the scale factor we offered).
    send('A', { window: 10233 }),
    // "Seq: 1, Ack: 1, Len: 34", Flags 0x018 (PSH, ACK): Next Sequence Number 35.
    send('PA', { payload: 'Hello from tcpcraft, over netcat!\n', window: 10233 }),
    // "Seq: 1, Ack: 35": the server acknowledges the 34 bytes.
    expect('A', { seq: 1, ack: 35 }),
    // "Seq: 35, Ack: 1", Flags 0x011 (FIN, ACK): our terminal closes.
    send('FA', { window: 10233 }),
    // "Seq: 1, Ack: 36": the ACK of our FIN. A stack may fold it into its FIN/ACK, so it is optional.
    expect('A', { seq: 1, ack: 36, optional: true }),
    // "Seq: 1, Ack: 36", Flags 0x011 (FIN, ACK): the server closes too.
    expect('FA', { seq: 1, ack: 36 }),
    // "Seq: 36, Ack: 2": we acknowledge its FIN; the connection is closed.
    send('A', { window: 10233 }),
  ],
});
