/**
 * Captures people actually have, made in a lab of the test's own: a real nc client talking to the
 * lab's nc, captured by tshark (pcapng), dumpcap (pcapng), tcpdump on "any" (classic pcap, Linux
 * cooked) and on loopback. For each, `show` numbers the conversation as tshark does; the tshark
 * capture imported as a scenario runs against a fresh nc and passes; the dumpcap one replays and
 * passes, writing a pcapng whose packet comments tshark shows. Needs root.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labIfaces, labNamespaces } from '../../src/io/lab.js';
import { scanCapture } from '../../src/cli/capture.js';
import { streamReport } from '../../src/capture/streams.js';
import { readCaptureBytes } from '../../src/wire/index.js';
import { outputOf, runBounded, tcpcraftIn, useLab } from '../support/live.js';

/** Starts a capture tool (argv) and resolves once it says it is capturing; stop() ends it with SIGINT. */
async function capturing(argv: readonly string[], ready: RegExp): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${argv.join(' ')} did not start within 10 s: ${err}`)), 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (ready.test(err)) {
        clearTimeout(t);
        // The tools say so a moment before their capture is live.
        setTimeout(resolve, 700);
      }
    });
    child.on('close', () => {
      clearTimeout(t);
      reject(new Error(`${argv.join(' ')} exited: ${err}`));
    });
  });
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 700));
      if (child.exitCode === null) child.kill('SIGINT');
      const k = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(k);
    },
  };
}

function tsharkNumbers(file: string): string[][] {
  const r = spawnSync('tshark', ['-r', file, '-Y', 'tcp.stream == 0', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.seq_raw', '-e', 'tcp.ack_raw'], { encoding: 'utf8' });
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('|'));
}

async function ourNumbers(file: string): Promise<string[][]> {
  const scan = await scanCapture(file, 0);
  const { report } = streamReport(file, scan.selected!, scan.frames);
  return report.events.map((e, i) => [String(scan.frames[i]!.frame), String(e.view.rel.seq), e.view.rel.ackRelative ? String(e.view.rel.ack) : '0', String(e.view.packet.tcp.seq), String(e.view.packet.tcp.ack)]);
}

describe('captures from the lab: show, import, replay @live', function () {
  this.timeout(180_000);
  const lab = useLab('captures');
  const ns = () => labNamespaces(lab.cfg);
  const ifs = () => labIfaces(lab.cfg);
  const files: Record<string, string> = {};

  /** A real nc client sends a line to the lab's nc and closes, while `argv` captures. */
  async function ncSession(name: string, argv: (file: string) => string[], ready: RegExp): Promise<string> {
    const file = join(lab.tmp, name);
    const cap = await capturing(argv(file), ready);
    const r = await runBounded(['ip', 'netns', 'exec', ns().client, 'sh', '-c', `echo "captured by ${name}" | nc -N -w 3 ${lab.cfg.serverAddr} 5000`], 10_000);
    expect(r.code, outputOf(r)).to.equal(0);
    await cap.stop();
    return file;
  }

  before(async () => {
    files.tshark = await ncSession('tshark.pcapng', (f) => ['ip', 'netns', 'exec', ns().server, 'tshark', '-i', ifs().server, '-f', 'tcp port 5000', '-w', f], /Capturing on/);
    files.dumpcap = await ncSession('dumpcap.pcapng', (f) => ['ip', 'netns', 'exec', ns().server, 'dumpcap', '-i', ifs().server, '-f', 'tcp port 5000', '-w', f], /Capturing on/);
    files.any = await ncSession('any.pcap', (f) => ['ip', 'netns', 'exec', ns().client, 'tcpdump', '--immediate-mode', '-i', 'any', '-U', '-w', f, 'tcp port 5000'], /listening on/);
    // Loopback: a real nc server and client inside the client namespace, captured on lo.
    const lo = join(lab.tmp, 'loopback.pcap');
    const cap = await capturing(['ip', 'netns', 'exec', ns().client, 'tcpdump', '--immediate-mode', '-i', 'lo', '-U', '-w', lo, 'tcp port 7777'], /listening on/);
    const r = await runBounded(['ip', 'netns', 'exec', ns().client, 'sh', '-c', '(timeout 5 nc -l 127.0.0.1 7777 >/dev/null &) ; sleep 0.3; echo over loopback | nc -N -w 3 127.0.0.1 7777'], 10_000);
    expect(r.code, outputOf(r)).to.equal(0);
    await cap.stop();
    files.loopback = lo;
  });

  it('the four files are pcapng (tshark, dumpcap) and classic pcap (tcpdump), with the link types expected', () => {
    const kinds = Object.fromEntries(Object.entries(files).map(([k, f]) => {
      const r = readCaptureBytes(readFileSync(f));
      return [k, `${r.format} ${[...new Set(r.packets.map((p) => p.linkType))].join(',')} ${r.problems.length}`];
    }));
    expect(kinds.tshark).to.match(/^pcapng 1 0$/);
    expect(kinds.dumpcap).to.match(/^pcapng 1 0$/);
    expect(kinds.any).to.match(/^pcap (113|276) 0$/);
    expect(kinds.loopback).to.match(/^pcap 1 0$/);
  });

  for (const k of ['tshark', 'dumpcap', 'any', 'loopback']) {
    it(`show numbers the ${k} capture as tshark does (relative and raw)`, async () => {
      const theirs = tsharkNumbers(files[k]!);
      expect(theirs.length).to.be.at.least(6);
      expect(await ourNumbers(files[k]!)).to.deep.equal(theirs);
      const r = await tcpcraftIn(lab.cfg, 'client', ['show', files[k]!, '--no-ladder'], 20_000);
      expect(r.code, outputOf(r)).to.equal(0);
      expect(r.stdout.toString()).to.match(/stream 0: /).and.match(/\[SYN\]/);
    });
  }

  it('import of the tshark capture, then run against a fresh nc: passes', async () => {
    const out = join(lab.tmp, 'imported.ts');
    const imp = await tcpcraftIn(lab.cfg, 'client', ['import', files.tshark!, '--stream', '0', '-o', out], 20_000);
    expect(imp.code, outputOf(imp)).to.equal(0);
    expect(readFileSync(out, 'utf8')).to.contain('captured by tshark.pcapng');
    const run = await tcpcraftIn(lab.cfg, 'client', ['run', out, '--no-ladder'], 30_000);
    expect(run.code, outputOf(run)).to.equal(0);
    expect(run.stdout.toString()).to.match(/^PASS /m);
  });

  it('import of the tcpdump "any" capture (Linux cooked), then run: passes', async () => {
    const out = join(lab.tmp, 'imported-any.ts');
    const imp = await tcpcraftIn(lab.cfg, 'client', ['import', files.any!, '-o', out], 20_000);
    expect(imp.code, outputOf(imp)).to.equal(0);
    const run = await tcpcraftIn(lab.cfg, 'client', ['run', out, '--no-ladder'], 30_000);
    expect(run.code, outputOf(run)).to.equal(0);
  });

  it('replay of the dumpcap capture passes, and its pcapng carries a note on every packet', async () => {
    const notes = join(lab.tmp, 'replay.pcapng');
    const saved = join(lab.tmp, 'replay.ts');
    const r = await tcpcraftIn(lab.cfg, 'client', ['replay', files.dumpcap!, '--stream', '0', '--dst', lab.cfg.serverAddr, '--pcap', notes, '--save', saved, '--no-ladder'], 30_000);
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stdout.toString()).to.match(/^PASS /m);
    expect(readFileSync(saved, 'utf8')).to.contain("send('PA'");
    const t = spawnSync('tshark', ['-r', notes, '-T', 'fields', '-e', 'frame.comment'], { encoding: 'utf8' });
    const comments = t.stdout.trim().split('\n');
    expect(comments.length).to.be.at.least(6);
    expect(comments.every((c) => /^(step \d+: (sent|expected, matched)|cleanup RST)/.test(c)), comments.join('\n')).to.equal(true);
    expect(comments.at(-1)).to.match(/run: PASS /);
  });

  it('replay against a port where nothing listens fails at the SYN/ACK with run\'s diagnostic (exit 1)', async () => {
    const r = await tcpcraftIn(lab.cfg, 'client', ['replay', files.tshark!, '--dst', lab.cfg.serverAddr, '--dport', '5999', '--no-ladder', '--no-trace'], 30_000);
    expect(r.code, outputOf(r)).to.equal(1);
    expect(r.stdout.toString()).to.match(/step 2 \(expect 'SA'\): the live segment differs/);
  });

  it('a file that is not a capture: one sentence, exit 2', async () => {
    const bad = join(lab.tmp, 'not.pcap');
    writeFileSync(bad, 'hello, this is text\n');
    const r = await tcpcraftIn(lab.cfg, 'client', ['show', bad], 10_000);
    expect(r.code, outputOf(r)).to.equal(2);
    expect(r.stderr.toString().trim()).to.match(/not\.pcap: the file starts with 0x68656c6c: it is neither pcap \(a1b2c3d4\) nor pcapng \(0a0d0d0a\)$/);
  });
});
