/** The `tcpcraft` command line: build, run, lab, cleanup. */
import { DEFAULT_LAB_NAME } from '../lab/catalogue.js';
import { Command, Option } from 'commander';
import { prestartHelper, setKeepRoot } from '../io/sandbox.js';
import { familyOption, ifaceOption, intOption, ipOption, isnOption, portOption } from './options.js';
import { interruptible } from './interrupt.js';
import { VERSION } from '../version.js';
import { setColourOption } from './colour.js';
import { reportFailure } from './failure.js';
import { buildCommand, runCommand, type BuildOptions, type FlowOptions, type RunOptions } from './run.js';

function flowOptions(cmd: Command, srcDefault: string): Command {
  return cmd
    .option('--src <ip>', `our IPv4 address (default: the scenario's local.host, else ${srcDefault})`, ipOption)
    .option('--dst <ip>', "the peer's IPv4 address (default: the scenario's peer.host)", ipOption)
    .option('--sport <port>', "our TCP port (default: the scenario's local.port, else a random ephemeral port)", portOption)
    .option('--dport <port>', "the peer's TCP port (default: the scenario's peer.port)", portOption)
    .option('--isn <n>', 'our initial sequence number (default: random)', isnOption)
    .option('--pcap <file>', 'write every segment sent and received to a capture: FILE.pcapng with a note per packet (step, send or expect, verdict), anything else classic pcap')
    .option('--json [file]', "write the JSON report (schemas/run.schema.json) to FILE; '-' or no FILE: to stdout, and the trace and every other line to stderr")
    .option('--html <file>', 'write a self-contained HTML report: an SVG ladder, the packet table, every field and byte of each packet')
    .option('--no-ladder', 'do not print the ladder diagram');
}

/**
 * The modules adding the other commands, by the names they add: loaded only when their command
 * runs (or for the full help), so that `run` starts without them.
 */
const MORE: ReadonlyArray<readonly [readonly string[], () => Promise<(p: Command) => void>]> = [
  [['lab', 'cleanup'], async () => (await import('./lab.js')).registerLabCommands],
  [['suite'], async () => (await import('./suite.js')).registerSuiteCommand],
  [['matrix'], async () => (await import('./matrix.js')).registerMatrixCommand],
  [['learn'], async () => (await import('./learn.js')).registerLearnCommand],
  [['show', 'import', 'replay'], async () => (await import('./capture.js')).registerCaptureCommands],
  [['import-pkt'], async () => (await import('./packetdrill.js')).registerPacketdrillCommand],
  [['flood'], async () => (await import('./flood.js')).registerFloodCommand],
  [['init'], async () => (await import('./init.js')).registerInitCommand],
  [['exercise'], async () => (await import('./exercise.js')).registerExerciseCommand],
];

/** The command a command line names (its first word that is not an option), if any. */
function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/** The program with every command, or (given `argv`) with the commands that command line needs. */
export async function program(argv?: readonly string[]): Promise<Command> {
  const p = baseProgram();
  const name = argv ? commandOf(argv) : undefined;
  if (name === 'run' || name === 'build') return p;
  const group = MORE.find(([names]) => name !== undefined && names.includes(name));
  for (const [, load] of group ? [group] : MORE) (await load())(p);
  return p;
}

/** The program with its own commands, build and run. */
function baseProgram(): Command {
  const p = new Command('tcpcraft')
    .description('Craft, send and check TCP segments from scenarios written in TypeScript.')
    .version(VERSION)
    .option('--no-color', 'no colour in the terminal output (also: the NO_COLOR environment variable); files and pipes never get any')
    .option('--keep-root', "run the scenario's own code as root (also: TCPCRAFT_KEEP_ROOT=1); by default, started as root, tcpcraft opens its sockets, capture and guard first and then runs scenario code as 'nobody' ($TCPCRAFT_USER)")
    .hook('preAction', (cmd) => {
      const g = cmd.opts() as { color?: boolean; keepRoot?: boolean };
      setColourOption(g.color === false ? false : undefined);
      setKeepRoot(g.keepRoot === true);
    })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `
Scenarios are .ts files whose default export is scenario({ peer, steps: [send(...), expect(...)] });
seq and ack are relative to each side's ISN, as Wireshark shows them. See README.md.

A scenario is a program: run only those you trust. Started as root, tcpcraft runs a scenario's
code (its module, its where() predicates) as the unprivileged user 'nobody' once its raw sockets,
capture and guard are open (--keep-root keeps root for a scenario that needs it).

Exit status: 0 passed, 1 a segment did not match or did not come, 2 usage or environment error;
after SIGHUP, SIGINT or SIGTERM (once it has reset the peer, removed its guards and written what it
had): 129, 130 or 143. An unexpected error is a bug in tcpcraft: it is printed with its stack and
the exit status is 70.`);

  flowOptions(p.command('build <scenario>'), "the lab's addresses: 10.77.0.1 (10.77.0.2 in the server role)")
    .description('offline, no root: play the scenario against a model peer, print each segment with relative and raw numbers')
    .option('--peer-isn <n>', "the model peer's initial sequence number (default: random)", isnOption)
    .addOption(new Option('--peer <peer>', "who answers: 'model', the scenario's own expectations played back; 'reference', tcpcraft's RFC reference stack (what an RFC-correct TCP answers, in virtual time)").choices(['model', 'reference']).default('model'))
    .option('--set <NAME=VALUE>', 'with --peer reference: change one of its settings (repeatable; e.g. minRtoMs=200, rfc5961=false)', collect, [])
    .addHelpText('after', `
Example (the netcat seed's own numbers):
  tcpcraft build scenarios/netcat-5000.ts --isn 4126488336 --peer-isn 547479085 --sport 24491
What an RFC-correct stack answers (the scenario's expectations are checked as in a run):
  tcpcraft build scenarios/conformance/nagle.ts --peer reference`)
    .action(async (file: string, o: BuildOptions) => {
      process.exitCode = await buildCommand(file, o);
    });

  flowOptions(p.command('run <scenario>'), "the source address of the route to the peer")
    .description('send the scenario on a real interface (root), match every answer, explain any difference')
    .option('--iface <name>', 'interface to capture on (default: the one routing to the peer)', ifaceOption)
    .option('--target <name>', "the stack under test: a failure the scenario's expectedFailures marks for it exits 0 (XFAIL), a pass then exits 1 (XPASS); 'reference': tcpcraft's RFC reference stack, in memory (no root, no lab, virtual time)")
    .option('--set <NAME=VALUE>', 'with --target reference: change one of its settings (repeatable; e.g. minRtoMs=200, rfc5961=false)', collect, [])
    .option('--family <4|6>', "run over this IP version: the lab's addresses in the scenario become those of that version (10.77.0.2 <-> fd77::2, 10.77.0.1 <-> fd77::1)", familyOption)
    .option('--timeout <ms>', 'how long to wait for each expected segment (default: scenario timeout, else 3000)', intOption('--timeout', 1, 600000))
    .option('--no-trace', 'do not print the trace table')
    .option('--link-layer', 'send every segment as a whole frame through libpcap (keeps IPv4 checksum, total length and id as built; steps that override those use it anyway)')
    .option('--lab <name>', "the lab whose application app() steps drive (its puppet, see 'tcpcraft lab up')", DEFAULT_LAB_NAME)
    .addHelpText('after', `
The kernel would answer the peer's SYN/ACK with a RST (it never made this connection): for the
duration of the run, tcpcraft drops the peer's packets of this one 4-tuple in nftables before the
local stack sees them (libpcap still does). The rule goes when the run ends, fails or is
interrupted; 'tcpcraft cleanup' sweeps what a killed run left.

Example, in the lab:
  sudo tcpcraft lab up
  sudo tcpcraft lab exec client -- tcpcraft run scenarios/netcat-5000.ts --pcap out.pcap`)
    .action(async (file: string, o: RunOptions) => {
      process.exitCode = await interruptible((interrupt) => runCommand(file, o, interrupt));
    });

  return p;
}

/** Commander's way to take an option more than once. */
function collect(v: string, previous: string[]): string[] {
  return [...previous, v];
}

/** The commands that run scenario code (and so drop root once their sockets are open). */
const DROPPING: readonly string[] = ['run', 'build', 'suite', 'replay', 'exercise', 'flood'];

/** Runs the CLI with `argv` (as process.argv) and sets the exit code. */
export async function main(argv: string[]): Promise<void> {
  // A reader that goes away (`tcpcraft run ... | head`) must not kill a run before its cleanup.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  // Commands that run scenario code as root will drop to the unprivileged user with a helper of
  // root's: start the helper now, so that its start overlaps loading the rest of tcpcraft.
  const name = commandOf(argv);
  const dropping = name !== undefined && DROPPING.includes(name) && (name !== 'exercise' || argv.includes('check'));
  if (dropping && !argv.includes('--keep-root') && !argv.includes('--help') && !argv.includes('-h')) prestartHelper({});
  try {
    const p = await program(argv);
    await p.parseAsync(argv);
  } catch (e) {
    // Every command's error ends here: one mapping to what is printed and the exit status.
    process.exitCode = reportFailure(e);
  }
}
