// tcpcraft's side of the build/parse benchmark: the same two packets as c/codec.c and
// py/codec_scapy.py, built (both checksums) and parsed with the compiled wire codec (dist/).
//   usage: node bench/node/codec.mjs ITERATIONS   -> one JSON object of ns per operation
import { buildPacket, parsePacket, Flag } from '../../dist/wire/index.js';

const n = Number(process.argv[2] ?? 200000);
if (!Number.isInteger(n) || n < 1 || n > 1e9) throw new RangeError('iterations out of range');
const PAYLOAD = new TextEncoder().encode('Hello from tcpcraft, over netcat!\n'); // 34 bytes
const ip = { src: '10.77.0.1', dst: '10.77.0.2' };
const synSpec = (seq) => ({
  ip,
  tcp: {
    srcPort: 40000, dstPort: 5000, seq, ack: 0, flags: Flag.SYN, window: 65535,
    options: [{ kind: 'mss', value: 1460 }, { kind: 'sackOk' }, { kind: 'timestamp', tsval: (seq ^ 0x5a5a) >>> 0, tsecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }],
  },
});
const paSpec = (seq) => ({ ip, tcp: { srcPort: 40000, dstPort: 5000, seq, ack: 2001, flags: Flag.PSH | Flag.ACK, window: 502 }, payload: PAYLOAD });

function time(fn) {
  // Warm up so the JIT has compiled the hot path, as a long-running tool would have.
  for (let i = 0; i < Math.min(n, 20000); i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

let sink = 0;
const synBytes = buildPacket(synSpec(1000));
const paBytes = buildPacket(paSpec(1001));
const out = {
  buildSyn: time((i) => (sink += buildPacket(synSpec(i)).length)),
  buildPshAck: time((i) => (sink += buildPacket(paSpec(i)).length)),
  parseSyn: time((i) => {
    synBytes[7] = i & 0xff;
    const r = parsePacket(synBytes);
    if (r.ok) sink += r.value.tcp.seq + r.value.tcp.options.length;
  }),
  parsePshAck: time((i) => {
    paBytes[7] = i & 0xff;
    const r = parsePacket(paBytes);
    if (r.ok) sink += r.value.tcp.seq + r.value.payload.length;
  }),
  sink,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
