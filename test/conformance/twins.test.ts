/**
 * No vacuous passes: every conformance scenario has a mutated twin — one expected value changed,
 * one flag letter changed, or a `silence` swapped with an expectation — that must FAIL (exit 1)
 * at the mutated step against the real Linux stack, while the original passes in the same lab.
 *
 * A twin is a small .ts file written to a temp dir: it imports the original scenario and
 * replaces one step. In the replacement source, `s` is the original step and `set({...})` is `s`
 * with some expectation fields replaced; the DSL functions are in scope. Runs need root sockets
 * in the lab's client namespace, so each twin is run by the compiled CLI via `ip netns exec`,
 * several at a time. Needs root (the lab is made and removed here).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finished } from '../io/helpers/proc.js';
import { outputOf, ROOT, tcpcraftIn, testLab } from '../support/live.js';

const DIR = join(ROOT, 'scenarios/conformance');

interface Twin {
  /** Scenario file in scenarios/conformance. */
  readonly file: string;
  /** 1-based step number (as diagnostics show it) that is replaced. */
  readonly step: number;
  /** TypeScript source of the replacement step (`s`: the original step; `set(f)`: s with fields f). */
  readonly with: string;
  /** Why the live stack must make this twin fail. */
  readonly why: string;
}

// prettier-ignore
const TWINS: readonly Twin[] = [
  { file: 'closed-port-syn.ts',         step: 2,  with: `set({ ack: 2 })`,                                  why: 'the RST/ACK acknowledges exactly ISN+1 (the SYN), not more' },
  { file: 'closed-port-syn-data.ts',    step: 2,  with: `set({ ack: 1 })`,                                  why: 'the RST/ACK covers the SYN and its 5 data bytes: ack 6, not 1' },
  { file: 'closed-port-ack.ts',         step: 2,  with: `set({ seq: (s.fields.seq as number) + 1 })`,       why: 'the RST seq is exactly our ACK number' },
  { file: 'listener-rst-ignored.ts',    step: 2,  with: `expect('RA', { timeout: 300 })`,                   why: 'the listener ignores the RST: nothing comes back' },
  { file: 'synack-options-offered.ts',  step: 2,  with: `set({ options: { has: ['sackOk'], timestamp: { tsval: capture('peerTs'), tsecr: 0x1000abce } } })`, why: 'TSecr echoes our TSval exactly' },
  { file: 'synack-options-none.ts',     step: 2,  with: `set({ options: { has: ['mss', 'wscale'] } })`,     why: 'no window scale in the SYN/ACK when the SYN had none' },
  { file: 'synack-options-partial.ts',  step: 2,  with: `set({ options: { has: ['mss', 'sackOk', 'timestamp'] } })`, why: 'no timestamps in the SYN/ACK when the SYN had none' },
  { file: 'synack-retransmit.ts',       step: 3,  with: `set({ at: 500 })`,                                 why: 'the first SYN/ACK retransmission comes after ~1 s, not 0.5 s' },
  { file: 'synrecv-dup-syn.ts',         step: 4,  with: `({ ...s, flags: 'A' })`,                           why: 'Linux resends the SYN/ACK, not a bare (challenge) ACK' },
  { file: 'synrecv-bad-ack.ts',         step: 4,  with: `set({ seq: 1 })`,                                  why: 'the RST seq is SEG.ACK (1001), not the server\'s ISS+1' },
  { file: 'unknown-option.ts',          step: 5,  with: `set({ ack: 1 })`,                                  why: 'the data with the unknown option is taken (ack 22)' },
  { file: 'reserved-bits.ts',           step: 5,  with: `set({ ack: 1 })`,                                  why: 'the data with reserved bits set is taken (ack 19)' },
  { file: 'bad-checksum.ts',            step: 5,  with: `expect('A', { ack: 15, timeout: 700 })`,           why: 'a bad checksum gets no ACK at all' },
  { file: 'oow-data-ack.ts',            step: 5,  with: `silence(300)`,                                     why: 'out-of-window data is answered by an ACK' },
  { file: 'rst-in-window-challenge.ts', step: 5,  with: `silence(300)`,                                     why: 'an inexact in-window RST gets a challenge ACK' },
  { file: 'rst-out-of-window.ts',       step: 5,  with: `expect('A', { seq: 1, ack: 1, timeout: 600 })`,    why: 'an out-of-window RST gets no challenge ACK' },
  { file: 'rst-exact.ts',               step: 7,  with: `({ ...s, flags: 'RA' })`,                          why: 'the listener answers an ACK with a bare RST (no ACK flag)' },
  { file: 'syn-in-established.ts',      step: 5,  with: `({ ...s, flags: 'R' })`,                           why: 'a SYN in ESTABLISHED gets a challenge ACK, not the RFC 793 RST' },
  { file: 'ack-unsent-data.ts',         step: 5,  with: `set({ ack: 19 })`,                                 why: 'a segment acknowledging unsent data is dropped, its bytes not taken' },
  { file: 'ooo-sack.ts',                step: 5,  with: `set({ options: { sack: [[101, 200]] } })`,         why: 'the SACK block is exactly 101-201' },
  { file: 'ooo-no-sack.ts',             step: 5,  with: `set({ options: { has: ['sack'] } })`,              why: 'no SACK block without SACK-permitted' },
  { file: 'ooo-fill-hole.ts',           step: 7,  with: `set({ ack: 101 })`,                                why: 'filling the hole acknowledges everything: 201' },
  { file: 'delayed-ack-bound.ts',       step: 5,  with: `set({ ack: 4 })`,                                  why: 'the ACK covers all 4 bytes' },
  { file: 'fin-last-ack.ts',            step: 9,  with: `expect('FA', { timeout: 800 })`,                   why: 'once its FIN is ACKed, the server sends nothing more' },
  { file: 'fin-last-ack-retransmit.ts', step: 7,  with: `set({ after: 400 })`,                              why: 'the first FIN retransmission comes after one RTO (~200 ms), not two' },
  { file: 'fin-wait.ts',                step: 10, with: `set({ ack: 1 })`,                                  why: 'our FIN is acknowledged (ack 2)' },
  { file: 'data-retransmit-backoff.ts', step: 15, with: `set({ after: 180, within: 300 })`,                 why: 'the RTO doubles: the second retransmission comes ~400 ms after the first' },
  { file: 'mss-respected.ts',           step: 4,  with: `either(expect('A', { seq: 1, len: range(201, 1460) }), expect('PA', { seq: 1, len: range(201, 1460) }))`, why: 'segments are at most our MSS (200), never the server\'s 1460' },
  { file: 'zero-window-probe.ts',       step: 5,  with: `set({ after: 0, within: 300 })`,                   why: 'the probe interval doubles (~400 ms)' },
  { file: 'paws.ts',                    step: 7,  with: `set({ ack: 13 })`,                                 why: 'the segment with the old TSval is dropped' },
  { file: 'challenge-ack-ratelimit.ts', step: 7,  with: `expect('A', { seq: 1, ack: 1, timeout: 300 })`,    why: 'a second challenge ACK within 500 ms is throttled' },
];

/** How many runs at a time. */
const JOBS = 6;

function twinSource(t: Twin): string {
  return `import base from ${JSON.stringify(join(DIR, t.file))};
import { expect, silence, either, range, capture, type Step, type ExpectStep } from 'tcpcraft';
const i = ${t.step - 1};
const s = base.steps[i] as ExpectStep;
const set = (f: Record<string, unknown>): Step => ({ ...s, fields: { ...s.fields, ...f } }) as Step;
void expect; void silence; void either; void range; void capture; void set;
const steps = [...base.steps];
steps[i] = ${t.with};
export default { ...base, name: base.name + '-twin', steps };
`;
}

async function pool<T, R>(items: readonly T[], jobs: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let k = next++; k < items.length; k = next++) out[k] = await work(items[k]!);
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return out;
}

describe('conformance scenarios and their mutated twins @live', function () {
  this.timeout(300_000);
  const lab = testLab();
  let tmp: string;
  const originals = new Map<string, Finished>();
  const twins = new Map<string, Finished>();

  before(async () => {
    spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js was not built');
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-twins-'));
    for (const t of TWINS) writeFileSync(join(tmp, t.file), twinSource(t));
    await lab.up();
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts')).sort();
    const runs = [...files.map((f) => ({ kind: 'original', f, path: join(DIR, f) })), ...TWINS.map((t) => ({ kind: 'twin', f: t.file, path: join(tmp, t.file) }))];
    await pool(runs, JOBS, async (r) => {
      let res = await tcpcraftIn(lab.cfg, 'client', ['run', r.path, '--no-ladder'], 60_000);
      // Exit 2 (environment or load error) is never a verdict: it happens when dist/ is being
      // rebuilt at that moment (tsc rewrites its files in place). Retry such runs, at most 3 times.
      for (let k = 0; k < 3 && res.code === 2; k++) {
        await new Promise((done) => setTimeout(done, 2000));
        res = await tcpcraftIn(lab.cfg, 'client', ['run', r.path, '--no-ladder'], 60_000);
      }
      (r.kind === 'original' ? originals : twins).set(r.f, res);
    });
  });
  after(async () => {
    await lab.down();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('every conformance scenario has exactly one twin', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts')).sort();
    expect(TWINS.map((t) => t.file).sort()).to.deep.equal(files);
  });

  it('every original passes against the lab', () => {
    const failed = [...originals].filter(([, r]) => r.code !== 0).map(([f, r]) => `${f}: ${outputOf(r)}`);
    expect(failed, failed.join('\n\n')).to.deep.equal([]);
  });

  for (const t of TWINS) {
    it(`${t.file} step ${t.step} -> ${t.with}: fails (${t.why})`, () => {
      const r = twins.get(t.file)!;
      expect(r.code, outputOf(r)).to.equal(1);
      expect(r.stdout.toString(), outputOf(r)).to.contain(`FAIL ${t.file.replace(/\.ts$/, '')}-twin`);
      expect(r.stdout.toString(), outputOf(r)).to.match(new RegExp(`: step ${t.step} \\(`));
    });
  }
});
