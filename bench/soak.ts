/**
 * `make soak`: hostile input for a long while, in one process.
 *
 * 1. 10^6 frames — valid seeds (Ethernet, raw IPv4, Linux cooked; TCP with options and payload)
 *    with bytes flipped, cut short, lengthened or replaced by noise — through the frame parser
 *    (parseFrame) and the checksum check: nothing may throw.
 * 2. 10^3 runs of a handshake scenario on an in-memory link, where the peer first answers with a
 *    mutated frame of its SYN/ACK and then the real one: every frame goes through the whole receive
 *    path (queue, link decoding, flow demultiplexing, numbering, matching, diagnostics); every run
 *    must end with a report, never an exception.
 *
 * Memory must stay flat: the heap after a forced GC is sampled at ten checkpoints in each phase;
 * the peak RSS and the heap growth from the first checkpoint to the last are printed, and growth
 * above 16 MiB fails. Deterministic (seeded PRNG); exit 1 on any failure.
 * Run with: node --expose-gc --import tsx bench/soak.ts [FRAMES] [RUNS]
 */
import { runScenario } from '../src/engine/run.js';
import { expect, scenario, send } from '../src/scenario/dsl.js';
import { mss, nop, sackOk, timestamp, wscale } from '../src/scenario/dsl.js';
import { buildPacket, parseFrame, verifyChecksums } from '../src/wire/packet.js';
import { frameOf, LinkType } from '../src/wire/link.js';
import { Flag } from '../src/wire/tcp.js';
import { MemLink, VirtualClock } from '../test/support/memlink.js';

const FRAMES = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 1_000);
const GROWTH_LIMIT = 16 * 1024 * 1024;

/** xorshift32: the same input every time. */
let state = 0x9e3779b9;
const rand = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 0x1_0000_0000;
};
const randInt = (n: number): number => Math.floor(rand() * n);

const FLOW = { localIp: '10.77.0.1', localPort: 40000, peerIp: '10.77.0.2', peerPort: 5000 };
const gc = (globalThis as { gc?: () => void }).gc;

function seedPackets(): Uint8Array[] {
  const enc = new TextEncoder();
  return [
    buildPacket({ ip: { src: FLOW.peerIp, dst: FLOW.localIp }, tcp: { srcPort: 5000, dstPort: 40000, seq: 1, ack: 2, flags: Flag.SYN | Flag.ACK, window: 64240, options: [{ kind: 'mss', value: 1460 }, { kind: 'sackOk' }, { kind: 'timestamp', tsval: 1, tsecr: 2 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }] } }),
    buildPacket({ ip: { src: FLOW.peerIp, dst: FLOW.localIp }, tcp: { srcPort: 5000, dstPort: 40000, seq: 5, ack: 9, flags: Flag.PSH | Flag.ACK, window: 502 }, payload: enc.encode('some payload bytes\n') }),
    buildPacket({ ip: { src: FLOW.localIp, dst: FLOW.peerIp }, tcp: { srcPort: 40000, dstPort: 5000, seq: 0xffff_fff0, ack: 0, flags: Flag.RST, window: 0 } }),
  ];
}

/** `packet` as a captured frame of `linkType` (Ethernet, raw IPv4 or Linux cooked v1). */
function frameFor(packet: Uint8Array, linkType: number): Uint8Array {
  if (linkType !== LinkType.LINUX_SLL) return frameOf(packet, linkType);
  const f = new Uint8Array(16 + packet.length);
  f.set([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00]);
  f.set(packet, 16);
  return f;
}

/** One mutation of `b`: flips, a cut, an extension or noise. */
function mutate(b: Uint8Array): Uint8Array {
  switch (randInt(5)) {
    case 0: {
      const c = b.slice();
      for (let k = 1 + randInt(8); k > 0; k--) c[randInt(c.length)] = randInt(256);
      return c;
    }
    case 1:
      return b.slice(0, randInt(b.length + 1));
    case 2: {
      const c = new Uint8Array(b.length + 1 + randInt(64));
      c.set(b);
      for (let i = b.length; i < c.length; i++) c[i] = randInt(256);
      return c;
    }
    case 3: {
      const c = new Uint8Array(randInt(128));
      for (let i = 0; i < c.length; i++) c[i] = randInt(256);
      return c;
    }
    default: {
      // A header length, total length or data offset lie: the fields readers trust most.
      const c = b.slice();
      const at = [0, 2, 3, c.length > 14 ? 14 : 0, c.length > 32 ? 32 : 0, c.length > 46 ? 46 : 0][randInt(6)]!;
      c[at] = randInt(256);
      return c;
    }
  }
}

interface Sample {
  heap: number;
  rss: number;
}
const sample = (): Sample => {
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};
const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

let failed = false;
function judge(phase: string, samples: Sample[], count: number, ms: number, extra: string): void {
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const peakRss = Math.max(...samples.map((s) => s.rss));
  const growth = last.heap - first.heap;
  const ok = growth <= GROWTH_LIMIT;
  if (!ok) failed = true;
  process.stdout.write(`${phase}: ${count} in ${(ms / 1000).toFixed(1)} s, ${extra}; heap ${mib(first.heap)} -> ${mib(last.heap)} (growth ${mib(growth)}, limit ${mib(GROWTH_LIMIT)}), peak RSS ${mib(peakRss)}: ${ok ? 'flat' : 'GROWING'}\n`);
}

// Phase 1: the frame parser.
{
  const seeds = seedPackets().flatMap((p) => [
    { frame: frameFor(p, LinkType.ETHERNET), linkType: LinkType.ETHERNET },
    { frame: p, linkType: LinkType.RAW },
    { frame: frameFor(p, LinkType.LINUX_SLL), linkType: LinkType.LINUX_SLL },
  ]);
  const samples: Sample[] = [sample()];
  let parsed = 0;
  let rejected = 0;
  const t0 = performance.now();
  for (let i = 0; i < FRAMES; i++) {
    const s = seeds[randInt(seeds.length)]!;
    const bytes = mutate(s.frame);
    const linkType = rand() < 0.05 ? [LinkType.ETHERNET, LinkType.RAW, LinkType.LINUX_SLL, 999][randInt(4)]! : s.linkType;
    try {
      const r = parseFrame(bytes, linkType);
      if (r.ok) {
        parsed += 1;
        verifyChecksums(r.value.packet);
      } else rejected += 1;
    } catch (err) {
      failed = true;
      process.stdout.write(`parser threw on frame ${i} (link type ${linkType}, ${Buffer.from(bytes).toString('hex')}): ${(err as Error).stack}\n`);
      break;
    }
    if ((i + 1) % Math.max(1, Math.floor(FRAMES / 10)) === 0) samples.push(sample());
  }
  judge('frame parser', samples, FRAMES, performance.now() - t0, `${parsed} parsed, ${rejected} rejected with a reason`);
}

// Phase 2: the whole receive path of a run.
{
  const sc = scenario({ name: 'soak', peer: { host: FLOW.peerIp, port: FLOW.peerPort }, timeout: 50, steps: [send('S', { options: [mss(1460), nop(), wscale(7), sackOk(), timestamp(1, 0)] }), expect('SA', { ack: 1 }), send('A')] });
  const samples: Sample[] = [sample()];
  const outcomes = new Map<string, number>();
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const clock = new VirtualClock();
    const link = new MemLink(FLOW, clock, (p, l) => {
      if (!(p.tcp.flags & Flag.SYN)) return [];
      const good = l.reply({ flags: Flag.SYN | Flag.ACK, seq: 1000, ack: (p.tcp.seq + 1) >>> 0, options: [{ kind: 'mss', value: 1460 }] });
      const lt = [LinkType.RAW, LinkType.ETHERNET, LinkType.LINUX_SLL][randInt(3)]!;
      return [{ frame: mutate(frameFor(good, lt)), linkType: lt }, { frame: good, afterMs: 1 }];
    });
    try {
      const report = await runScenario(sc, { file: 'soak.ts', flow: FLOW, localIsn: randInt(0x1_0000_0000) }, { link, frames: link.frames, clock });
      const kind = report.failure?.kind ?? 'pass';
      outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    } catch (err) {
      failed = true;
      process.stdout.write(`run ${i} threw: ${(err as Error).stack}\n`);
      break;
    }
    if ((i + 1) % Math.max(1, Math.floor(RUNS / 10)) === 0) samples.push(sample());
  }
  judge('receive path', samples, RUNS, performance.now() - t0, `outcomes ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

if (!gc) process.stdout.write('note: run with --expose-gc for heap samples after a full collection\n');
process.stdout.write(failed ? 'soak: FAILED\n' : 'soak: passed\n');
process.exitCode = failed ? 1 : 0;
