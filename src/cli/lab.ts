/** `tcpcraft lab up|down|status|exec` and `tcpcraft cleanup`. */
import { jsonOnStdout, writeJson, type JsonDest } from './output.js';
import { JSON_FORMAT_VERSION } from '../report/json.js';
import { TOOL } from '../version.js';
import { spawn } from 'node:child_process';
import { registerServeCommand } from './serve.js';
import { constants } from 'node:os';
import { Command, Option } from 'commander';
import { EnvError, UsageError } from '../errors.js';
import { sweepGuards } from '../io/guard.js';
import { run } from '../io/exec.js';
import { PACKETDRILL_SYSCTLS } from '../lab/catalogue.js';
import { intOption } from './options.js';
import { setServerRoutes } from '../io/targets.js';
import { DEFAULT_LAB, labConfig, labDown, labExecArgv, labIfaces, labNcOutput, labNamespaces, labStatus, labUp, recordedTarget, TARGET_NAMES, type LabConfig, type LabSide, type LabStatus, type TargetName } from '../io/lab.js';

interface LabOpts {
  target?: string;
  name?: string;
  clientAddr?: string;
  serverAddr?: string;
  prefix?: string;
}

function withLabOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--name <name>', 'lab name: namespaces are NAME-client and NAME-server').default(DEFAULT_LAB.name))
    .addOption(new Option('--client-addr <ip>', 'IPv4 address of the client end').default(DEFAULT_LAB.clientAddr))
    .addOption(new Option('--server-addr <ip>', 'IPv4 address of the server end').default(DEFAULT_LAB.serverAddr))
    .addOption(new Option('--prefix <len>', 'prefix length of the lab subnet').default(String(DEFAULT_LAB.prefix)));
}

/** The lab the options name; its target is --target, else the one it was brought up with, else linux. */
function cfgOf(o: LabOpts): LabConfig {
  // The name is checked before it is used in a path.
  const name = labConfig({ name: o.name }).name;
  const target = (o.target ?? recordedTarget(name) ?? DEFAULT_LAB.target) as TargetName;
  return labConfig({ name: o.name, clientAddr: o.clientAddr, serverAddr: o.serverAddr, prefix: o.prefix === undefined ? undefined : Number(o.prefix), target });
}

function formatStatus(cfg: LabConfig, s: LabStatus): string {
  const ns = labNamespaces(cfg);
  const ifs = labIfaces(cfg);
  const lines = [`lab ${s.name}: ${s.up ? 'up' : 'not (fully) up'}, target ${s.target} (${s.version ?? s.stack})`];
  for (const side of ['client', 'server'] as const) {
    lines.push(`  ${side}: namespace ${ns[side]} ${s.namespaces[side] ? 'present' : 'absent'}, ${ifs[side]} ${s.addresses[side].join(', ') || '(no address)'}`);
  }
  for (const srv of s.servers) lines.push(`  server ${srv.name}: pid ${srv.pid} ${srv.alive ? 'alive' : 'dead'}`);
  return `${lines.join('\n')}\n`;
}

/** Add `lab up|down|status|exec` and `cleanup` to `program`. */
export function registerLabCommands(program: Command): void {
  const lab = program
    .command('lab')
    .description('manage the two-namespace lab (NAME-client <-> NAME-server over a veth pair, no default route)')
    .addHelpText('after', `
The lab runs real servers in the server namespace: netcat-openbsd on TCP 5000 (bytes saved in
/run/tcpcraft/NAME/nc.out, shown by 'lab received'), a daytime service on TCP 13 (22 bytes, then
close), and echo (7), discard (9) and chargen (19, 65536 bytes) taking many connections at once.
Offloads are off on both veth ends so captures show real checksums. Needs root.

--target NAME puts another TCP stack on the server side, serving the same services on the same
ports: linux (the host kernel, default), linux-uml (Linux 6.1 as user-mode Linux on a tap), gvisor
(gVisor's netstack in runsc), lwip (lwIP's unix port on a tap, build/lwip-lab from 'make setup'),
slirp (libslirp through slirp4netns, forwarding to services on the server namespace's loopback),
reference (tcpcraft's own RFC reference stack on a tap, IPv4 and IPv6; --impair adds loss and
reordering). 'lab status' names the stack and version.

Examples:
  sudo tcpcraft lab up
  sudo tcpcraft lab exec client -- nc 10.77.0.2 13
  sudo tcpcraft lab down
  sudo tcpcraft lab up --name lw --target lwip
  sudo tcpcraft lab up --name rf --target reference --impair loss=1%,reorder=1%`);

  registerServeCommand(lab);

  withLabOptions(lab.command('up'))
    .description('create the lab and start its servers (harmless if already up)')
    .addOption(new Option('--target <name>', `the TCP stack that answers as the server: ${TARGET_NAMES.join(', ')} (default: linux, or what the lab is up with)`).choices([...TARGET_NAMES]))
    .option('--impair <spec>', "reference target: lose and reorder frames on its link, e.g. loss=1%,reorder=1% (seed=N to repeat a run; hold=10ms, how long a held frame waits); this kernel has no netem, so the target does it itself")
    .option('--packetdrill-settings', "linux target: give the server namespace's TCP the settings packetdrill's harness gives the Linux it tests (buffer sizes, RACK, cubic, Fast Open key...), for scenarios converted by 'import-pkt'; the conformance suite does not need them")
    .option('--server-mtu <bytes>', "linux target: the MTU of the server's link (576 to 1500; IPv6 needs 1280 or more), a value the RFCs allow that the conformance suite must take without a verdict changing", intOption('--server-mtu', 576, 1500))
    .option('--initcwnd <segments>', "linux target: the server's initial congestion window for the lab subnet (1 to 10 segments; the route's initcwnd), another such value", intOption('--initcwnd', 1, 10))
    .action(async (o: LabOpts & { packetdrillSettings?: boolean; impair?: string; serverMtu?: number; initcwnd?: number }) => {
      const cfg = o.impair !== undefined ? labConfig({ ...cfgOf(o), impair: o.impair }) : cfgOf(o);
      if (o.packetdrillSettings && cfg.target !== 'linux') throw new UsageError(`--packetdrill-settings is for the linux target (its server namespace's own sysctls); lab ${cfg.name} is ${cfg.target}.`);
      for (const [flag, v] of [['--server-mtu', o.serverMtu], ['--initcwnd', o.initcwnd]] as const) {
        if (v !== undefined && cfg.target !== 'linux') throw new UsageError(`${flag} is for the linux target (the server namespace's own link and routes); lab ${cfg.name} is ${cfg.target}.`);
      }
      const status = await labUp(cfg);
      const ns = labNamespaces(cfg).server;
      const dev = labIfaces(cfg).server;
      const ipIn = async (args: string[]): Promise<void> => {
        const r = await run('ip', ['-n', ns, ...args], { pkg: 'iproute2' });
        if (r.code !== 0) throw new EnvError(`lab ${cfg.name}: 'ip -n ${ns} ${args.join(' ')}' failed: ${r.stderr.trim() || `exit ${r.code}`}`);
      };
      if (o.serverMtu !== undefined) {
        await ipIn(['link', 'set', 'dev', dev, 'mtu', String(o.serverMtu)]);
        process.stdout.write(`lab ${cfg.name}: the server's link (${dev} in ${ns}) has MTU ${o.serverMtu}${o.serverMtu < 1280 ? ' (too small for IPv6: its lab address goes)' : ''}\n`);
      }
      if (o.initcwnd !== undefined) {
        await setServerRoutes(ns, dev, { initcwnd: o.initcwnd });
        process.stdout.write(`lab ${cfg.name}: the server's initial congestion window is ${o.initcwnd} segments\n`);
      }
      if (o.packetdrillSettings) {
        // One at a time: a setting this kernel refuses in a namespace (a congestion control not
        // in its allowed list, say) is named, and the others still apply.
        const refused: string[] = [];
        for (const setting of PACKETDRILL_SYSCTLS) {
          const r = await run('ip', labExecArgv(cfg, 'server', ['sysctl', '-qw', setting]).slice(1));
          if (r.code !== 0) refused.push(`${setting} (${r.stderr.trim().replace(/^sysctl: /, '')})`);
        }
        if (refused.length) process.stderr.write(`tcpcraft: lab ${cfg.name}: not applied: ${refused.join('; ')}\n`);
        process.stdout.write(`lab ${cfg.name}: packetdrill's TCP settings applied in ${labNamespaces(cfg).server}${refused.length ? ` (${PACKETDRILL_SYSCTLS.length - refused.length} of ${PACKETDRILL_SYSCTLS.length})` : ''}\n`);
      }
      process.stdout.write(formatStatus(cfg, status));
    });

  withLabOptions(lab.command('down'))
    .description('stop the servers the lab started, delete its namespaces and state (harmless if absent)')
    .action(async (o: LabOpts) => {
      const cfg = cfgOf(o);
      await labDown(cfg);
      process.stdout.write(`lab ${cfg.name}: down\n`);
    });

  withLabOptions(lab.command('status'))
    .description('show namespaces, addresses and servers of the lab (exit 1 when not fully up)')
    .option('--json [file]', "write the status as JSON to FILE; '-' or no FILE: to stdout instead of the text")
    .action(async (o: LabOpts & { json?: JsonDest }) => {
      const cfg = cfgOf(o);
      // Without root the namespaces cannot be entered, and the lab would look half up.
      if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new EnvError(`lab status needs root to look inside the lab's namespaces: run 'sudo tcpcraft lab status${o.name ? ` --name ${cfg.name}` : ''}' (or run it as root).`);
      const s = await labStatus(cfg);
      if (o.json !== undefined) writeJson(o.json, { format: 'tcpcraft-lab-status', formatVersion: JSON_FORMAT_VERSION, tool: TOOL, ...s });
      if (!jsonOnStdout(o.json)) process.stdout.write(formatStatus(cfg, s));
      if (!s.up) process.exitCode = 1;
    });

  withLabOptions(lab.command('received'))
    .description("print the bytes the lab's nc server (port 5000) has received so far")
    .action(async (o: LabOpts) => {
      process.stdout.write(labNcOutput(cfgOf(o)));
    });

  lab
    .command('exec')
    .description('run a command inside the client or server namespace; exits with its exit code')
    .option('--name <name>', 'lab name', DEFAULT_LAB.name)
    .argument('<side>', "'client' or 'server'")
    .argument('<cmd...>', 'command and arguments; put them after -- so their options are not read as ours')
    .addHelpText('after', '\nExample:\n  sudo tcpcraft lab exec client -- tcpdump -ni tcpcraft-c tcp')
    .action(async (side: string, cmd: string[], o: { name?: string }) => {
      if (side !== 'client' && side !== 'server') throw new UsageError(`unknown lab side '${side}': use 'client' or 'server'.`);
      const cfg = labConfig({ name: o.name });
      const ns = labNamespaces(cfg)[side as LabSide];
      if (!(await labStatus(cfg)).namespaces[side as LabSide]) {
        throw new EnvError(`namespace ${ns} does not exist: run 'tcpcraft lab up --name ${cfg.name}' first.`);
      }
      const argv = labExecArgv(cfg, side as LabSide, cmd);
      // While the command runs, a signal is its business: a terminal's Ctrl-C reaches it directly (same
      // process group); SIGTERM and SIGHUP sent to us alone are passed on. We wait for it to finish
      // (a tcpcraft run inside winds down first) and exit with its status.
      const passOn = (sig: NodeJS.Signals) => (): void => void (sig !== 'SIGINT' && child?.kill(sig));
      const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => [sig, passOn(sig)] as const);
      let child: ReturnType<typeof spawn> | undefined;
      for (const [sig, h] of handlers) process.on(sig, h);
      try {
        process.exitCode = await new Promise<number>((resolve, reject) => {
          child = spawn(argv[0] as string, argv.slice(1), { stdio: 'inherit' });
          child.on('error', reject);
          child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : 1)));
        });
      } finally {
        for (const [sig, h] of handlers) process.off(sig, h);
      }
    });

  program
    .command('cleanup')
    .description('remove nftables guard tables left by dead tcpcraft processes; with --lab also tear that lab down')
    .option('--lab <name>', 'also sweep guards inside lab NAME and tear the lab down')
    .addHelpText('after', '\nGuard tables are named tcpcraft_<pid>_<n>; only those whose pid is no longer running are removed.')
    .action(async (o: { lab?: string }) => {
      const removed = await sweepGuards();
      if (o.lab !== undefined) {
        const cfg = labConfig({ name: o.lab });
        const status = await labStatus(cfg);
        for (const side of ['client', 'server'] as const) {
          if (status.namespaces[side]) removed.push(...(await sweepGuards({ netns: labNamespaces(cfg)[side] })));
        }
        await labDown(cfg);
        process.stdout.write(`lab ${cfg.name}: down\n`);
      }
      process.stdout.write(removed.length ? `removed ${removed.join(', ')}\n` : 'no stale guard tables\n');
    });
}

