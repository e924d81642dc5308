/** The `tcpcraft` command line: build, run, lab, cleanup. */
import { Command, CommanderError } from 'commander';
import { ScenarioError } from '../scenario/errors.js';
import type { Scenario } from '../scenario/types.js';
import { bpfFilter, type Flow, type FlowSpec } from '../engine/flow.js';
import { plan } from '../engine/plan.js';
import { FrameQueue } from '../engine/queue.js';
import { runScenario, type RunConnection } from '../engine/run.js';
import { needsLinkLayer } from '../engine/segment.js';
import { rehearse } from '../engine/rehearse.js';
import { openLinkSender } from '../io/link.js';
import type { RunReport } from '../engine/report.js';
import { Cleanups } from '../io/cleanup.js';
import { randomIsn, randomPort, systemClock } from '../io/clock.js';
import { EnvError } from '../io/errors.js';
import { installGuard, sweepGuards } from '../io/guard.js';
import { loadScenario } from '../io/load.js';
import { interfaceExists, interfaceWithAddress, routeTo } from '../io/route.js';
import { openSender } from '../io/sender.js';
import { openSniffer } from '../io/sniffer.js';
import { registerLabCommands } from './lab.js';
import { registerFloodCommand } from './flood.js';
import { registerSuiteCommand } from './suite.js';
import { intOption, ipOption, isnOption, portOption } from './options.js';
import { verdict, writeReport } from './output.js';

/** Exit codes. */
export const Exit = { PASS: 0, FAIL: 1, USAGE: 2 } as const;

const out = (s: string): void => void process.stdout.write(s);
const err = (s: string): void => void process.stderr.write(s);

interface FlowOptions {
  src?: string;
  dst?: string;
  sport?: number;
  dport?: number;
  isn?: number;
  pcap?: string;
  json?: string;
  ladder?: boolean;
}

interface BuildOptions extends FlowOptions {
  peerIsn?: number;
}

interface RunOptions extends FlowOptions {
  iface?: string;
  timeout?: number;
  trace?: boolean;
  linkLayer?: boolean;
}

function flowOptions(cmd: Command): Command {
  return cmd
    .option('--src <ip>', "our IPv4 address (default: the scenario's local.host, else the route's source)", ipOption)
    .option('--dst <ip>', "the peer's IPv4 address (default: the scenario's peer.host)", ipOption)
    .option('--sport <port>', "our TCP port (default: the scenario's local.port, else a random ephemeral port)", portOption)
    .option('--dport <port>', "the peer's TCP port (default: the scenario's peer.port)", portOption)
    .option('--isn <n>', 'our initial sequence number (default: random)', isnOption)
    .option('--pcap <file>', 'write every segment sent and received to a pcap file')
    .option('--json <file>', 'write a machine-readable report of every step')
    .option('--no-ladder', 'do not print the ladder diagram');
}

/** The lab's addresses, the defaults of `build` when a scenario names no address. */
const LAB_CLIENT = '10.77.0.1';
const LAB_SERVER = '10.77.0.2';

/** `tcpcraft build`: the scenario against a model peer, offline. */
async function buildCommand(file: string, o: BuildOptions): Promise<number> {
  const sc = await loadScenario(file);
  const server = sc.role === 'server';
  const localIp = o.src ?? sc.local?.host ?? (server ? LAB_SERVER : LAB_CLIENT);
  const flow: Flow = {
    localIp,
    localPort: o.sport ?? sc.local?.port ?? randomPort(),
    // The other lab address than ours (a server scenario may answer in either namespace).
    peerIp: o.dst ?? sc.peer?.host ?? (localIp === LAB_CLIENT ? LAB_SERVER : LAB_CLIENT),
    peerPort: o.dport ?? sc.peer?.port ?? randomPort(),
  };
  const connections = Object.fromEntries(
    Object.entries(sc.connections ?? {}).map(([name, c]) => [
      name,
      { flow: { localIp: flow.localIp, localPort: c.local?.port ?? randomPort(), peerIp: c.peer?.host ?? flow.peerIp, peerPort: c.peer?.port ?? flow.peerPort }, localIsn: randomIsn(), peerIsn: randomIsn() },
    ]),
  );
  const report = plan(sc, { file, flow, localIsn: o.isn ?? randomIsn(), peerIsn: o.peerIsn ?? randomIsn(), connections, startUs: systemClock.wallUs() });
  writeReport(report, { ...(o.pcap ? { pcap: o.pcap } : {}), ...(o.json ? { json: o.json } : {}), ladder: o.ladder !== false }, out);
  if (o.pcap) out(`wrote ${report.events.length} packets to ${o.pcap}\n`);
  return Exit.PASS;
}

/** Where a live run happens: the flows of every connection and the interface to capture on. */
interface LiveSetup {
  readonly flow: FlowSpec;
  readonly connections: Record<string, RunConnection>;
  readonly iface: string;
}

async function resolveSetup(sc: Scenario, o: RunOptions): Promise<LiveSetup> {
  if (o.iface && !(await interfaceExists(o.iface))) throw new EnvError(`interface '${o.iface}' does not exist here: see 'ip link', or run inside the lab with 'tcpcraft lab exec client -- ...'.`);
  const peerIp = o.dst ?? sc.peer?.host;
  const peerPort = o.dport ?? sc.peer?.port;
  if (sc.role === 'server') {
    // We answer on --src:--sport; the client is whoever sends the SYN (or the one the scenario names).
    const src = o.src ?? sc.local?.host ?? (peerIp ? (await routeTo(peerIp)).src : undefined);
    if (!src) throw new EnvError("the server role needs the address to answer on: give --src IP (or local.host in the scenario).");
    const flow: FlowSpec = { localIp: src, localPort: o.sport ?? sc.local!.port!, ...(peerIp ? { peerIp } : {}), ...(peerPort ? { peerPort } : {}) };
    return { flow, connections: {}, iface: o.iface ?? (await interfaceWithAddress(src)) };
  }
  const dst = peerIp!;
  const src = o.src ?? sc.local?.host;
  const route = o.iface && src ? { iface: o.iface, src } : await routeTo(dst);
  const localIp = src ?? route.src;
  const connections: Record<string, RunConnection> = {};
  for (const [name, c] of Object.entries(sc.connections ?? {})) {
    connections[name] = { flow: { localIp, localPort: c.local?.port ?? randomPort(), peerIp: c.peer?.host ?? dst, peerPort: c.peer?.port ?? peerPort! }, localIsn: randomIsn() };
  }
  return { iface: o.iface ?? route.iface, flow: { localIp, localPort: o.sport ?? sc.local?.port ?? randomPort(), peerIp: dst, peerPort: peerPort! }, connections };
}

/** A libpcap filter for every connection of the run. */
function filterFor(setup: LiveSetup): string {
  return [setup.flow, ...Object.values(setup.connections).map((c) => c.flow)].map((f) => `(${bpfFilter(f)})`).join(' or ');
}

/** `tcpcraft run`: the scenario against a live peer. */
async function runCommand(file: string, o: RunOptions): Promise<number> {
  const sc = await loadScenario(file);
  const localIsn = o.isn ?? randomIsn();
  // Numbering problems are found before the machine is touched.
  const any: Flow = { localIp: '0.0.0.0', localPort: 1, peerIp: '0.0.0.0', peerPort: 1 };
  plan(sc, { file, flow: any, localIsn, peerIsn: 0 });
  const setup = await resolveSetup(sc, o);
  const { flow, iface } = setup;
  const linkLayer = o.linkLayer === true || sc.steps.some((s) => s.kind === 'send' && needsLinkLayer(s));
  const cleanups = new Cleanups();
  let report: RunReport | undefined;
  await cleanups.guarded(async () => {
    // Opening the senders and the sniffer changes nothing, and fails early without privileges.
    const sender = openSender();
    cleanups.add('close the raw socket', () => sender.close());
    const linkSender = linkLayer && flow.peerIp ? await openLinkSender({ iface, peerIp: flow.peerIp }) : undefined;
    if (linkSender) cleanups.add('close the link-layer sender', () => linkSender.close());
    if (linkLayer && !linkSender) throw new EnvError('the link-layer path needs the peer address up front: give --dst (or peer.host in the scenario).');
    const sniffer = openSniffer({ iface, filter: filterFor(setup), trustedFilter: true });
    cleanups.add('close the sniffer', () => sniffer.close());
    const frames = new FrameQueue();
    // Stamp frames with the same clock that stamps our sends, so the trace's times are comparable.
    sniffer.onFrame((data) => frames.push({ data, linkType: sniffer.linkType, timestampUs: systemClock.wallUs() }));
    await sweepGuards();
    for (const f of [flow, ...Object.values(setup.connections).map((c) => c.flow)]) {
      const guard = await installGuard(f);
      cleanups.add('remove the kernel-RST guard', () => guard.remove());
    }
    const abort = new AbortController();
    const link = {
      send: (b: Uint8Array, how?: { readonly linkLayer: boolean }) => {
        if (how?.linkLayer || o.linkLayer) return linkSender!.send(b);
        // The destination of a packet is in its header: bytes 16..19.
        return sender.send(b, `${b[16]}.${b[17]}.${b[18]}.${b[19]}`);
      },
    };
    const cfg = { file, flow, localIsn, connections: setup.connections, ...(o.timeout ? { timeoutMs: o.timeout } : {}) };
    // Warm the live path up in memory first, so the first reaction is not paid in compile time.
    await rehearse(sc, cfg, { linkType: sniffer.linkType });
    // --timeout replaces the scenario's default wait (a step's own timeout still wins); the run
    // config's timeoutMs alone would only apply when the scenario sets none.
    const run = o.timeout ? { ...sc, timeout: o.timeout } : sc;
    const running = runScenario(run, cfg, { link, frames, clock: systemClock, signal: abort.signal });
    // On Ctrl-C this runs first: the run stops and resets the peer before the guard goes.
    cleanups.add('stop the run', async () => {
      abort.abort();
      await running.catch(() => undefined);
    });
    report = await running;
  });
  if (!report) return Exit.USAGE;
  writeReport(report, { ...(o.pcap ? { pcap: o.pcap } : {}), ...(o.json ? { json: o.json } : {}), ladder: o.ladder !== false, trace: o.trace !== false }, out);
  out(verdict(report));
  return report.passed ? Exit.PASS : Exit.FAIL;
}

/** The program, with every command. */
export function program(): Command {
  const p = new Command('tcpcraft')
    .description('Craft, send and check TCP segments from scenarios written in TypeScript.')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `
Scenarios are .ts files whose default export is scenario({ peer, steps: [send(...), expect(...)] });
seq and ack are relative to each side's ISN, as Wireshark shows them. See README.md.

Exit status: 0 passed, 1 a segment did not match or did not come, 2 usage or environment error.`);

  flowOptions(p.command('build <scenario>'))
    .description('offline, no root: play the scenario against a model peer, print each segment with relative and raw numbers')
    .option('--peer-isn <n>', "the model peer's initial sequence number (default: random)", isnOption)
    .addHelpText('after', `
Example (the netcat seed's own numbers):
  tcpcraft build scenarios/netcat-5000.ts --isn 4126488336 --peer-isn 547479085 --sport 24491`)
    .action(async (file: string, o: BuildOptions) => {
      process.exitCode = await buildCommand(file, o);
    });

  flowOptions(p.command('run <scenario>'))
    .description('send the scenario on a real interface (root), match every answer, explain any difference')
    .option('--iface <name>', 'interface to capture on (default: the one routing to the peer)')
    .option('--timeout <ms>', 'how long to wait for each expected segment (default: scenario timeout, else 3000)', intOption('--timeout', 1, 600000))
    .option('--no-trace', 'do not print the trace table')
    .option('--link-layer', 'send every segment as a whole frame through libpcap (keeps IPv4 checksum, total length and id as built; steps that override those use it anyway)')
    .addHelpText('after', `
The kernel would answer the peer's SYN/ACK with a RST (it never made this connection): for the
duration of the run, tcpcraft drops the peer's packets of this one 4-tuple in nftables before the
local stack sees them (libpcap still does). The rule goes when the run ends, fails or is
interrupted; 'tcpcraft cleanup' sweeps what a killed run left.

Example, in the lab:
  sudo tcpcraft lab up
  sudo tcpcraft lab exec client -- tcpcraft run scenarios/netcat-5000.ts --pcap out.pcap`)
    .action(async (file: string, o: RunOptions) => {
      process.exitCode = await runCommand(file, o);
    });

  registerLabCommands(p);
  registerSuiteCommand(p);
  registerFloodCommand(p);
  return p;
}

/** Runs the CLI with `argv` (as process.argv) and sets the exit code. */
export async function main(argv: string[]): Promise<void> {
  // A reader that goes away (`tcpcraft run ... | head`) must not kill a run before its cleanup.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  const p = program();
  try {
    await p.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : Exit.USAGE;
      return;
    }
    if (e instanceof ScenarioError || e instanceof EnvError) {
      err(`tcpcraft: ${e.message}\n`);
      process.exitCode = Exit.USAGE;
      return;
    }
    throw e;
  }
}
