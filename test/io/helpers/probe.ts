/**
 * Test helper: run one I/O entry point in a fresh process (possibly inside a namespace or with
 * capabilities dropped) and print one JSON line {ok, name, message, value}.
 * Usage: probe.ts sender | route DST | sniffer IFACE FILTER
 */
import { openSender } from '../../../src/io/sender.js';
import { openSniffer } from '../../../src/io/sniffer.js';
import { routeTo } from '../../../src/io/route.js';

const [what, a = '', b = ''] = process.argv.slice(2);
try {
  let value: unknown = null;
  if (what === 'sender') openSender().close();
  else if (what === 'route') value = await routeTo(a);
  else if (what === 'sniffer') {
    const s = openSniffer({ iface: a, filter: b });
    value = s.linkType;
    s.close();
  } else throw new Error(`unknown probe '${what}'`);
  process.stdout.write(`${JSON.stringify({ ok: true, value })}\n`);
} catch (err) {
  const e = err as Error;
  process.stdout.write(`${JSON.stringify({ ok: false, name: e.name, message: e.message })}\n`);
}
