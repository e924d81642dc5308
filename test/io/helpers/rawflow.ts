/**
 * Test helper run INSIDE the lab's client namespace (`ip netns exec NS node --import tsx ...`):
 * opens the sniffer, optionally installs the guard, sends a raw SYN to the server, waits for the
 * SYN/ACK, optionally sends our own RST, and prints one JSON line describing what it saw.
 * Usage: rawflow.ts IFACE LOCAL_IP LOCAL_PORT PEER_IP PEER_PORT guard|noguard rst|norst
 * Every wait is bounded; the guard and sniffer are always released in `finally`.
 */
import { openSender } from '../../../src/io/sender.js';
import { openSniffer } from '../../../src/io/sniffer.js';
import { installGuard, type Guard } from '../../../src/io/guard.js';
import { buildTcp, summarize, type FrameSummary } from './packets.js';

const [iface, localIp, lportText, peerIp, pportText, guardMode, rstMode] = process.argv.slice(2);
if (!iface || !localIp || !lportText || !peerIp || !pportText || !guardMode || !rstMode) {
  throw new Error('usage: rawflow.ts IFACE LOCAL_IP LOCAL_PORT PEER_IP PEER_PORT guard|noguard rst|norst');
}
const lport = Number(lportText);
const pport = Number(pportText);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const frames: FrameSummary[] = [];
const sniffer = openSniffer({ iface, filter: `tcp and host ${peerIp} and port ${lport}` });
const sender = openSender();
let guard: Guard | undefined;
let guardTable = '';
try {
  sniffer.onFrame((frame, ts) => {
    const s = summarize(frame, sniffer.linkType, ts);
    if (s) frames.push(s);
  });
  if (guardMode === 'guard') {
    guard = await installGuard({ localIp, localPort: lport, peerIp, peerPort: pport });
    guardTable = guard.table;
  }
  const iss = 1000;
  await sender.send(buildTcp({ src: localIp, dst: peerIp, sport: lport, dport: pport, seq: iss, ack: 0, flags: 0x02 }), peerIp);
  let synack: FrameSummary | undefined;
  for (let i = 0; i < 40 && !synack; i++) {
    await sleep(50);
    synack = frames.find((f) => f.src === peerIp && f.flags === 0x12);
  }
  await sleep(300); // let the local stack answer (or not) the SYN/ACK
  if (rstMode === 'rst' && synack) {
    await sender.send(buildTcp({ src: localIp, dst: peerIp, sport: lport, dport: pport, seq: iss + 1, ack: 0, flags: 0x04 }), peerIp);
    await sleep(200);
  }
  process.stdout.write(`${JSON.stringify({ guardTable, linkType: sniffer.linkType, frames: frames.map((f) => ({ ...f, ts: String(f.ts) })) })}\n`);
} finally {
  sniffer.close();
  sender.close();
  await guard?.remove();
}
