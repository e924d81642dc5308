/**
 * `tcpcraft import-pkt`: packetdrill scripts as scenarios (src/capture/packetdrill.ts converts;
 * this reads the files, writes the results and says what happened). Nothing in a script is run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { convertPacketdrill, type PktConversion, type PktIssue } from '../capture/packetdrill.js';
import { ScenarioError, UsageError } from '../errors.js';
import { ipOption } from './options.js';
import { runCommandBody } from './output.js';

interface ImportPktOptions {
  output?: string;
  outDir?: string;
  drop?: boolean;
  dst?: string;
}

/** Text from a script shown on a terminal: control characters (escape sequences...) as '?'. */
const shown = (text: string): string => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');

/** Every `*.pkt` under `dir`, recursively, sorted; directories reached through links are not entered. */
export function packetdrillFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.pkt') && (entry.isFile() || (entry.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isFile()))) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The scenario file name for `file` (its path under the batch's root): the path's parts joined by
 * '-', characters other than letters, digits, '.', '_' and '-' as '_', never starting with '_' or
 * '.' (the suite skips such names), unique among `taken`.
 */
export function scenarioFileName(rel: string, taken: Set<string>): string {
  let stem = rel
    .replace(/\.pkt$/, '')
    .split(/[\\/]+/)
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .join('-')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  if (stem === '' || /^[._]/.test(stem)) stem = `pkt${stem}`;
  stem = stem.slice(0, 200);
  let name = `${stem}.ts`;
  for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${stem}-${k}.ts`;
  taken.add(name.toLowerCase());
  return name;
}

const issueLine = (i: PktIssue): string => (i.line ? `line ${i.line}: ${i.reason}: ${shown(i.text.length > 100 ? `${i.text.slice(0, 100)}…` : i.text)}` : i.reason);

/** The one-sentence (or few-line) reason a conversion failed, naming the file. */
function failureText(file: string, text: string, r: Extract<PktConversion, { ok: false }>): string {
  if (r.kind === 'syntax') {
    const src = text.split('\n')[r.line - 1];
    const where = `${file}:${r.line}:${r.column}: ${r.message}`;
    return src === undefined ? where : `${where}\n  ${shown(src.replace(/\t/g, ' '))}\n  ${' '.repeat(Math.max(0, r.column - 1))}^`;
  }
  return `${file}: cannot be played from outside as it is (--drop converts it without these lines, each left as a comment):\n${r.issues.map((i) => `  ${issueLine(i)}`).join('\n')}`;
}

/** Reads a script; a file that is not there, or not a file, is the user's mistake. */
function readScript(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st || !st.isFile()) throw new UsageError(`${file}: no such packetdrill script`);
  return readFileSync(file, 'utf8');
}

function importOne(file: string, o: ImportPktOptions): number {
  const text = readScript(file);
  const name = basename(file).replace(/\.pkt$/, '') || 'packetdrill';
  const r = convertPacketdrill(text, { name, source: file, drop: o.drop === true, ...(o.dst ? { dst: o.dst } : {}) });
  if (!r.ok) throw new ScenarioError(failureText(file, text, r), file);
  if (o.output) writeFileSync(o.output, r.source);
  else process.stdout.write(r.source);
  const notes = [
    ...r.dropped.map((i) => `  dropped ${issueLine(i)}`),
    ...r.warnings.map((w) => `  note ${issueLine(w)}`),
  ];
  process.stderr.write(`${o.output ? `wrote ${o.output}` : 'converted'}: ${file}, ${r.role} role, ${r.steps} steps${r.dropped.length ? `, ${r.dropped.length} line(s) dropped` : ''}\n${notes.map((l) => `${l}\n`).join('')}`);
  return 0;
}

function importMany(inputs: readonly string[], o: ImportPktOptions): number {
  if (o.output) throw new UsageError('-o names one output file: with several scripts or a directory, give --out-dir DIR.');
  if (!o.outDir) throw new UsageError('several scripts or a directory: give --out-dir DIR for the scenarios.');
  // Each input with the root its output name is made relative to.
  const jobs: Array<{ file: string; rel: string }> = [];
  for (const input of inputs) {
    const st = statSync(input, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`${input}: no such file or directory`);
    if (st.isDirectory()) for (const f of packetdrillFiles(input)) jobs.push({ file: f, rel: relative(input, f) });
    else jobs.push({ file: input, rel: basename(input) });
  }
  if (jobs.length === 0) throw new UsageError(`no .pkt script under ${inputs.join(', ')}`);
  const outDir = resolve(o.outDir);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`--out-dir ${o.outDir}: not a directory`);
  mkdirSync(outDir, { recursive: true });
  const taken = new Set<string>();
  const written: string[] = [];
  const refused: Array<{ file: string; why: string }> = [];
  const reasons = new Map<string, number>();
  let dropped = 0;
  for (const { file, rel } of jobs) {
    const text = readFileSync(file, 'utf8');
    const name = rel.replace(/\.pkt$/, '');
    const r = convertPacketdrill(text, { name, source: file, drop: o.drop === true, ...(o.dst ? { dst: o.dst } : {}) });
    if (!r.ok) {
      const first = r.kind === 'syntax' ? `line ${r.line}:${r.column}: ${r.message}` : `${issueLine(r.issues[0]!)}${r.issues.length > 1 ? ` (and ${r.issues.length - 1} more)` : ''}`;
      refused.push({ file, why: first });
      const kinds = r.kind === 'syntax' ? ['cannot be read'] : [...new Set(r.issues.map((i) => i.reason))];
      for (const k of kinds) reasons.set(k, (reasons.get(k) ?? 0) + 1);
      process.stdout.write(`refused   ${shown(file)}: ${first}\n`);
      continue;
    }
    const out = join(outDir, scenarioFileName(rel, taken));
    writeFileSync(out, r.source);
    written.push(out);
    if (r.dropped.length) dropped += 1;
    for (const k of new Set(r.dropped.map((i) => i.reason))) reasons.set(k, (reasons.get(k) ?? 0) + 1);
    process.stdout.write(`converted ${shown(file)} -> ${shown(out)} (${r.role}, ${r.steps} steps${r.dropped.length ? `, ${r.dropped.length} line(s) dropped` : ''})\n`);
  }
  const top = [...reasons.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 12);
  process.stdout.write(
    `\n${written.length} converted${o.drop ? ` (${dropped} with lines dropped)` : ''}, ${refused.length} refused, of ${jobs.length} script(s); scenarios in ${shown(outDir)}\n` +
      (top.length ? `${o.drop ? 'lines dropped or refused' : 'why scripts were refused'}, by scripts concerned:\n${top.map(([k, c]) => `  ${String(c).padStart(4)}  ${shown(k)}\n`).join('')}` : '') +
      (written.length ? `run them: tcpcraft suite ${shown(outDir)} --target NAME (in a lab: tcpcraft lab exec client -- tcpcraft suite ...)\n` : ''),
  );
  return refused.length ? 2 : 0;
}

/** Adds `import-pkt` to `program`. */
export function registerPacketdrillCommand(program: Command): void {
  program
    .command('import-pkt')
    .description('convert packetdrill scripts into scenarios that play them against a lab target from the outside (no root; nothing in a script is run)')
    .argument('<scripts...>', 'packetdrill scripts (.pkt), or directories of them (converted recursively, with --out-dir)')
    .option('-o, --output <file>', 'with one script: write the scenario there (default: stdout)')
    .option('--out-dir <dir>', 'with several scripts or a directory: write one scenario per script there (created if needed), named after its path (a/b.pkt -> a-b.ts), and print a summary')
    .option('--drop', 'convert scripts even when some of their lines cannot be played from outside, leaving each as a "// dropped (line N)" comment (default: refuse the script, listing those lines)')
    .option('--dst <ip>', "the stack under test's address in the scenarios (default: the lab's 10.77.0.2, fd77::2 for IPv6 scripts)", ipOption)
    .addHelpText('after', `
How a script is played. packetdrill runs a script on the machine under test; tcpcraft plays it from
the outside, against a lab target: tcpcraft is the remote end, and the script's system calls are
made by the target's application on command (app() steps; the scenarios require 'app-puppet').
  < segments      send(), with the script's flags, seq, ack, window, options, and zeros as payload
  > segments      expect() of flags, seq, ack, length, options (<...>: not checked; a timestamp's
                  value is the stack's own: captured and echoed), window and urg when given, ECN
                  marks ([ect0], [ce]...) as ip: { ecn }; one longer than the stack's MSS is
                  expected as MSS-sized segments (packetdrill takes them whole or in pieces)
  numbers         the script's relative ones (a SYN's, absolute in packetdrill, made relative)
  +T              before < or a call: pause() up to that time; before >: at: (from the previous
                  segment, the times of the events in between added up)
  +a~+b, *        after/within widened by the tolerance; no timing; --tolerance_usecs and
                  --tolerance_percent become the scenario's tolerance
  T...E calls     how long the call blocks is checked; a call that waits for what we send next
                  (accept before the handshake, a blocking read or connect) runs in the background
                  and is waited for (appWait) where the script has it return
  listen/accept   a client-role scenario (we send the SYN) to port 8080 (or bind's, --bind_port)
  connect         a server-role scenario (the stack connects to our port 8080, or --connect_port)
Not from outside (refused, or dropped with --drop): \`shell\` and sysctl lines, %{ python }% blocks,
most --options, poll/epoll, ioctl, getsockopt(TCP_INFO), cmsg, MSG_FASTOPEN and MSG_ZEROCOPY,
socket options the lab's application does not know, UDP/GRE/MPLS packets, MD5 and AccECN, more
than one connection. A line that cannot be read at all is an error naming FILE:LINE:COLUMN, and
nothing is written. Exit status: 0 converted; 2 a script refused or unreadable (in a batch, the
others are still written).

Licences: the scripts of google/packetdrill and of the Linux kernel's selftests are GPL-2.0, and a
conversion is derived from its script: convert them where you run them, run the result, and do not
commit it into a repository under another licence.

Examples:
  tcpcraft import-pkt fr-4pkt-sack.pkt -o fr-4pkt-sack.ts
  git clone https://github.com/google/packetdrill
  tcpcraft import-pkt packetdrill/gtests/net/tcp --out-dir /tmp/pkt --drop
  sudo tcpcraft lab exec client -- tcpcraft suite /tmp/pkt --target linux`)
    .action((scripts: string[], o: ImportPktOptions) =>
      runCommandBody(async () => {
        const single = scripts.length === 1 && statSync(scripts[0]!, { throwIfNoEntry: false })?.isDirectory() !== true;
        if (single && !o.outDir) return importOne(scripts[0]!, o);
        return importMany(scripts, o);
      }),
    );
}
