/** `tcpcraft flood`: a bounded, optionally rate-limited flood of one segment, for load tests in the lab. */
import { humanStream, jsonOnStdout, writeJson, type JsonDest } from './output.js';
import { interruptible, type Interrupt } from './interrupt.js';
import { JSON_FORMAT_VERSION } from '../report/json.js';
import { TOOL } from '../version.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { randomIsn, randomPort } from '../io/clock.js';
import { Cleanups } from '../io/cleanup.js';
import { EnvError, UsageError, ScenarioError } from '../errors.js';
import { checkLabOnly, openFloodSender } from '../io/flood.js';
import { loadOneScenario } from '../io/load.js';
import { willDrop } from '../io/sandbox.js';
import { interfaceWithAddress, resolveRoute } from '../io/route.js';
import { buildSend } from '../engine/segment.js';
import type { Flow } from '../engine/flow.js';
import { DEFAULT_WINDOW } from '../scenario/model.js';
import { planSession, routeQuery } from '../session/plan.js';
import { initialState } from '../engine/state.js';
import { FLOOD_LIMITS, checkFloodConfig, flood, type FloodResult } from '../flood/loop.js';
import { FloodTemplate, parseSegmentSpec, type Vary } from '../flood/template.js';
import type { PacketSpec } from '../wire/packet.js';
import { intOption, ipOption, isnOption, portOption } from './options.js';

interface FloodOptions {
  count?: number;
  duration?: number;
  rate?: number;
  src?: string;
  sport?: number;
  isn?: number;
  window?: number;
  vary: string;
  json?: JsonDest;
  linkLayer?: boolean;
}

function durationOption(v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(n > 0) || n > FLOOD_LIMITS.maxDurationS) {
    throw new InvalidArgumentError(`--duration '${v}' is not a number of seconds in (0, ${FLOOD_LIMITS.maxDurationS}].`);
  }
  return n;
}

function parseVary(text: string): Vary {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) if (!['sport', 'seq', 'none'].includes(p)) throw new UsageError(`--vary '${p}' is unknown: use sport, seq, both as 'sport,seq', or none.`);
  return { sport: parts.includes('sport'), seq: parts.includes('seq') };
}

/** The packet to flood: from `FLAGS@HOST:PORT`, or from the first send step of a scenario file. */
async function packetSpec(target: string, o: FloodOptions): Promise<{ spec: PacketSpec; dst: string; src: string }> {
  const isn = o.isn ?? randomIsn();
  const seg = parseSegmentSpec(target);
  if (seg) {
    // The same route look-up as a scenario's (src/io/route.ts resolveRoute).
    const src = o.src ?? (await resolveRoute({ server: false, peer: seg.host })).src;
    return {
      dst: seg.host,
      src,
      spec: { ip: { src, dst: seg.host }, tcp: { srcPort: o.sport ?? randomPort(), dstPort: seg.port, seq: isn, ack: 0, flags: seg.flags, window: o.window ?? DEFAULT_WINDOW } },
    };
  }
  if (!/\.(ts|mts|cts|js|mjs|cjs)$/.test(target)) {
    throw new UsageError(`'${target}' is neither a segment spec (FLAGS@HOST:PORT, e.g. S@10.77.0.2:9) nor a scenario file (.ts).`);
  }
  // The scenario's code runs unprivileged (src/io/sandbox.ts); the raw socket is opened first. A
  // link-layer flood needs its capture handle on an interface known only from the scenario.
  if (o.linkLayer && willDrop()) {
    throw new EnvError(`a link-layer flood of a scenario file would run the scenario's code as root: flood FLAGS@HOST:PORT instead, or give --keep-root if you trust ${target}.`);
  }
  const sc = await loadOneScenario(target, { sender: true, outputs: [typeof o.json === 'string' ? o.json : undefined] });
  const index = sc.steps.findIndex((s) => s.kind === 'send');
  const step = sc.steps[index];
  if (!step || step.kind !== 'send') throw new ScenarioError(`${target}: the scenario has no send step to flood.`, target);
  if (sc.peer?.host === undefined || sc.peer.port === undefined) throw new ScenarioError(`${target}: the scenario names no peer (peer: { host, port }) to flood.`, target);
  const overrides = { ...(o.src ? { src: o.src } : {}), ...(o.sport !== undefined ? { sport: o.sport } : {}), isn };
  const session = planSession(sc, target, overrides, await resolveRoute(routeQuery(sc, overrides)), { isn: randomIsn, port: randomPort });
  const flow = session.flow as Flow;
  const built = buildSend(step, initialState(isn), flow, { window: o.window ?? sc.window ?? DEFAULT_WINDOW });
  if (!built.ok) throw new ScenarioError(`${target}: step ${index + 1} cannot be flooded on its own (${built.field}: ${built.problem}).`, target);
  return { spec: built.spec, dst: flow.peerIp, src: flow.localIp };
}

function report(r: FloodResult): string {
  return `sent ${r.sent} packets in ${(r.elapsedMs / 1000).toFixed(3)} s: ${Math.round(r.rate)} packets/s (stopped by ${r.stoppedBy}${r.blocked ? `, socket full ${r.blocked} times` : ''})\n`;
}

async function floodCommand(target: string, o: FloodOptions, interrupt: Interrupt): Promise<number> {
  if (o.count === undefined || o.duration === undefined) {
    throw new UsageError('a flood must be bounded: give both --count N and --duration SECONDS.');
  }
  const cfg = { count: o.count, durationS: o.duration, ...(o.rate !== undefined ? { rate: o.rate } : {}) };
  checkFloodConfig(cfg);
  const vary = parseVary(o.vary);
  const { spec, dst, src } = await packetSpec(target, o);
  await checkLabOnly(dst);
  const template = new FloodTemplate(spec, vary);
  const cleanups = new Cleanups();
  const abort = new AbortController();
  // A signal stops the flood like its bounds do; the result so far is then printed.
  interrupt.signal.addEventListener('abort', () => abort.abort(), { once: true });
  const result = await cleanups.guarded(
    async () => {
      const sender = await openFloodSender(dst, o.linkLayer ? { iface: await interfaceWithAddress(src) } : undefined);
      cleanups.add('close the flood sender', () => sender.close());
      cleanups.add('stop the flood', () => abort.abort());
      return flood(cfg, (i) => template.next(i), (p) => sender.trySend(p), undefined, abort.signal);
    },
    { signals: false },
  );
  const doc = { format: 'tcpcraft-flood', formatVersion: JSON_FORMAT_VERSION, tool: TOOL, interrupted: interrupt.received ?? null, ...result };
  if (o.json !== undefined) writeJson(o.json, doc);
  humanStream(jsonOnStdout(o.json)).write(report(result));
  return 0;
}

/** Adds `tcpcraft flood` to `program`. */
export function registerFloodCommand(program: Command): void {
  program
    .command('flood <target>')
    .description('LAB ONLY: send one segment (or a template varying source port / seq) as fast as allowed, bounded by --count and --duration')
    .addOption(new Option('--count <n>', `stop after N packets (required, at most ${FLOOD_LIMITS.maxCount})`).argParser(intOption('--count', 1, FLOOD_LIMITS.maxCount)))
    .addOption(new Option('--duration <s>', `stop after S seconds (required, at most ${FLOOD_LIMITS.maxDurationS})`).argParser(durationOption))
    .option('--rate <pps>', 'packets per second (default: as fast as the socket takes them)', intOption('--rate', 1, FLOOD_LIMITS.maxRate))
    .option('--vary <fields>', "what changes per packet: 'sport', 'seq', 'sport,seq' or 'none'", 'none')
    .option('--src <ip>', "our IPv4 or IPv6 address (default: the route's source)", ipOption)
    .option('--sport <port>', 'our TCP port, or the first one with --vary sport (default: random)', portOption)
    .option('--isn <n>', 'sequence number of the (first) segment (default: random)', isnOption)
    .option('--window <n>', 'window of the segment', intOption('--window', 0, 65535))
    .option('--json [file]', "write the result as JSON to FILE; '-' or no FILE: to stdout (the summary line then goes to stderr)")
    .option('--link-layer', 'inject whole frames through libpcap instead of the raw IP socket (skips the local IP output path: faster)')
    .addHelpText('after', `
For load tests IN THE LAB ONLY. tcpcraft refuses to flood from the machine's own network
namespace (except to 127.0.0.0/8), from a namespace with a default route, or through a gateway:
run it inside the lab. Both bounds are mandatory; whichever is reached first stops the flood.

<target> is a segment spec FLAGS@HOST:PORT (e.g. S@10.77.0.2:9) or a scenario file, whose first
send step is flooded.

Example:
  sudo tcpcraft lab up --name flood1
  sudo tcpcraft lab exec --name flood1 client -- tcpcraft flood S@10.77.0.2:9 --count 100000 --duration 5 --rate 20000 --vary sport
  sudo tcpcraft lab down --name flood1`)
    .action(async (target: string, o: FloodOptions) => {
      process.exitCode = await interruptible((interrupt) => floodCommand(target, o, interrupt));
    });
}
