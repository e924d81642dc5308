/**
 * `make bench`: tcpcraft side by side with scapy, hping3, nping, a C reference and the kernel, in
 * a lab of its own (created and removed here, whatever happens). Prints one table of medians and
 * ratios and writes the rows to bench/results.json. Never part of `make test`; the smoke test
 * (test/bench/smoke.test.ts, in `make flake`) runs it once with tiny counts so it cannot rot.
 *
 * Network rules: traffic only inside the lab's two namespaces (no default route); every loop and
 * every child process is bounded in count and time; children are killed by their own PID only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labConfig, labDown, labExecArgv, labIfaces, labNamespaces, labUp, type LabConfig } from '../src/io/lab.js';
import { parseFrame } from '../src/wire/packet.js';
import { parsePcap } from '../src/wire/pcap.js';
import { Flag } from '../src/wire/tcp.js';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Debian's python, the one python3-scapy installs into. */
const PYTHON = '/usr/bin/python3';

/** One row of bench/results.json: one tool on one metric. */
export interface Row {
  readonly metric: string;
  readonly tool: string;
  /** null when the tool could not be measured (see the printed table for why). */
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly unit: string;
  readonly runs: number;
}

/** Settings of one bench run. */
export interface BenchOptions {
  /** Repetitions per tool per metric (>= 5 for `make bench`). */
  readonly runs: number;
  /** Build/parse iterations per run for tcpcraft and C; scapy does `scapyIterations`. */
  readonly codecIterations: number;
  readonly scapyIterations: number;
  /** Flood bounds per run. */
  readonly floodCount: number;
  readonly floodSeconds: number;
  /** Where to write the rows (default bench/results.json). */
  readonly out: string;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Profile tcpcraft (node --cpu-prof) where a target is missed. */
  readonly profile: boolean;
  /** Runs of the whole matrix (every conformance scenario on every lab target; 0: skip it). */
  readonly matrixRuns: number;
  /** Packets in the capture that `show --list` and tshark's conv,tcp read (0: skip it). */
  readonly capturePackets: number;
  /** Bytes sent through each echo in the interop rows (0: skip them). */
  readonly interopBytes: number;
  /** What the conformance-suite rows run (default: the whole of scenarios/conformance; the smoke test takes a few files). */
  readonly suitePaths?: readonly string[];
}

/** Defaults of `make bench`. */
export const FULL: BenchOptions = {
  runs: 5,
  codecIterations: 300_000,
  scapyIterations: 300,
  floodCount: 3_000_000,
  floodSeconds: 1,
  out: join(ROOT, 'bench/results.json'),
  log: (l) => void process.stderr.write(`${l}\n`),
  profile: true,
  matrixRuns: 1,
  capturePackets: 1_000_000,
  interopBytes: 10 * 1024 * 1024,
};

/** What the run produced: rows, notes (skipped tools, targets, profiles) and the printed table. */
export interface BenchResult {
  readonly rows: Row[];
  readonly notes: string[];
  readonly table: string;
}

const M = {
  buildSyn: 'build SYN+MSS/SACK/TS/WS, both checksums',
  buildPa: 'build PSH/ACK 34 B, both checksums',
  parseSyn: 'parse SYN+MSS/SACK/TS/WS',
  parsePa: 'parse PSH/ACK 34 B',
  flood: 'injection rate at the receiver (veth)',
  reaction: 'reaction: SYN/ACK -> our ACK (server capture)',
  seed: 'netcat seed flow: SYN -> last ACK',
  start: 'process start -> first SYN on the wire',
  suite1: 'conformance suite wall time, 1 job',
  suiteN: 'conformance suite wall time, default jobs',
  matrix: 'conformance matrix, every lab target, wall time',
  capList: 'list the TCP conversations of a 1M-packet pcapng',
  capMem: 'peak memory listing them',
  startup: 'lab target start-up',
  refSuite: 'conformance suite (slow set too), scenarios per second',
  interop: '10 MB through an echo service, nc from the client namespace',
} as const;

/** Metrics where more is better (everything else is a time: less is better). */
const HIGHER_IS_BETTER = new Set<string>([M.flood, M.refSuite, M.interop]);

// ---------------------------------------------------------------- processes

interface Done {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv to completion, SIGKILLed by its own PID after `timeoutMs`. */
function runBounded(argv: readonly string[], timeoutMs: number): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    boundChild(child, timeoutMs, reject, (code) => resolve({ code, stdout: out, stderr: err }));
  });
}

/** SIGKILLs `child` by its own PID after `timeoutMs`; `done` with its exit code, `failed` if it cannot start. */
function boundChild(child: ChildProcess, timeoutMs: number, failed: (e: Error) => void, done: (code: number | null) => void): void {
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  child.on('error', (e) => {
    clearTimeout(timer);
    failed(e);
  });
  child.on('close', (code) => {
    clearTimeout(timer);
    done(code);
  });
}

async function mustRun(argv: readonly string[], timeoutMs: number): Promise<string> {
  const r = await runBounded(argv, timeoutMs);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

/** A background child that signals readiness with a line on stderr; stop() ends it by PID. */
async function startWithReady(argv: readonly string[], ready: RegExp, timeoutMs: number): Promise<{ stop(sig?: NodeJS.Signals): Promise<Done>; done: Promise<Done> }> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Done>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout: out, stderr: err });
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${argv.join(' ')} was not ready within 5 s`)), 5000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (ready.test(err)) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('close', () => {
      clearTimeout(t);
      reject(new Error(`${argv.join(' ')} exited before it was ready: ${err.trim()}`));
    });
  });
  return {
    done,
    async stop(sig: NodeJS.Signals = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
      const k = setTimeout(() => child.kill('SIGKILL'), 3000);
      const r = await done;
      clearTimeout(k);
      return r;
    },
  };
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const wallUs = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);

// ---------------------------------------------------------------- statistics and rows

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function row(metric: string, tool: string, unit: string, xs: readonly number[]): Row {
  const v = xs.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { metric, tool, median: null, min: null, max: null, unit, runs: 0 };
  return { metric, tool, median: median(v), min: Math.min(...v), max: Math.max(...v), unit, runs: v.length };
}

// ---------------------------------------------------------------- profiles

/** The top self-time functions of a .cpuprofile, as "name (file:line) NN%". */
export function topOfProfile(file: string, n = 6): string[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Array<{ id: number; hitCount?: number; callFrame: { functionName: string; url: string; lineNumber: number } }> };
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of prof.nodes) {
    const h = node.hitCount ?? 0;
    total += h;
    const f = node.callFrame;
    if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(ROOT, '')}:${f.lineNumber + 1}` : 'native';
    const key = `${f.functionName || '(anonymous)'} (${where})`;
    hits.set(key, (hits.get(key) ?? 0) + h);
  }
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, h]) => `${k} ${((100 * h) / Math.max(total, 1)).toFixed(1)}%`);
}

async function profiled(tmp: string, label: string, argv: readonly string[], timeoutMs: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmp, 'prof-'));
  // argv is [...prefix, node, script, ...]: insert the flags right after the node binary.
  const at = argv.indexOf(process.execPath);
  const full = [...argv.slice(0, at + 1), '--cpu-prof', `--cpu-prof-dir=${dir}`, ...argv.slice(at + 1)];
  await runBounded(full, timeoutMs);
  const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
  return f ? [`profile of tcpcraft (${label}), top self time:`, ...topOfProfile(join(dir, f)).map((l) => `    ${l}`)] : [`profile of tcpcraft (${label}): no profile written`];
}

// ---------------------------------------------------------------- the benchmarks

interface Peers {
  scapy: boolean;
  hping3: boolean;
  nping: boolean;
  cc: boolean;
}

function detectPeers(): Peers {
  return {
    scapy: existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import scapy.all'], { stdio: 'ignore', timeout: 30_000 }).status === 0,
    hping3: onPath('hping3'),
    nping: onPath('nping'),
    cc: onPath('cc'),
  };
}

function compile(tmp: string, name: string): string {
  const exe = join(tmp, name);
  const r = spawnSync('cc', ['-O2', '-Wall', '-o', exe, join(ROOT, `bench/c/${name}.c`)], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`cc bench/c/${name}.c failed: ${r.stderr}`);
  return exe;
}

type CodecOut = Record<'buildSyn' | 'buildPshAck' | 'parseSyn' | 'parsePshAck', number>;

async function codecBench(o: BenchOptions, peers: Peers, exes: Map<string, string>): Promise<Row[]> {
  const tools: Array<[string, () => readonly string[]]> = [['tcpcraft', () => [process.execPath, join(ROOT, 'bench/node/codec.mjs'), String(o.codecIterations)]]];
  if (peers.scapy) tools.push(['scapy', () => [PYTHON, join(ROOT, 'bench/py/codec_scapy.py'), String(o.scapyIterations)]]);
  const cexe = exes.get('codec');
  if (cexe) tools.push(['C', () => [cexe, String(o.codecIterations * 10)]]);
  const rows: Row[] = [];
  for (const [tool, argv] of tools) {
    const samples: CodecOut[] = [];
    for (let r = 0; r < o.runs; r++) samples.push(JSON.parse(await mustRun(argv(), 300_000)) as CodecOut);
    o.log(`  codec ${tool}: ${JSON.stringify(samples.at(-1))}`);
    rows.push(row(M.buildSyn, tool, 'ns', samples.map((s) => s.buildSyn)));
    rows.push(row(M.buildPa, tool, 'ns', samples.map((s) => s.buildPshAck)));
    rows.push(row(M.parseSyn, tool, 'ns', samples.map((s) => s.parseSyn)));
    rows.push(row(M.parsePa, tool, 'ns', samples.map((s) => s.parsePshAck)));
  }
  return rows;
}

const FLOOD_PORT = 9;

/** Receiver-side nft table in the server namespace: count and drop the flood at ingress. */
async function installRxDrop(cfg: LabConfig): Promise<() => Promise<void>> {
  const ns = labNamespaces(cfg).server;
  const dev = labIfaces(cfg).server;
  const table = 'tcbench_rx';
  const script = [
    `create table netdev ${table}`,
    `add chain netdev ${table} ingress_drop { type filter hook ingress device ${dev} priority 0; policy accept; }`,
    `add rule netdev ${table} ingress_drop tcp dport ${FLOOD_PORT} counter drop`,
    '',
  ].join('\n');
  const r = spawnSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: script, encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`nft (server namespace): ${r.stderr}`);
  return async () => void (await runBounded(['ip', 'netns', 'exec', ns, 'nft', 'delete', 'table', 'netdev', table], 10_000));
}

async function floodBench(o: BenchOptions, cfg: LabConfig, peers: Peers, exes: Map<string, string>, notes: string[]): Promise<Row[]> {
  const rxrate = exes.get('rxrate');
  if (!rxrate) {
    notes.push('injection rate: n/a (no C compiler for the receiver-side counter)');
    return [row(M.flood, 'tcpcraft', 'pkt/s', [])];
  }
  const dst = cfg.serverAddr;
  const secs = String(o.floodSeconds);
  const bound = Math.ceil(o.floodSeconds * 1000) + 10_000;
  const tools: Array<[string, readonly string[]]> = [
    ['tcpcraft', [process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'flood', `S@${dst}:${FLOOD_PORT}`, '--count', String(o.floodCount), '--duration', secs, '--vary', 'sport', '--link-layer']],
    ['tcpcraft (raw socket)', [process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'flood', `S@${dst}:${FLOOD_PORT}`, '--count', String(o.floodCount), '--duration', secs, '--vary', 'sport']],
  ];
  // hping3 --flood has no count or duration of its own: `timeout` bounds it (a child we started).
  if (peers.hping3) tools.push(['hping3 --flood', ['timeout', '-s', 'INT', '-k', '2', secs, 'hping3', '--flood', '-q', '-S', '-p', String(FLOOD_PORT), dst]]);
  if (peers.nping) tools.push(['nping', ['timeout', '-s', 'INT', '-k', '2', secs, 'nping', '--tcp', '-p', String(FLOOD_PORT), '--flags', 'syn', '--rate', '10000000', '-c', String(o.floodCount), '-H', '-N', '-q', dst]]);
  const cflood = exes.get('flood');
  if (cflood) tools.push(['C raw-socket loop', [cflood, cfg.clientAddr, dst, String(FLOOD_PORT), String(o.floodCount), secs]]);
  const rows: Row[] = [];
  for (const [tool, argv] of tools) {
    const rates: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      // Idle 1.5 s before it stops: the link-layer flood resolves the peer's MAC first (an ARP
      // exchange and a UDP nudge the sampler counts), and may take a few hundred ms more to start.
      const sampler = await startWithReady(labExecArgv(cfg, 'server', [rxrate, labIfaces(cfg).server, String(o.floodSeconds + 8), '1500']), /ready/, bound + 5000);
      const sent = await runBounded(labExecArgv(cfg, 'client', argv), bound);
      const got = await sampler.done;
      const m = /packets (\d+) seconds ([\d.]+)/.exec(got.stdout);
      const rate = m && Number(m[2]) > 0 ? Number(m[1]) / Number(m[2]) : NaN;
      if (!Number.isFinite(rate)) o.log(`  flood ${tool}: nothing counted (exit ${sent.code}: ${sent.stderr.trim().slice(0, 200)})`);
      rates.push(rate);
      await sleep(200);
    }
    o.log(`  flood ${tool}: ${rates.map((x) => Math.round(x)).join(' ')} pkt/s`);
    rows.push(row(M.flood, tool, 'pkt/s', rates));
  }
  return rows;
}

/** One flow seen at the server: times (µs, capture clock) of the client's SYN, the SYN/ACK, our first ACK after it, our last ACK. */
interface FlowTimes {
  sport: number;
  syn: number;
  synAck?: number;
  ack?: number;
  lastAck?: number;
}

function flowsOf(pcapFile: string, clientIp: string, serverPort: number): FlowTimes[] {
  const parsed = parsePcap(new Uint8Array(readFileSync(pcapFile)));
  if (!parsed.ok) throw new Error(`${pcapFile}: ${parsed.error.message}`);
  const flows = new Map<number, FlowTimes>();
  for (const rec of parsed.value.records) {
    const f = parseFrame(rec.data, parsed.value.linkType);
    if (!f.ok) continue;
    const { ip, tcp } = f.value.packet;
    const t = Number(rec.timestampUs);
    if (ip.src === clientIp && tcp.dstPort === serverPort) {
      if (tcp.flags === Flag.SYN) {
        if (!flows.has(tcp.srcPort)) flows.set(tcp.srcPort, { sport: tcp.srcPort, syn: t });
        continue;
      }
      const fl = flows.get(tcp.srcPort);
      if (!fl) continue;
      if (tcp.flags & Flag.ACK && fl.synAck !== undefined && fl.ack === undefined) fl.ack = t;
      if (tcp.flags === Flag.ACK) fl.lastAck = t;
    } else if (tcp.srcPort === serverPort && (tcp.flags & (Flag.SYN | Flag.ACK)) === (Flag.SYN | Flag.ACK)) {
      const fl = flows.get(tcp.dstPort);
      if (fl && fl.synAck === undefined) fl.synAck = t;
    }
  }
  return [...flows.values()].sort((a, b) => a.syn - b.syn);
}

async function seedBench(o: BenchOptions, cfg: LabConfig, peers: Peers, exes: Map<string, string>, tmp: string, notes: string[]): Promise<Row[]> {
  const nsClient = labNamespaces(cfg).client;
  const server = labIfaces(cfg).server;
  const port = 5000;
  type Tool = { name: string; argv: (sport: number) => readonly string[]; guard: boolean };
  const tools: Tool[] = [
    { name: 'tcpcraft', guard: false, argv: (sport) => [process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'run', join(ROOT, 'scenarios/netcat-5000.ts'), '--sport', String(sport), '--no-ladder', '--no-trace'] },
  ];
  if (peers.scapy) tools.push({ name: 'scapy', guard: true, argv: (sport) => [PYTHON, join(ROOT, 'bench/py/seed_scapy.py'), cfg.serverAddr, String(port), String(sport)] });
  const seedclient = exes.get('seedclient');
  if (seedclient) tools.push({ name: 'kernel socket', guard: false, argv: () => [seedclient, cfg.serverAddr, String(port)] });
  const rows: Row[] = [];
  let sportBase = 42000;
  for (const tool of tools) {
    const file = join(tmp, `seed-${tool.name.replace(/\W/g, '_')}.pcap`);
    const cap = await startWithReady(
      labExecArgv(cfg, 'server', ['tcpdump', '--immediate-mode', '-U', '-n', '-i', server, '-c', String(20 * o.runs + 50), '-w', file, `tcp port ${port}`]),
      /listening on/,
      120_000,
    );
    const starts: number[] = [];
    try {
      for (let r = 0; r < o.runs; r++) {
        const sport = sportBase++;
        let removeGuard: (() => Promise<void>) | undefined;
        if (tool.guard) {
          // scapy's own kernel-RST suppression: tcpcraft's guard approach, in the client namespace.
          const table = `tcbench_g${sport}`;
          const script = `create table ip ${table}\nadd chain ip ${table} peer_in { type filter hook prerouting priority raw; policy accept; }\nadd rule ip ${table} peer_in ip saddr ${cfg.serverAddr} tcp sport ${port} tcp dport ${sport} drop\n`;
          const g = spawnSync('ip', ['netns', 'exec', nsClient, 'nft', '-f', '-'], { input: script, encoding: 'utf8', timeout: 10_000 });
          if (g.status !== 0) throw new Error(`nft guard for scapy: ${g.stderr}`);
          removeGuard = async () => void (await runBounded(['ip', 'netns', 'exec', nsClient, 'nft', 'delete', 'table', 'ip', table], 10_000));
        }
        try {
          starts.push(wallUs());
          const done = await runBounded(labExecArgv(cfg, 'client', tool.argv(sport)), 30_000);
          if (done.code !== 0) o.log(`  seed ${tool.name}: exit ${done.code}: ${(done.stderr || done.stdout).trim().split('\n').slice(-2).join(' | ')}`);
        } finally {
          await removeGuard?.();
        }
        await sleep(150);
      }
    } finally {
      await cap.stop();
    }
    const flows = flowsOf(file, cfg.clientAddr, port);
    const reaction = flows.map((f) => (f.ack !== undefined && f.synAck !== undefined ? f.ack - f.synAck : NaN));
    const whole = flows.map((f) => (f.lastAck !== undefined ? (f.lastAck - f.syn) / 1000 : NaN));
    const start = flows.map((f, i) => (starts[i] !== undefined ? (f.syn - starts[i]!) / 1000 : NaN));
    o.log(`  seed ${tool.name}: ${flows.length} flows; reaction µs ${reaction.map((x) => x.toFixed(0)).join(' ')}; flow ms ${whole.map((x) => x.toFixed(2)).join(' ')}`);
    if (flows.length !== o.runs) notes.push(`seed flow (${tool.name}): ${flows.length} flows captured for ${o.runs} runs`);
    rows.push(row(M.reaction, tool.name === 'kernel socket' ? "kernel connect()" : tool.name, 'µs', reaction));
    rows.push(row(M.seed, tool.name, 'ms', whole));
    rows.push(row(M.start, tool.name, 'ms', start));
  }
  return rows;
}

async function suiteBench(o: BenchOptions, cfg: LabConfig, notes: string[]): Promise<Row[]> {
  // Issue 5 adds `tcpcraft suite`; until then its rows are n/a and the bench goes on.
  const help = await runBounded([process.execPath, join(ROOT, 'bin/tcpcraft.js'), '--help'], 30_000);
  if (!/^\s+suite\b/m.test(help.stdout)) {
    notes.push('conformance suite: n/a (suite not built yet)');
    return [row(M.suite1, 'tcpcraft', 's', []), row(M.suiteN, 'tcpcraft', 's', [])];
  }
  const rows: Row[] = [];
  for (const [metric, extra] of [[M.suite1, ['--jobs', '1']], [M.suiteN, []]] as const) {
    const times: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const t0 = performance.now();
      const done = await runBounded(labExecArgv(cfg, 'client', [process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'suite', ...(o.suitePaths ?? ['scenarios/conformance']).map((p) => join(ROOT, p)), ...extra]), 300_000);
      const s = (performance.now() - t0) / 1000;
      if (done.code !== 0) {
        notes.push(`conformance suite (${metric}): exit ${done.code}: ${(done.stderr || done.stdout).trim().split('\n').slice(-2).join(' | ')}`);
        times.push(NaN);
      } else times.push(s);
      const m = /(\d+)\s+scenarios?/.exec(done.stdout);
      if (m && r === 0 && metric === M.suiteN) notes.push(`conformance suite: ${m[1]} scenarios; default jobs ${(Number(m[1]) / s).toFixed(1)} scenarios/s (target >= 3)`);
    }
    rows.push(row(metric, 'tcpcraft', 's', times));
  }
  return rows;
}

/**
 * The RFC reference stack (issue 25): the whole conformance suite against it in memory, in
 * scenarios per second, beside the suite live against the Linux lab (from its own rows); and the live interop
 * transfer, `nc -N` sending `interopBytes` through an echo service and reading them back, against
 * the reference on its tap (clean, and losing and reordering 1 % of the frames) beside the
 * Linux lab's own echo. Every transfer must bring every byte back, or its run does not count.
 */
async function referenceBench(o: BenchOptions, cfg: LabConfig, tmp: string, notes: string[], linuxSuite: Row | undefined): Promise<Row[]> {
  const cli = join(ROOT, 'bin/tcpcraft.js');
  const dirs = [join(ROOT, 'scenarios/conformance'), join(ROOT, 'scenarios/conformance/slow')];
  const suiteRate = async (argv: readonly string[], label: string): Promise<number[]> => {
    const rates: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const t0 = performance.now();
      const done = await runBounded(argv, 600_000);
      const s = (performance.now() - t0) / 1000;
      const n = Number(/\((\d+) scenarios/.exec(done.stdout)?.[1] ?? NaN);
      if (done.code !== 0 && done.code !== 1) notes.push(`${label}: exit ${done.code}: ${(done.stderr || done.stdout).trim().split('\n').slice(-1)[0] ?? ''}`);
      rates.push(done.code === 0 || done.code === 1 ? n / s : NaN);
    }
    return rates;
  };
  const rows: Row[] = [
    row(M.refSuite, 'reference, in memory', 'scenarios/s', await suiteRate([process.execPath, cli, 'suite', ...dirs, '--target', 'reference'], 'reference suite')),
  ];
  // The same suite live against the Linux lab (its slow set aside): from the suite rows' times.
  const n = readdirSync(dirs[0]!).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).length;
  rows.push(row(M.refSuite, 'linux lab, live (no slow set)', 'scenarios/s', linuxSuite && linuxSuite.median !== null ? [n / linuxSuite.median] : []));
  if (o.interopBytes <= 0) return rows;
  const input = join(tmp, 'interop.in');
  const data = randomBytes(o.interopBytes);
  writeFileSync(input, data);
  const transfer = async (lab: LabConfig, label: string): Promise<number[]> => {
    const rates: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      const output = join(tmp, 'interop.out');
      const t0 = performance.now();
      const code = await runWithFiles(labExecArgv(lab, 'client', ['nc', '-N', lab.serverAddr, '7']), input, output, 300_000);
      const s = (performance.now() - t0) / 1000;
      const ok = code === 0 && readFileSync(output).equals(data);
      if (!ok) notes.push(`${label}: run ${r + 1}: ${code === 0 ? 'the bytes that came back differ' : `nc exited ${code}`}`);
      rates.push(ok ? o.interopBytes / 1e6 / s : NaN);
    }
    return rates;
  };
  rows.push(row(M.interop, 'linux (veth)', 'MB/s', await transfer(cfg, 'interop, linux')));
  for (const [impair, tool] of [[undefined, 'reference (tap)'], ['loss=1%,reorder=1%', 'reference (tap, 1% loss + reorder)']] as const) {
    const ref = labConfig({ name: `tcr${randomBytes(3).toString('hex')}`.slice(0, 9), target: 'reference', ...(impair ? { impair } : {}) });
    try {
      await labUp(ref);
      rows.push(row(M.interop, tool, 'MB/s', await transfer(ref, `interop, ${tool}`)));
    } catch (err) {
      notes.push(`interop, ${tool}: ${err instanceof Error ? err.message : String(err)}`);
      rows.push(row(M.interop, tool, 'MB/s', []));
    } finally {
      await labDown(ref);
    }
  }
  return rows;
}

/** Runs argv with stdin from `input` and stdout into `output`; its exit code (null when killed after `timeoutMs`). */
function runWithFiles(argv: readonly string[], input: string, output: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const inFd = openSync(input, 'r');
    const outFd = openSync(output, 'w');
    const child = spawn(argv[0]!, argv.slice(1), { stdio: [inFd, outFd, 'ignore'] });
    closeSync(inFd);
    closeSync(outFd);
    boundChild(child, timeoutMs, reject, (code) => resolve(code));
  });
}

/**
 * The whole matrix (every conformance scenario on every lab target, bringing each up), as users run
 * it: wall time, and each target's start-up time as the matrix reports it.
 */
async function matrixBench(o: BenchOptions, tmp: string, notes: string[]): Promise<Row[]> {
  if (o.matrixRuns <= 0) return [];
  const wall: number[] = [];
  const startup = new Map<string, number[]>();
  for (let r = 0; r < o.matrixRuns; r++) {
    const json = join(tmp, `matrix-${r}.json`);
    const t0 = performance.now();
    const done = await runBounded([process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'matrix', join(ROOT, 'scenarios/conformance'), '--json', json], 600_000);
    if (done.code !== 0 && done.code !== 1) {
      notes.push(`matrix: exit ${done.code}: ${(done.stderr || done.stdout).trim().split('\n').slice(-1)[0] ?? ''}`);
      wall.push(NaN);
      continue;
    }
    wall.push((performance.now() - t0) / 1000);
    const m = JSON.parse(readFileSync(json, 'utf8')) as { targets: Array<{ name: string; startupMs: number }>; cells: unknown[] };
    for (const t of m.targets) startup.set(t.name, [...(startup.get(t.name) ?? []), t.startupMs]);
    if (r === 0) notes.push(`matrix: ${m.cells.length} cells (${m.targets.length} targets); target < 90 s`);
  }
  return [row(M.matrix, 'tcpcraft', 's', wall), ...[...startup].map(([t, ms]) => row(M.startup, t, 'ms', ms))];
}

/**
 * Reading a big capture: a real nc session captured by tshark in the lab, repeated with a new
 * client address and port each time (125,000 conversations for a million packets) into a
 * pcapng written block by block; then `tcpcraft show --list` and `tshark -q -z conv,tcp` read it,
 * each timed, with its peak resident memory from getrusage (python3, which bench-deps installs).
 */
async function captureBench(o: BenchOptions, cfg: LabConfig, tmp: string, notes: string[]): Promise<Row[]> {
  if (o.capturePackets <= 0 || !onPath('tshark') || !onPath('python3')) {
    if (o.capturePackets > 0) notes.push('capture: skipped (tshark or python3 missing)');
    return [];
  }
  const ns = labNamespaces(cfg);
  const base = join(tmp, 'base.pcapng');
  const cap = await startWithReady(['ip', 'netns', 'exec', ns.server, 'tshark', '-i', labIfaces(cfg).server, '-f', 'tcp port 5000', '-w', base], /Capturing on/, 10_000);
  await new Promise((r) => setTimeout(r, 700));
  await mustRun(['ip', 'netns', 'exec', ns.client, 'sh', '-c', `echo bench | nc -N -w 3 ${cfg.serverAddr} 5000`], 10_000);
  await new Promise((r) => setTimeout(r, 700));
  await cap.stop('SIGINT');
  const { readCaptureBytes, pcapngHeader, pcapngPacket } = await import('../src/wire/index.js');
  const packets = readCaptureBytes(readFileSync(base)).packets;
  if (packets.length === 0) {
    notes.push('capture: the lab capture came out empty');
    return [];
  }
  const big = join(tmp, 'big.pcapng');
  const { openSync, writeSync, closeSync } = await import('node:fs');
  const fd = openSync(big, 'w');
  try {
    writeSync(fd, pcapngHeader(packets[0]!.linkType));
    const copies = Math.ceil(o.capturePackets / packets.length);
    const t0 = packets[0]!.timestampUs;
    let chunk: Uint8Array[] = [];
    for (let c = 0; c < copies; c++) {
      for (const p of packets) {
        const data = Uint8Array.from(p.data);
        const at = data.length >= 14 && data[12] === 0x08 && data[13] === 0x00 ? 14 : 0;
        const client = data[at + 12] === 10 && data[at + 15] === 1; // 10.77.0.1 is the client
        const addr = at + (client ? 12 : 16);
        data[addr + 1] = 100 + ((c >> 16) & 0x7f);
        data[addr + 2] = (c >> 8) & 0xff;
        data[addr + 3] = c & 0xff;
        const ihl = (data[at]! & 0x0f) * 4;
        const portAt = at + ihl + (client ? 0 : 2);
        const port = 10000 + (c % 50000);
        data[portAt] = port >> 8;
        data[portAt + 1] = port & 0xff;
        chunk.push(pcapngPacket({ timestampUs: t0 + BigInt(c) * 1000n + (p.timestampUs - t0), data }));
      }
      if (chunk.length >= 4096) {
        writeSync(fd, Buffer.concat(chunk));
        chunk = [];
      }
    }
    if (chunk.length) writeSync(fd, Buffer.concat(chunk));
  } finally {
    closeSync(fd);
  }
  const total = Math.ceil(o.capturePackets / packets.length) * packets.length;
  notes.push(`capture: ${total} packets in ${Math.ceil(o.capturePackets / packets.length)} conversations, from a ${packets.length}-packet lab capture`);
  // Wall time and peak RSS (kB) of a child, measured by python3's getrusage of its children.
  const measure = async (argv: readonly string[]): Promise<{ s: number; mb: number }> => {
    const py = 'import resource,subprocess,sys,time\nt=time.monotonic()\nr=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\nprint(r.returncode, time.monotonic()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
    const out = await mustRun(['python3', '-c', py, ...argv], 600_000);
    const [code, secs, kb] = out.trim().split(/\s+/).map(Number);
    if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}`);
    return { s: secs!, mb: kb! / 1024 };
  };
  const rows: Row[] = [];
  const tools: Array<[string, string[]]> = [
    ['tcpcraft', [process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'show', big, '--list']],
    ['tshark -z conv,tcp', ['tshark', '-r', big, '-q', '-z', 'conv,tcp']],
  ];
  for (const [tool, argv] of tools) {
    const runs: Array<{ s: number; mb: number }> = [];
    for (let r = 0; r < 2; r++) runs.push(await measure(argv));
    rows.push(row(M.capList, tool, 's', runs.map((x) => x.s)), row(M.capMem, tool, 'MB', runs.map((x) => x.mb)));
  }
  return rows;
}

// ---------------------------------------------------------------- targets and the table

interface Verdict {
  readonly text: string;
  readonly met: boolean | undefined;
  /** What to profile when missed. */
  readonly profile?: 'codec' | 'flood' | 'seed';
}

function med(rows: readonly Row[], metric: string, tool: string): number | null {
  return rows.find((r) => r.metric === metric && r.tool === tool)?.median ?? null;
}

function verdicts(rows: readonly Row[]): Verdict[] {
  const out: Verdict[] = [];
  const check = (name: string, value: number | null, ok: (v: number) => boolean, fmt: (v: number) => string, profile?: Verdict['profile']): void => {
    if (value === null) {
      out.push({ text: `n/a   ${name}: not measured`, met: undefined });
      return;
    }
    const met = ok(value);
    out.push({ text: `${met ? 'MET ' : 'MISS'}  ${name}: ${fmt(value)}`, met, ...(profile ? { profile } : {}) });
  };
  const ratio = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);
  for (const metric of [M.buildSyn, M.buildPa, M.parseSyn, M.parsePa]) {
    const t = med(rows, metric, 'tcpcraft');
    check(`${metric}: >= 1000x scapy`, ratio(med(rows, metric, 'scapy'), t), (v) => v >= 1000, (v) => `${v.toFixed(0)}x`, 'codec');
    check(`${metric}: within 8x of C`, ratio(t, med(rows, metric, 'C')), (v) => v <= 8, (v) => `${v.toFixed(1)}x C`, 'codec');
  }
  check('flood >= hping3', ratio(med(rows, M.flood, 'tcpcraft'), med(rows, M.flood, 'hping3 --flood')), (v) => v >= 1, (v) => `${v.toFixed(2)}x hping3`, 'flood');
  check('reaction median <= 150 µs', med(rows, M.reaction, 'tcpcraft'), (v) => v <= 150, (v) => `${v.toFixed(0)} µs`, 'seed');
  check('seed flow >= 20x faster than scapy', ratio(med(rows, M.seed, 'scapy'), med(rows, M.seed, 'tcpcraft')), (v) => v >= 20, (v) => `${v.toFixed(1)}x`, 'seed');
  check('seed flow within 5x of the kernel', ratio(med(rows, M.seed, 'tcpcraft'), med(rows, M.seed, 'kernel socket')), (v) => v <= 5, (v) => `${v.toFixed(1)}x kernel`, 'seed');
  check('process start -> first SYN < 400 ms', med(rows, M.start, 'tcpcraft'), (v) => v < 400, (v) => `${v.toFixed(0)} ms`, 'seed');
  check('process start -> first SYN: faster than scapy', ratio(med(rows, M.start, 'scapy'), med(rows, M.start, 'tcpcraft')), (v) => v > 1, (v) => `${v.toFixed(2)}x scapy`, 'seed');
  check('whole matrix < 2 s per scenario (87 scenarios x 5 targets)', med(rows, M.matrix, 'tcpcraft'), (v) => v < 174, (v) => `${v.toFixed(1)} s`);
  check('listing a 1M-packet capture: faster than tshark', ratio(med(rows, M.capList, 'tshark -z conv,tcp'), med(rows, M.capList, 'tcpcraft')), (v) => v > 1, (v) => `${v.toFixed(1)}x tshark`);
  check('the suite against the reference: >= 50 scenarios/s (the whole suite in seconds)', med(rows, M.refSuite, 'reference, in memory'), (v) => v >= 50, (v) => `${v.toFixed(0)} scenarios/s`);
  check('10 MB through the reference over the tap: >= 1 MB/s', med(rows, M.interop, 'reference (tap)'), (v) => v >= 1, (v) => `${v.toFixed(1)} MB/s`);
  check('listing it: peak memory < 256 MB (streaming)', med(rows, M.capMem, 'tcpcraft'), (v) => v < 256, (v) => `${v.toFixed(0)} MB`);
  return out;
}

function fmtNum(v: number | null): string {
  if (v === null) return 'n/a';
  if (v >= 100_000) return v.toExponential(2);
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** The printed table: one line per row, with tcpcraft's advantage over each other tool. */
export function formatTable(rows: readonly Row[], notes: readonly string[], checks: readonly Verdict[]): string {
  const head = ['metric', 'tool', 'median', 'min', 'max', 'unit', 'runs', 'tcpcraft vs tool'];
  const body = rows.map((r) => {
    const t = med(rows, r.metric, 'tcpcraft');
    let vs = '';
    if (r.tool !== 'tcpcraft' && t !== null && r.median !== null && r.median > 0 && t > 0) {
      const better = HIGHER_IS_BETTER.has(r.metric) ? t / r.median : r.median / t;
      vs = better >= 1 ? `${fmtNum(better)}x better` : `${fmtNum(1 / better)}x worse`;
    }
    return [r.metric, r.tool, fmtNum(r.median), fmtNum(r.min), fmtNum(r.max), r.unit, String(r.runs), r.median === null ? 'n/a' : vs];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const lines = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const b of body) {
    lines.push(line(b[0] === last ? ['', ...b.slice(1)] : b));
    last = b[0]!;
  }
  lines.push('', 'targets (read from this table):', ...checks.map((c) => `  ${c.text}`));
  if (notes.length) lines.push('', 'notes:', ...notes.map((n) => `  ${n}`));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- main

/** Runs every benchmark in a fresh lab (removed in finally) and returns rows, notes and the table. */
export async function runBench(o: BenchOptions): Promise<BenchResult> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error('make bench needs root (namespaces, raw sockets): run it with sudo.');
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run make build first.');
  const notes: string[] = [];
  const peers = detectPeers();
  for (const [k, v] of Object.entries(peers)) if (!v) notes.push(`${k}: not installed, its rows are skipped (make bench-deps installs it)`);
  const tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-bench-'));
  const cfg = labConfig({ name: `tcb${randomBytes(3).toString('hex')}`.slice(0, 9) });
  const rows: Row[] = [];
  const profiles: string[] = [];
  // Ctrl-C or `timeout` still removes the lab (and with it its nft tables and servers).
  const onSignal = (): void => {
    process.stderr.write(`bench: interrupted, removing lab ${cfg.name}\n`);
    void labDown(cfg)
      .catch(() => undefined)
      .finally(() => {
        rmSync(tmp, { recursive: true, force: true });
        process.exit(130);
      });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const exes = new Map<string, string>();
    if (peers.cc) for (const n of ['codec', 'flood', 'seedclient', 'rxrate']) exes.set(n, compile(tmp, n));
    o.log('build/parse ...');
    rows.push(...(await codecBench(o, peers, exes)));
    o.log(`lab ${cfg.name} up ...`);
    await labUp(cfg);
    try {
      const removeRx = await installRxDrop(cfg);
      try {
        o.log('injection rate ...');
        rows.push(...(await floodBench(o, cfg, peers, exes, notes)));
      } finally {
        await removeRx();
      }
      o.log('seed flow, reaction, start to SYN ...');
      rows.push(...(await seedBench(o, cfg, peers, exes, tmp, notes)));
      o.log('conformance suite ...');
      rows.push(...(await suiteBench(o, cfg, notes)));
      o.log('the reference stack: the suite in memory, 10 MB through its echo over the tap ...');
      rows.push(...(await referenceBench(o, cfg, tmp, notes, rows.find((r) => r.metric === M.suiteN))));
      o.log('conformance matrix over every lab target ...');
      rows.push(...(await matrixBench(o, tmp, notes)));
      o.log('a 1M-packet capture: tcpcraft show --list and tshark -z conv,tcp ...');
      rows.push(...(await captureBench(o, cfg, tmp, notes)));
      const checks = verdicts(rows);
      if (o.profile) {
        const missed = new Set(checks.filter((c) => c.met === false && c.profile).map((c) => c.profile!));
        if (missed.has('codec')) profiles.push(...(await profiled(tmp, 'build/parse', [process.execPath, join(ROOT, 'bench/node/codec.mjs'), String(o.codecIterations)], 120_000)));
        if (missed.has('flood')) {
          profiles.push(...(await profiled(tmp, 'flood', labExecArgv(cfg, 'client', [process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'flood', `S@${cfg.serverAddr}:${FLOOD_PORT}`, '--count', String(o.floodCount), '--duration', String(o.floodSeconds), '--vary', 'sport']), 30_000)));
        }
        if (missed.has('seed')) {
          profiles.push(...(await profiled(tmp, 'seed run', labExecArgv(cfg, 'client', [process.execPath, join(ROOT, 'bin/tcpcraft.js'), 'run', join(ROOT, 'scenarios/netcat-5000.ts'), '--no-ladder', '--no-trace']), 30_000)));
        }
      }
    } finally {
      o.log(`lab ${cfg.name} down`);
      await labDown(cfg);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    rmSync(tmp, { recursive: true, force: true });
  }
  const checks = verdicts(rows);
  const table = formatTable(rows, [...notes, ...profiles], checks);
  writeFileSync(o.out, `${JSON.stringify(rows, null, 2)}\n`);
  return { rows, notes, table };
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const started = performance.now();
  runBench(FULL)
    .then((r) => {
      process.stdout.write(`\n${r.table}\nwrote ${FULL.out} (${r.rows.length} rows) in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
