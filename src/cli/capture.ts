/** `tcpcraft show`: a user's capture (pcap or pcapng) read and printed with relative numbers. */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { interruptible } from './interrupt.js';
import { runHtml } from '../report/html.js';
import { reportJson } from '../report/json.js';
import { streamReport } from '../capture/streams.js';
import { endpointText } from '../engine/flow.js';
import { canonicalIpv6, parseIpv6Address } from '../wire/ipv6.js';
import { familyOf } from '../wire/family.js';
import { Command, InvalidArgumentError } from 'commander';
import { importScenario, importedScenario, type ImportOptions as ScenarioImportOptions, type ImportSide } from '../capture/import.js';
import { enterSandbox } from '../io/sandbox.js';
import { ConversationTable, tcpOf, tcpSummaryOf, type Conversation, type Endpoint, type TcpFrame } from '../capture/streams.js';
import { conversationLines, formatStream } from '../capture/show.js';
import { readCaptureFile, type CaptureSummary } from '../io/capturefile.js';
import { UsageError } from '../errors.js';
import { ifaceOption, intOption, ipOption, portOption } from './options.js';
import { outputsOf, runCommandBody } from './output.js';
import { runLoaded, type RunOptions } from './run.js';

interface ShowOptions {
  list?: boolean;
  stream?: number;
  flow?: [Endpoint, Endpoint];
  ladder?: boolean;
  html?: string;
}

const out = (s: string): void => void process.stdout.write(s);

/** `A:P-B:P` (IPv4 addresses), either side first. */
export function flowOption(v: string): [Endpoint, Endpoint] {
  // ADDRESS:PORT for IPv4, [ADDRESS]:PORT for IPv6.
  const end = String.raw`(?:(\d+\.\d+\.\d+\.\d+)|\[([0-9A-Fa-f:.]+)\]):(\d+)`;
  const m = new RegExp(`^${end}-${end}$`).exec(v.trim());
  const ports = m ? [Number(m[3]), Number(m[6])] : [];
  const ips = m ? [m[1] ?? m[2], m[4] ?? m[5]].map((ip) => (ip !== undefined && familyOf(ip) !== 4 ? (parseIpv6Address(ip) ? canonicalIpv6(ip) : undefined) : ip)) : [];
  if (!m || ports.some((p) => p < 1 || p > 65535) || ips.some((ip) => ip === undefined)) {
    throw new InvalidArgumentError(`--flow takes ADDRESS:PORT-ADDRESS:PORT (IPv6 in brackets), e.g. 10.77.0.1:40000-10.77.0.2:5000 or [fd77::1]:40000-[fd77::2]:5000, got '${v}'.`);
  }
  return [
    { ip: ips[0]!, port: ports[0]! },
    { ip: ips[1]!, port: ports[1]! },
  ];
}

/** What one pass over a file gives: the conversations, the frames of the one selected, the file summary. */
export interface CaptureScan {
  readonly conversations: readonly Conversation[];
  readonly frames: TcpFrame[];
  readonly selected: Conversation | undefined;
  readonly summary: CaptureSummary;
  readonly tcpPackets: number;
  readonly firstUs: bigint;
}

/** Reads `file` once; keeps the frames of stream `want` (an index or a 4-tuple) only. */
export async function scanCapture(file: string, want?: number | [Endpoint, Endpoint]): Promise<CaptureScan> {
  const table = new ConversationTable();
  const frames: TcpFrame[] = [];
  let selected: Conversation | undefined;
  let tcpPackets = 0;
  let firstUs: bigint | undefined;
  const summary = await readCaptureFile(file, (p) => {
    if (firstUs === undefined) firstUs = p.timestampUs;
    const s = tcpSummaryOf(p);
    if (!s) return;
    tcpPackets += 1;
    const c = table.add(s);
    if (selected === undefined) {
      if (typeof want === 'number' && c.index === want) selected = c;
      else if (Array.isArray(want) && table.find(want[0], want[1]) === c) selected = c;
    }
    // Only the selected conversation is decoded in full (and kept).
    if (selected === c) {
      const f = tcpOf(p);
      if (f) frames.push(f);
    }
  });
  return { conversations: table.list, frames, selected, summary, tcpPackets, firstUs: firstUs ?? 0n };
}

function heading(file: string, s: CaptureScan): string {
  const warn = s.summary.warnings.map((w) => `warning: ${w.message}\n`).join('');
  return `${warn}${file}: ${s.summary.format ?? 'empty'}, ${s.summary.packets} packets (${s.tcpPackets} TCP over IPv4 or IPv6), ${s.conversations.length} TCP conversation${s.conversations.length === 1 ? '' : 's'}\n`;
}

async function showCommand(file: string, o: ShowOptions): Promise<number> {
  if (o.stream !== undefined && o.flow) throw new UsageError('give --stream or --flow, not both.');
  const want = o.flow ?? o.stream;
  let scan = await scanCapture(file, want);
  if (o.list || (want === undefined && scan.conversations.length !== 1)) {
    out(heading(file, scan));
    let batch: string[] = [];
    for (const line of conversationLines(scan.conversations, scan.firstUs)) {
      batch.push(line);
      if (batch.length === 2000) {
        out(`${batch.join('\n')}\n`);
        batch = [];
      }
    }
    if (batch.length && scan.conversations.length) out(`${batch.join('\n')}\n`);
    if (!o.list && scan.conversations.length > 1) out(`\n(show one with --stream N or --flow A:P-B:P)\n`);
    return 0;
  }
  if (want === undefined) scan = await scanCapture(file, 0);
  if (!scan.selected) {
    const what = Array.isArray(want) ? `no conversation between ${endpointText(want[0].ip, want[0].port)} and ${endpointText(want[1].ip, want[1].port)}` : `no stream ${want}`;
    throw new UsageError(`${file}: ${what}: it has ${scan.conversations.length} TCP conversation${scan.conversations.length === 1 ? '' : 's'} (see tcpcraft show ${file} --list).`);
  }
  out(heading(file, scan));
  out(`${formatStream(file, scan.selected, scan.frames, { ladder: o.ladder !== false })}\n`);
  if (o.html) {
    const { report } = streamReport(file, scan.selected, scan.frames);
    writeFileSync(o.html, runHtml(reportJson(report), `${basename(file)}, stream ${scan.selected.index}`));
    out(`wrote ${o.html}\n`);
  }
  return 0;
}

interface ImportOptions {
  stream?: number;
  flow?: [Endpoint, Endpoint];
  as: ImportSide;
  output?: string;
}

function sideOption(v: string): ImportSide {
  if (v !== 'client' && v !== 'server') throw new InvalidArgumentError(`--as takes client or server, got '${v}'.`);
  return v;
}

/** The stream the options select (default: stream 0), and how to import it. */
async function selectedStream(file: string, o: { stream?: number; flow?: [Endpoint, Endpoint]; as: ImportSide }): Promise<{ scan: CaptureScan & { selected: Conversation }; options: ScenarioImportOptions }> {
  if (o.stream !== undefined && o.flow) throw new UsageError('give --stream or --flow, not both.');
  const want = o.flow ?? o.stream ?? 0;
  const scan = await scanCapture(file, want);
  const selected = scan.selected;
  if (!selected) {
    throw new UsageError(`${file}: ${Array.isArray(want) ? `no conversation between ${endpointText(want[0].ip, want[0].port)} and ${endpointText(want[1].ip, want[1].port)}` : `no stream ${want}`}: it has ${scan.conversations.length} TCP conversation${scan.conversations.length === 1 ? '' : 's'} (see tcpcraft show ${file} --list).`);
  }
  const name = `${basename(file).replace(/\.(pcapng|pcap|cap)$/i, '')}-stream${selected.index}-${o.as}`;
  return { scan: { ...scan, selected }, options: { as: o.as, name, source: file } };
}

/** The scenario source for the stream the options select. */
async function importedSource(file: string, o: { stream?: number; flow?: [Endpoint, Endpoint]; as: ImportSide }): Promise<{ source: string; scan: CaptureScan }> {
  const { scan, options } = await selectedStream(file, o);
  return { source: importScenario(scan.selected, scan.frames, options), scan };
}

async function importCommand(file: string, o: ImportOptions): Promise<number> {
  const { source, scan } = await importedSource(file, o);
  for (const w of scan.summary.warnings) process.stderr.write(`warning: ${w.message}\n`);
  if (o.output) {
    writeFileSync(o.output, source);
    process.stderr.write(`wrote ${o.output}: stream ${scan.selected!.index}, ${scan.frames.length} segments, played as the ${o.as}\n`);
  } else out(source);
  return 0;
}

interface ReplayOptions extends RunOptions {
  stream?: number;
  flow?: [Endpoint, Endpoint];
  as: ImportSide;
  save?: string;
}

async function replayCommand(file: string, o: ReplayOptions): Promise<number> {
  const { scan, options } = await selectedStream(file, o);
  if (o.save) writeFileSync(o.save, importScenario(scan.selected, scan.frames, options));
  // The capture runs as data: no code is written or evaluated. Its bytes were read as root; what
  // follows needs no more than the raw sockets and report files opened now (src/io/sandbox.ts).
  const sc = importedScenario(scan.selected, scan.frames, options);
  await enterSandbox({ outputs: outputsOf(o), sender: true });
  return interruptible((interrupt) => runLoaded(file, sc, o, interrupt));
}

/** Add `show`, `import` and `replay` to `program`. */
export function registerCaptureCommands(program: Command): void {
  program
    .command('show')
    .description('read a pcap or pcapng capture: list its TCP conversations, or print one with relative and raw numbers, Wireshark\'s analysis and a ladder (no root)')
    .argument('<file>', 'a capture file: pcap (either byte order, µs or ns) or pcapng (any sections and interfaces)')
    .option('--list', 'list the TCP conversations (stream number, endpoints, frames and bytes each way, start, duration, whether the handshake was captured)')
    .option('--stream <n>', 'the conversation to print, by stream number (as Wireshark\'s tcp.stream, in order of first appearance)', intOption('--stream', 0, 1_000_000_000))
    .option('--flow <a:p-b:p>', 'the conversation to print, by its endpoints (either order)', flowOption)
    .option('--no-ladder', 'do not print the ladder diagram')
    .option('--html <file>', 'also write the conversation as a self-contained HTML report (SVG ladder, packet table, every field and byte)')
    .addHelpText('after', `
Without --stream or --flow: the only conversation if there is one, else the list. Link types:
Ethernet, raw IPv4, Linux cooked (SLL, SLL2), BSD loopback. A side whose SYN is not in the
capture is numbered from its first segment, which is relative 1, as Wireshark numbers it.

Examples:
  tcpcraft show session.pcapng --list
  tcpcraft show session.pcapng --stream 2
  tcpcraft show session.pcap --flow 10.77.0.1:40000-10.77.0.2:5000 --no-ladder`)
    .action((file: string, o: ShowOptions) => runCommandBody(() => showCommand(file, o)));

  program
    .command('import')
    .description('turn one TCP conversation of a capture into a scenario you can read, edit and run (no root)')
    .argument('<file>', 'a pcap or pcapng capture')
    .option('--stream <n>', 'the conversation, by stream number (default 0; see show --list)', intOption('--stream', 0, 1_000_000_000))
    .option('--flow <a:p-b:p>', 'the conversation, by its endpoints', flowOption)
    .option('--as <side>', 'the side the scenario plays: client (the side that sent the SYN) or server', sideOption, 'client' as ImportSide)
    .option('-o, --output <file>', 'write the scenario there (default: stdout)')
    .addHelpText('after', `
Our side's segments become send() with flags, options and payload as captured; the other side's
become expect() with relative seq, ack and length (its window, options, timestamp values and
data are its own choice: the capture's values are in comments). Its timestamps are captured and
echoed; its pure ACKs and retransmissions are optional; PSH may come or not.

Example:
  tcpcraft import session.pcapng --stream 0 -o session.ts && sudo tcpcraft run session.ts --dst 10.77.0.2`)
    .action((file: string, o: ImportOptions) => runCommandBody(() => importCommand(file, o)));

  program
    .command('replay')
    .description('import one conversation of a capture and run it against a live host at once: our ISN is new, the peer\'s is learnt, every number is mapped (root)')
    .argument('<file>', 'a pcap or pcapng capture')
    .requiredOption('--dst <ip>', 'the host to replay against (lab hosts only: see the README)', ipOption)
    .option('--dport <port>', "the peer's port (default: the captured one)", portOption)
    .option('--sport <port>', 'our TCP port (default: a random ephemeral port; with --as server, the captured server port)', portOption)
    .option('--src <ip>', 'our IPv4 address (default: the route\'s source)', ipOption)
    .option('--stream <n>', 'the conversation, by stream number (default 0)', intOption('--stream', 0, 1_000_000_000))
    .option('--flow <a:p-b:p>', 'the conversation, by its endpoints', flowOption)
    .option('--as <side>', 'the side to play: client or server', sideOption, 'client' as ImportSide)
    .option('--save <file>', 'also write the imported scenario there')
    .option('--iface <name>', 'interface to capture on (default: the one routing to the peer)', ifaceOption)
    .option('--timeout <ms>', 'how long to wait for each expected segment', intOption('--timeout', 1, 600000))
    .option('--pcap <file>', 'write the replay\'s segments to a capture (.pcapng: with a note per packet)')
    .option('--json [file]', "write the JSON report (as run) to FILE; '-' or no FILE: to stdout")
    .option('--no-ladder', 'do not print the ladder diagram')
    .option('--no-trace', 'do not print the trace table')
    .addHelpText('after', `
Exit status as run: 0 passed, 1 a segment did not match or did not come, 2 usage or environment.

Example, in the lab:
  sudo tcpcraft lab exec client -- tcpcraft replay session.pcapng --stream 0 --dst 10.77.0.2`)
    .action((file: string, o: ReplayOptions) => runCommandBody(() => replayCommand(file, o)));
}
