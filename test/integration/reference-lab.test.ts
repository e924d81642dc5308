/**
 * The reference stack on the wire: `lab up --target reference` serves it on a tap, and the host's
 * Linux talks to it. Linux's nc sends 10 MB through its echo service and gets every byte back,
 * over IPv4 and (1 MB) IPv6; then again through a link that loses 1 % and reorders 1 % of the
 * frames both ways (`--impair`, made by the reference's own process since this kernel has no
 * netem). The stack's own record of its congestion decisions (reference-trace.jsonl) is checked
 * against RFC 6298 and RFC 5681 number by number. Needs root (namespaces, tap).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labConfig, labDown, labExecArgv, labStateDir, labUp, type LabConfig } from '../../src/io/lab.js';
import { runBounded } from '../support/live.js';
import { uniqueLabName } from '../io/helpers/proc.js';
import type { CongestionEvent } from '../../src/reference/index.js';

const TEN_MB = 10 * 1024 * 1024;

/** `nc -N HOST 7` in the lab's client namespace with `data` on its stdin: what came back. */
async function echo(cfg: LabConfig, host: string, data: Buffer, timeoutMs: number): Promise<Buffer> {
  const r = await runBounded(labExecArgv(cfg, 'client', ['nc', '-N', host, '7']), timeoutMs, data);
  if (r.code !== 0) throw new Error(`nc exited ${r.code} (${r.signal ?? ''}): ${r.stderr}`);
  return r.stdout;
}

interface Stats {
  readonly impairment: { readonly in: { dropped: number; reordered: number }; readonly out: { dropped: number; reordered: number } };
}

describe('the reference stack in a lab, against Linux @live', function () {
  this.timeout(240_000);

  describe('a clean link', () => {
    const cfg = labConfig({ name: uniqueLabName(), target: 'reference' });
    before(async () => void (await labUp(cfg)));
    after(() => labDown(cfg));

    it('nc sends 10 MB through its echo over IPv4 and gets every byte back', async () => {
      const data = randomBytes(TEN_MB);
      const back = await echo(cfg, '10.77.0.2', data, 120_000);
      expect(back.length).to.equal(data.length);
      expect(back.equals(data)).to.equal(true);
    });

    it('and 1 MB over IPv6 (neighbour discovery, the IPv6 pseudo-header, flow labels)', async () => {
      const data = randomBytes(1024 * 1024);
      const back = await echo(cfg, 'fd77::2', data, 60_000);
      expect(back.equals(data)).to.equal(true);
    });
  });

  describe('a link losing and reordering 1 % of the frames each way', () => {
    const cfg = labConfig({ name: uniqueLabName(), target: 'reference', impair: 'loss=1%,reorder=1%,seed=11' });
    let trace: Array<CongestionEvent & { t: number; conn: string }> = [];
    let stats: Stats | undefined;
    before(async () => {
      await labUp(cfg);
    });
    after(() => labDown(cfg));

    it('nc still gets every byte of 10 MB back', async () => {
      const data = randomBytes(TEN_MB);
      const back = await echo(cfg, '10.77.0.2', data, 200_000);
      expect(back.length).to.equal(data.length);
      expect(back.equals(data)).to.equal(true);
      // The stack writes its counts every second; the trace as it goes.
      await new Promise((r) => setTimeout(r, 1500));
      const dir = labStateDir(cfg);
      stats = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Stats;
      const file = join(dir, 'reference-trace.jsonl');
      expect(existsSync(file)).to.equal(true);
      trace = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as CongestionEvent & { t: number; conn: string });
    });

    it('frames were lost and reordered both ways', () => {
      expect(stats, 'reference.json').to.not.equal(undefined);
      for (const dir of ['in', 'out'] as const) {
        expect(stats!.impairment[dir].dropped, dir).to.be.greaterThan(20);
        expect(stats!.impairment[dir].reordered, dir).to.be.greaterThan(20);
      }
    });

    it('every RTO is SRTT + max(G, 4 RTTVAR), at least 1 s and at most 60 s (RFC 6298 §2.3, §2.4, §2.5)', () => {
      const rtts = trace.filter((e): e is Extract<CongestionEvent, { kind: 'rtt' }> & { t: number; conn: string } => e.kind === 'rtt');
      expect(rtts.length).to.be.greaterThan(100);
      for (const e of rtts) {
        const want = Math.min(60_000, Math.max(1000, e.srtt + Math.max(1, 4 * e.rttvar)));
        expect(e.rto, JSON.stringify(e)).to.be.closeTo(want, 1e-6);
      }
    });

    it('each fast retransmit sets ssthresh = max(FlightSize/2, 2 SMSS) and cwnd = ssthresh + 3 SMSS (RFC 5681 §3.2)', () => {
      const fast = trace.filter((e): e is Extract<CongestionEvent, { kind: 'fast-retransmit' }> & { t: number; conn: string } => e.kind === 'fast-retransmit');
      expect(fast.length, 'losses of 1 % in 10 MB: fast retransmits').to.be.greaterThan(5);
      for (const e of fast) {
        expect(e.ssthresh, JSON.stringify(e)).to.equal(Math.max(Math.floor(e.flight / 2), 2 * e.smss));
        expect(e.cwnd, JSON.stringify(e)).to.equal(e.ssthresh + 3 * e.smss);
      }
    });

    it('each timeout leaves cwnd at the loss window (1 SMSS) and doubles the RTO from the 1 s floor (RFC 5681 §3.1, RFC 6298 §5.5)', () => {
      for (const e of trace.filter((x): x is Extract<CongestionEvent, { kind: 'timeout' }> & { t: number; conn: string } => x.kind === 'timeout')) {
        expect(e.cwnd, JSON.stringify(e)).to.equal(e.smss);
        expect(e.rto, JSON.stringify(e)).to.be.at.least(2000);
        if (e.first) expect(e.ssthresh, JSON.stringify(e)).to.equal(Math.max(Math.floor(e.flight / 2), 2 * e.smss));
      }
    });
  });
});
