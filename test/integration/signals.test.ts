/**
 * Signals: `run` and `suite` stopped by SIGINT, SIGTERM and SIGHUP, ten times each, the signal
 * sent to the process or to its whole process group (as a terminal, a CI runner or systemd does).
 * Checked at the moment the process has exited, not after a delay: no guard table of that process,
 * exit 128 + the signal's number, and what it had is written (pcap, JSON meeting its schema, the
 * trace or the summary). Lab runs only; the second signal's exit is test/cli/interrupt.test.ts.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { labExecArgv } from '../../src/io/lab.js';
import { readCaptureBytes } from '../../src/wire/capture.js';
import { ROOT, guardTables, useLab } from '../support/live.js';
import { validatorFor } from '../support/schema.js';

const HANG = `${ROOT}test/integration/scenarios/hang.ts`;
const LONG = `${ROOT}test/suite/scenarios/slow/long-pause.ts`;
const CLOSED = `${ROOT}test/suite/scenarios/b-pass-closed.ts`;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Sig = (typeof SIGNALS)[number];
const TRIES = 10;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Stopped {
  code: number | null;
  stdout: string;
  stderr: string;
  /** This process's guard tables the moment it exited. */
  tablesAtExit: string[];
  /** How long from the signal to the exit, ms. */
  exitMs: number;
}

describe('signals: run and suite wind down and leave nothing @live', function () {
  this.timeout(300_000);
  const lab = useLab('signals');

  /**
   * Starts `args` in the lab's client namespace as a process group of its own, waits until it has
   * a guard table, sends `sig` (to the group when `group`), and reports the state when it exited.
   */
  async function stopWith(args: readonly string[], sig: Sig, group: boolean, settleMs = 0): Promise<Stopped> {
    const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, ...args]);
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const pid = child.pid!;
    const closed = new Promise((r) => child.on('close', r));
    const mine = async (): Promise<string[]> => (await guardTables(lab.cfg)).filter((l) => l.includes(`tcpcraft_${pid}_`));
    let tablesAtExit: string[] | undefined;
    const exited = new Promise<number | null>((resolve) =>
      // 'exit' fires when the process has ended (its pipes may still be draining): look at the tables then.
      child.on('exit', (code) => void mine().then((t) => ((tablesAtExit = t), resolve(code)))),
    );
    const killer = setTimeout(() => process.kill(-pid, 'SIGKILL'), 30_000);
    try {
      for (let i = 0; i < 300 && (await mine()).length === 0; i++) await sleep(20);
      // The guard goes in just before the first segment: settleMs lets the run get under way.
      await sleep(settleMs);
      const t0 = performance.now();
      const send = (): void => void (group ? process.kill(-pid, sig) : child.kill(sig));
      send();
      const code = await exited;
      await closed;
      return { code, stdout, stderr, tablesAtExit: tablesAtExit ?? ['(unknown)'], exitMs: performance.now() - t0 };
    } finally {
      clearTimeout(killer);
    }
  }

  const exitOf = (sig: Sig): number => 128 + constants.signals[sig];

  it(`run: ${TRIES} times each under SIGINT, SIGTERM and SIGHUP (alternately to the process and to its group): exit 128+N, no guard at exit, partial pcap and JSON valid, trace printed`, async () => {
    const validRun = validatorFor('run');
    const problems: string[] = [];
    let slowest = 0;
    for (let k = 0; k < TRIES; k++) {
      await Promise.all(
        SIGNALS.map(async (sig) => {
          const base = join(lab.tmp, `run-${sig}-${k}`);
          const group = k % 2 === 1;
          const what = `run #${k} ${sig}${group ? ' to the group' : ''}`;
          // hang.ts waits 20 s at its step 4, after the handshake: 300 ms in, the run is waiting there.
          const s = await stopWith(['run', HANG, '--dport', '9', '--pcap', `${base}.pcapng`, '--json', `${base}.json`], sig, group, 300);
          slowest = Math.max(slowest, s.exitMs);
          if (s.code !== exitOf(sig)) problems.push(`${what}: exit ${s.code}, not ${exitOf(sig)}: ${s.stderr}`);
          if (s.tablesAtExit.length) problems.push(`${what}: guard left at exit: ${s.tablesAtExit.join(', ')}`);
          if (!/^INTERRUPTED hang: .*interrupted at step \d \(SIG/m.test(s.stdout)) problems.push(`${what}: no INTERRUPTED line:\n${s.stdout}`);
          if (!/^hang {2}10\.77\.0\.1:\d+ > 10\.77\.0\.2:9/m.test(s.stdout)) problems.push(`${what}: no trace`);
          if (!s.stderr.includes(`tcpcraft: ${sig}: stopping`)) problems.push(`${what}: stderr does not say it is stopping: ${s.stderr}`);
          if (!existsSync(`${base}.pcapng`) || !existsSync(`${base}.json`)) {
            problems.push(`${what}: no pcap or JSON`);
            return;
          }
          const cap = readCaptureBytes(readFileSync(`${base}.pcapng`));
          const flags = cap.packets.length;
          if (cap.format !== 'pcapng' || cap.problems.length || flags < 4) problems.push(`${what}: pcap ${cap.format} with ${flags} packets, problems ${JSON.stringify(cap.problems)}`);
          const doc = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { verdict: string; interrupted: string | null; events: Array<{ kind: string }> };
          if (!validRun(doc)) problems.push(`${what}: JSON does not meet run.schema.json: ${JSON.stringify(validRun.errors)}`);
          if (doc.verdict !== 'interrupted' || doc.interrupted !== sig) problems.push(`${what}: JSON verdict ${doc.verdict}, interrupted ${doc.interrupted}`);
          if (doc.events.at(-1)?.kind !== 'cleanup') problems.push(`${what}: the peer was not reset (last event ${doc.events.at(-1)?.kind})`);
        }),
      );
    }
    process.stdout.write(`      ${TRIES * SIGNALS.length} interrupted runs; slowest signal-to-exit ${slowest.toFixed(0)} ms\n`);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it(`suite: ${TRIES} times each under SIGINT, SIGTERM and SIGHUP: nothing starts after the signal, INTERRUPTED not FAIL, summary and partial JSON/JUnit written, no guard at exit`, async () => {
    const validSuite = validatorFor('suite');
    const problems: string[] = [];
    for (let k = 0; k < TRIES; k++) {
      await Promise.all(
        SIGNALS.map(async (sig) => {
          const base = join(lab.tmp, `suite-${sig}-${k}`);
          const group = k % 2 === 0;
          const what = `suite #${k} ${sig}${group ? ' to the group' : ''}`;
          const s = await stopWith(['suite', LONG, CLOSED, '--jobs', '1', '--json', `${base}.json`, '--junit', `${base}.xml`], sig, group);
          if (s.code !== exitOf(sig)) problems.push(`${what}: exit ${s.code}, not ${exitOf(sig)}: ${s.stderr}`);
          if (s.tablesAtExit.length) problems.push(`${what}: guard left at exit: ${s.tablesAtExit.join(', ')}`);
          // Stopped while running (its INTERRUPTED line), or before its first segment (while its guard went in).
          if (!/^INTERRUPTED suite-long-pause \(\d+ ms\): interrupted at step \d \(SIG/m.test(s.stdout) && !new RegExp(`^interrupted by ${sig}: 2 of 2 scenarios stopped or not started$`, 'm').test(s.stdout)) problems.push(`${what}: no INTERRUPTED line:\n${s.stdout}`);
          if (/^FAIL /m.test(s.stdout)) problems.push(`${what}: an interrupted scenario printed as FAIL`);
          if (!/^0 passed, 0 failed, 0 expected failures, 2 interrupted$/m.test(s.stdout)) problems.push(`${what}: no summary line:\n${s.stdout}`);
          if (!existsSync(`${base}.json`) || !existsSync(`${base}.xml`)) {
            problems.push(`${what}: no JSON or JUnit`);
            return;
          }
          const doc = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { interrupted: string | null; totals: { interrupted: number; total: number }; results: Array<{ verdict: string; message: string }> };
          if (!validSuite(doc)) problems.push(`${what}: JSON does not meet suite.schema.json: ${JSON.stringify(validSuite.errors)}`);
          if (doc.interrupted !== sig || doc.totals.interrupted !== 2 || doc.totals.total !== 2) problems.push(`${what}: JSON interrupted ${doc.interrupted}, totals ${JSON.stringify(doc.totals)}`);
          if (doc.results[1]?.message !== `not started (${sig})`) problems.push(`${what}: the second scenario started after the signal: ${doc.results[1]?.message}`);
          const lint = spawnSync('xmllint', ['--noout', `${base}.xml`], { encoding: 'utf8' });
          if (lint.status !== 0) problems.push(`${what}: JUnit is not well-formed: ${lint.stderr}`);
        }),
      );
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});
