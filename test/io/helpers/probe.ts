/**
 * Test helper: run one I/O entry point in a fresh process (possibly inside a namespace or with
 * capabilities dropped) and print one JSON line {ok, name, message, value}.
 * Usage: probe.ts sender | route DST | sniffer IFACE FILTER | ifaddr IP | resolve IFACE IP MS | link IFACE PEER
 */
import { openSender } from '../../../src/io/sender.js';
import { openSniffer } from '../../../src/io/sniffer.js';
import { interfaceWithAddress, routeTo } from '../../../src/io/route.js';
import { resolveMac } from '../../../src/io/neigh.js';
import { openLinkSender } from '../../../src/io/link.js';

const [what, a = '', b = '', c = ''] = process.argv.slice(2);
try {
  let value: unknown = null;
  if (what === 'sender') openSender().close();
  else if (what === 'route') value = await routeTo(a);
  else if (what === 'sniffer') {
    const s = openSniffer({ iface: a, filter: b });
    value = s.linkType;
    s.close();
  } else if (what === 'ifaddr') value = await interfaceWithAddress(a);
  else if (what === 'resolve') {
    const t0 = Date.now();
    try {
      value = await resolveMac(a, b, { timeoutMs: Number(c) });
    } finally {
      process.stderr.write(`elapsed ${Date.now() - t0}\n`);
    }
  } else if (what === 'link') {
    const l = await openLinkSender({ iface: a, peerIp: b });
    value = { linkType: l.linkType, peerMac: l.peerMac };
    l.close();
  } else throw new Error(`unknown probe '${what}'`);
  process.stdout.write(`${JSON.stringify({ ok: true, value })}\n`);
} catch (err) {
  const e = err as Error;
  process.stdout.write(`${JSON.stringify({ ok: false, name: e.name, message: e.message })}\n`);
}
