/**
 * Test helper run INSIDE the lab's client namespace: sends the same IPv4 header faults once on
 * the link-layer path (src/io/link.ts) and once on the raw-socket path (src/io/sender.ts), built
 * with src/wire, and prints one JSON line {linkType, peerMac, sent: [{path, sport, ...}]}.
 * Usage: linksend.ts IFACE LOCAL_IP PEER_IP PEER_PORT
 * Both senders are closed in `finally`; nothing waits unboundedly.
 */
import { openLinkSender } from '../../../src/io/link.js';
import { openSender } from '../../../src/io/sender.js';
import { buildPacket } from '../../../src/wire/packet.js';
import type { Ipv4Spec } from '../../../src/wire/ipv4.js';

const [iface, localIp, peerIp, pportText] = process.argv.slice(2);
if (!iface || !localIp || !peerIp || !pportText) throw new Error('usage: linksend.ts IFACE LOCAL_IP PEER_IP PEER_PORT');

/** Each case is sent on both paths, told apart by source port (link: base, raw: base + 1). */
const CASES: ReadonlyArray<{ name: string; base: number; ip: Partial<Ipv4Spec> }> = [
  { name: 'checksum', base: 41000, ip: { id: 0x1001, checksum: 0x1234 } },
  { name: 'totalLength', base: 41010, ip: { id: 0x1002, totalLength: 300 } },
  // the kernel fills a zero id only when DF is clear (with DF it leaves 0: ip_select_ident)
  { name: 'id0', base: 41020, ip: { id: 0, flags: 0 } },
  { name: 'src0', base: 41030, ip: { id: 0x1004, src: '0.0.0.0' } },
];

const link = await openLinkSender({ iface, peerIp });
const raw = openSender();
const sent: Array<{ name: string; path: string; sport: number; bytes: number }> = [];
try {
  for (const c of CASES) {
    for (const path of ['link', 'raw'] as const) {
      const sport = c.base + (path === 'raw' ? 1 : 0);
      const pkt = buildPacket({
        ip: { src: localIp, dst: peerIp, ...c.ip },
        tcp: { srcPort: sport, dstPort: Number(pportText), seq: 1000, ack: 1, flags: 0x10, window: 1024 },
      });
      if (path === 'link') await link.send(pkt);
      else await raw.send(pkt, peerIp);
      sent.push({ name: c.name, path, sport, bytes: pkt.length });
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  process.stdout.write(`${JSON.stringify({ linkType: link.linkType, peerMac: link.peerMac, sent })}\n`);
} finally {
  link.close();
  raw.close();
}
