/**
 * The server role against real `nc` clients, in a lab this file creates and removes: tcpcraft
 * answers in the lab's client namespace (10.77.0.1) and a real nc connects to it from the server
 * namespace. Both server seeds, ten times each in a row; the client's received bytes and exit
 * status are asserted, and tcpcraft's report is checked against the seed's relative numbers.
 * Needs root.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labExecArgv } from '../../src/io/lab.js';
import type { Finished } from '../io/helpers/proc.js';
import { outputOf, ROOT, runBounded, useLab } from '../support/live.js';
import { guardTables, startTcpcraft, type JsonReport } from '../support/serve.js';

const DAYTIME = `${ROOT}scenarios/daytime-13-server.ts`;
const NETCAT = `${ROOT}scenarios/netcat-5000-server.ts`;
const LINE = 'Hello from tcpcraft, over netcat!\n';
const RUNS = 10;

/** `flags seq/ack/len` of every event, in order, with the direction. */
const ladder = (r: JsonReport): string[] => r.events.map((e) => `${e.dir === 'in' ? 'C' : 'S'} ${e.flags} ${e.seq}/${e.ack}/${e.len}`);

describe('the server role against real nc clients @live', function () {
  this.timeout(600_000);
  const lab = useLab('server');

  /** One run of a server scenario against a client command; returns both outcomes and the report. */
  async function serve(file: string, client: () => Promise<Finished>, i: number) {
    const json = join(lab.tmp, `serve-${i}.json`);
    const running = await startTcpcraft(lab.cfg, ['run', file, '--src', lab.cfg.clientAddr, '--timeout', '10000', '--json', json, '--no-ladder']);
    const c = await client();
    const t = await running.done;
    const report = t.code === 0 || t.code === 1 ? (JSON.parse(readFileSync(json, 'utf8')) as JsonReport) : undefined;
    return { client: c, tcpcraft: t, report };
  }

  it(`daytime-13-server: a real nc client receives exactly the 22 bytes and exits 0, with the seed's numbers (${RUNS} runs in a row)`, async () => {
    const failures: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const nc = () => runBounded(labExecArgv(lab.cfg, 'server', ['nc', '-d', lab.cfg.clientAddr, '13']), 15_000);
      const { client, tcpcraft, report } = await serve(DAYTIME, nc, i);
      const got = client.stdout.toString('latin1');
      const ok =
        tcpcraft.code === 0 && client.code === 0 && client.stdout.length === 22 && /^\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\r\n$/.test(got) && report !== undefined;
      if (!ok) {
        failures.push(`run ${i + 1}: nc ${client.code} got ${JSON.stringify(got)}\n${outputOf(tcpcraft)}`);
        continue;
      }
      // Our data is exactly what the client printed.
      const data = report.events.find((e) => e.dir === 'out' && e.len > 0)!;
      expect(Buffer.from(data.payloadHex, 'hex').toString('latin1')).to.equal(got);
      expect(report.role).to.equal('server');
      expect(report.flow.localPort).to.equal(13);
      expect(report.flow.peerIp).to.equal(lab.cfg.serverAddr);
      // The video's relative numbers; the client's lone ACK of our FIN may be folded into its FIN.
      const steps = ladder(report);
      const full = ['C S 0/null/0', 'S SA 0/1/0', 'C A 1/1/0', 'S PA 1/1/22', 'C A 1/23/0', 'S FA 23/1/0', 'C A 1/24/0', 'C FA 1/24/0', 'S A 24/2/0'];
      const folded = full.filter((s) => s !== 'C A 1/24/0');
      expect([full.join(' | '), folded.join(' | ')]).to.include(steps.join(' | '));
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });

  it(`netcat-5000-server: a real nc client sends its 34 bytes and exits 0; tcpcraft's report holds exactly those bytes (${RUNS} runs in a row)`, async () => {
    const failures: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const nc = () => runBounded(labExecArgv(lab.cfg, 'server', ['nc', '-N', lab.cfg.clientAddr, '5000']), 15_000, LINE);
      const { client, tcpcraft, report } = await serve(NETCAT, nc, 100 + i);
      if (tcpcraft.code !== 0 || client.code !== 0 || !report) {
        failures.push(`run ${i + 1}: nc exit ${client.code} ${client.stderr}\n${outputOf(tcpcraft)}`);
        continue;
      }
      expect(client.stdout.length, 'nc prints nothing: tcpcraft sends no data').to.equal(0);
      const data = report.events.filter((e) => e.dir === 'in' && e.len > 0);
      expect(data.map((e) => Buffer.from(e.payloadHex, 'hex').toString())).to.deep.equal([LINE]);
      const steps = ladder(report);
      // The seed's numbers: SYN 0, SYN/ACK 0/1, ACK 1/1, data 1/1 len 34, ACK 1/35, FIN 35/1, ACK 1/36, FIN 1/36, ACK 36/2.
      expect(steps).to.deep.equal(['C S 0/null/0', 'S SA 0/1/0', 'C A 1/1/0', 'C PA 1/1/34', 'S A 1/35/0', 'C FA 35/1/0', 'S A 1/36/0', 'S FA 1/36/0', 'C A 36/2/0']);
    }
    expect(failures, failures.join('\n\n')).to.deep.equal([]);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });

  it('no client within --timeout: exit 1 (timeout at the SYN), nothing sent, the guard removed', async () => {
    const json = join(lab.tmp, 'noclient.json');
    const running = await startTcpcraft(lab.cfg, ['run', DAYTIME, '--src', lab.cfg.clientAddr, '--timeout', '500', '--json', json]);
    const t = await running.done;
    expect(t.code, outputOf(t)).to.equal(1);
    const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport & { failure: { kind: string; step: number } };
    expect(report.failure).to.deep.include({ kind: 'timeout', step: 1 });
    expect(report.events).to.deep.equal([]);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
  });

  it("--timeout overrides the scenario's timeout (the wait for the client's SYN)", async () => {
    const json = join(lab.tmp, 'patient.json');
    const started = Date.now();
    const running = await startTcpcraft(lab.cfg, ['run', `${ROOT}test/integration/scenarios/server-patient.ts`, '--timeout', '700', '--json', json]);
    const t = await running.done;
    expect(t.code, outputOf(t)).to.equal(1);
    expect(Date.now() - started).to.be.below(15_000);
    expect((JSON.parse(readFileSync(json, 'utf8')) as { failure: unknown }).failure).to.deep.include({ kind: 'timeout', step: 1, waitedMs: 700 });
  });
});
