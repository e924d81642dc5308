// tcpcraft lab: the RFC reference stack (src/reference/, built into dist/) served on a tap, so that
// real clients (nc, the host's Linux, tcpcraft runs) talk to it over the lab's link. The tap is
// opened by build/lab-tap-exec (lab/tap-exec.c), which hands it to this program as fd 3.
//
// Usage: lab-tap-exec TAP node lab/reference-lab.mjs [--impair SPEC] ADDR4 ADDR6 MAC SINK_FILE LIFETIME [PUPPET_IN PUPPET_OUT]
//   --impair SPEC  lose and reorder frames both ways, e.g. loss=1%,reorder=1% (src/reference/impair.ts)
//   ADDR4, ADDR6  the addresses it answers ARP / neighbour solicitations for ('-': none); ADDR4
//                 as ADDRESS/PREFIX, whose directed broadcast the stack drops (RFC 1122 §4.2.3.10)
//   MAC           its own link-layer address
//   SINK_FILE     where the nc sink on 5000 appends what it receives (the lab's nc.out)
//   LIFETIME      seconds before it ends by itself
//   PUPPET_IN, PUPPET_OUT  named pipes for the lab's puppet relay (fifo mode): requests in,
//                 replies out (src/lab/puppet.ts); "0 0 ready 1 reference" is written first
// Every second it writes reference.json beside SINK_FILE: frames in and out, what the impairment
// did, the stack's connections. Each congestion-control and timer decision of every connection
// (src/reference/trace.ts: RTT samples and RTOs, fast retransmits, timeouts) goes to
// reference-trace.jsonl there, one JSON object a line (the first 200000).
// Prints "reference-lab: ready ..." on stdout once it listens. Ends on SIGTERM, SIGINT, or after
// LIFETIME; a frame it cannot read is counted and dropped, never fatal.
import { appendFileSync, createWriteStream, openSync, read, renameSync, writeFileSync, writeSync, constants } from 'node:fs';
import { dirname, join } from 'node:path';
import net from 'node:net';

const dist = new URL('../dist/', import.meta.url);
const { ReferenceStack, referenceSettings, startServices, ReferencePuppet } = await import(new URL('reference/index.js', dist).href);
const { EthernetHost } = await import(new URL('reference/ethernet.js', dist).href);
const { PuppetLineServer } = await import(new URL('reference/puppetline.js', dist).href);
const { systemClock } = await import(new URL('io/clock.js', dist).href);
const { ImpairedLink, parseImpairment, NO_IMPAIRMENT } = await import(new URL('reference/impair.js', dist).href);

const args = process.argv.slice(2);
let impairment = NO_IMPAIRMENT;
if (args[0] === '--impair') {
  try {
    impairment = parseImpairment(args[1] ?? '');
  } catch (err) {
    process.stderr.write(`reference-lab: ${err.message}\n`);
    process.exit(2);
  }
  args.splice(0, 2);
}
const [addr4, addr6, mac, sinkFile, lifeText, puppetIn, puppetOut] = args;
if (!addr4 || !addr6 || !mac || !sinkFile || !/^\d+$/.test(lifeText ?? '') || (puppetIn === undefined) !== (puppetOut === undefined)) {
  process.stderr.write('usage: reference-lab.mjs ADDR4 ADDR6 MAC SINK_FILE LIFETIME [PUPPET_IN PUPPET_OUT] (the tap on fd 3)\n');
  process.exit(2);
}
const TAP = 3;
const [v4, prefix4] = addr4 === '-' ? [undefined, undefined] : addr4.split('/');
if (v4 !== undefined && !/^\d+$/.test(prefix4 ?? '')) {
  process.stderr.write(`reference-lab: ADDR4 is ADDRESS/PREFIX, got ${addr4}\n`);
  process.exit(2);
}
/** The directed broadcast address of v4/prefix4. */
const broadcastOf = (ip, bits) => {
  const n = ip.split('.').reduce((a, o) => (a << 8) | Number(o), 0) >>> 0;
  const b = (n | (bits >= 32 ? 0 : 0xffffffff >>> bits)) >>> 0;
  return [b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255].join('.');
};
const v6 = addr6 === '-' ? undefined : addr6;

let host;
const frames = { in: 0, out: 0 };
const toTap = (frame) => {
  frames.out++;
  try {
    writeSync(TAP, frame);
  } catch (err) {
    process.stderr.write(`reference-lab: tap write: ${err.message}\n`);
  }
};
// Each direction its own impaired link (a different seed, so the two do not lose in step).
const outbound = new ImpairedLink(impairment, systemClock, toTap);
const inbound = new ImpairedLink({ ...impairment, seed: impairment.seed ^ 0x9e3779b9 }, systemClock, (frame) => host.input(frame));
const settings = referenceSettings({ addresses: { 4: v4 ?? '0.0.0.0', 6: v6 ?? '::' }, broadcast: v4 ? [broadcastOf(v4, Number(prefix4))] : [] });
const stack = new ReferenceStack(systemClock, (packet) => host.output(packet), settings);
host = new EthernetHost({
  mac,
  ...(v4 ? { ipv4: v4 } : {}),
  ...(v6 ? { ipv6: v6 } : {}),
  clock: systemClock,
  transmit: (frame) => outbound.send(frame),
  deliver: (packet) => stack.input(packet),
});
startServices(stack, { sink: (bytes) => appendFileSync(sinkFile, bytes) });

const TRACE_LINES = 200_000;
const traceOut = createWriteStream(join(dirname(sinkFile), 'reference-trace.jsonl'), { flags: 'a', mode: 0o600 });
let traced = 0;
stack.trace = (tcb, e) => {
  if (traced >= TRACE_LINES) return;
  traced++;
  traceOut.write(`${JSON.stringify({ t: Math.round(systemClock.now()), conn: `${tcb.localPort}-${tcb.remoteIp}:${tcb.remotePort}`, ...e })}\n`);
};

// Frames off the tap, one read() each, in libuv's thread pool (a tap is no socket libuv polls).
const buffer = Buffer.alloc(65_536);
const next = () =>
  read(TAP, buffer, 0, buffer.length, null, (err, n) => {
    if (err) {
      process.stderr.write(`reference-lab: tap read: ${err.message}\n`);
      finish(1);
      return;
    }
    frames.in++;
    try {
      inbound.send(Uint8Array.prototype.slice.call(buffer, 0, n));
    } catch (e) {
      // The stack and the link code never throw on bad input; this would be a bug of ours, logged.
      process.stderr.write(`reference-lab: a frame of ${n} bytes raised: ${e?.stack ?? e}\n`);
    }
    next();
  });
next();

if (puppetIn !== undefined) {
  // Opened read-write and non-blocking (as the relay does): no open blocks and no EOF ever comes.
  const flags = constants.O_RDWR | constants.O_NONBLOCK;
  const input = new net.Socket({ fd: openSync(puppetIn, flags), readable: true, writable: false });
  const output = new net.Socket({ fd: openSync(puppetOut, flags), readable: false, writable: true });
  const server = new PuppetLineServer(() => new ReferencePuppet(stack, systemClock), (line) => output.write(`${line}\n`));
  let pending = '';
  input.setEncoding('latin1');
  input.on('data', (chunk) => {
    pending += chunk;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      server.line(line);
    }
    if (pending.length > 140_000) pending = '';
  });
  output.write(`${server.readyLine}\n`);
}

const statsFile = join(dirname(sinkFile), 'reference.json');
function writeStats() {
  const stats = {
    frames,
    impairment: { ...impairment, in: inbound.counts, out: outbound.counts },
    dropped: host.dropped,
    neighbours: Object.fromEntries(host.known),
    connections: stack.connections.map((t) => ({ local: `${t.localIp}:${t.localPort}`, remote: `${t.remoteIp}:${t.remotePort}`, state: t.state, cwnd: t.cwnd, ssthresh: t.ssthresh, rto: t.currentRto, srtt: t.smoothedRtt ?? null })),
  };
  writeFileSync(`${statsFile}.tmp`, `${JSON.stringify(stats)}\n`);
  renameSync(`${statsFile}.tmp`, statsFile);
}
setInterval(writeStats, 1000).unref();

function finish(code) {
  try {
    writeStats();
  } catch {
    // the state directory may be gone already (lab down)
  }
  process.exit(code);
}
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => finish(0));
setTimeout(() => finish(0), Number(lifeText) * 1000);
const impaired = impairment.loss > 0 || impairment.reorder > 0 ? `, loss ${impairment.loss * 100}% reorder ${impairment.reorder * 100}% seed ${impairment.seed}` : '';
process.stdout.write(`reference-lab: ready (tcpcraft's RFC reference stack on ${[v4, v6].filter(Boolean).join(', ')}, ${mac}${puppetIn ? ', puppet' : ''}${impaired})\n`);
