/**
 * The run backends (src/suite/backend.ts): which one `--target` picks, and the reference's client
 * of server-role scenarios, which replays the documented client of each seed.
 */
import { expect } from 'chai';
import { loadScenario } from '../../src/io/load.js';
import { backendFor, liveBackend, referenceClientScript } from '../../src/suite/backend.js';
import { runSuite } from '../../src/suite/runner.js';

describe('run backends', function () {
  this.timeout(30_000);

  it('--target reference is the reference in memory, any other target the live network', () => {
    expect(backendFor('reference').kind).to.equal('reference');
    expect(backendFor('linux')).to.equal(liveBackend);
    expect(backendFor(undefined)).to.equal(liveBackend);
    // A lab that is not up as a reference lab does not make it live.
    expect(backendFor('reference', {}, 'nosuchlab').kind).to.equal('reference');
  });

  it("the netcat seed's client (server role) writes the 34-byte line and closes first, as `printf LINE | nc -N`", async () => {
    const script = referenceClientScript(await loadScenario('scenarios/netcat-5000-server.ts'));
    expect(new TextDecoder().decode(script.data)).to.equal('Hello from tcpcraft, over netcat!\n');
    expect(script.closeFirst).to.equal(true);
  });

  it("the daytime seed's client (server role) writes nothing and closes after the server, as `nc -d`", async () => {
    const script = referenceClientScript(await loadScenario('scenarios/daytime-13-server.ts'));
    expect(script.data.length).to.equal(0);
    expect(script.closeFirst).to.equal(false);
  });

  it('both seeds pass against the reference in both roles, in one suite, with no root and no lab', async () => {
    const files = ['scenarios/netcat-5000.ts', 'scenarios/daytime-13.ts', 'scenarios/netcat-5000-server.ts', 'scenarios/daytime-13-server.ts'];
    const entries = await Promise.all(files.map(async (file) => ({ file, name: file, scenario: await loadScenario(file) })));
    const outcome = await runSuite(entries, { backend: backendFor('reference'), target: 'reference' });
    expect(outcome.results.map((r) => `${r.file} ${r.verdict} ${r.message ?? ''}`.trim())).to.deep.equal(files.map((f) => `${f} pass`));
    // The seeds' relative numbers: the netcat line is acknowledged at 35, the daytime data at 23.
    const rows = (i: number): string[] => (outcome.results[i]!.report?.events ?? []).map((e) => `${e.view.dir} ${e.view.rel.seq} ${e.view.rel.ack} ${e.view.len}`);
    expect(rows(0)).to.include('in 1 35 0');
    expect(rows(1)).to.include('in 1 1 22');
    expect(rows(2)).to.include('in 1 1 34');
    expect(rows(3)).to.include('in 1 23 0');
  });
});
