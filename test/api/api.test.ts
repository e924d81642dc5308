/**
 * The programmatic API (issue 23): a program imports 'tcpcraft' as a user's would (a package
 * resolved through node_modules, the built dist/), loads a scenario, plans it, opens a device, runs
 * the plan and reads the typed report. Live: the netcat seed against the real nc of a lab. In
 * memory: the same scenario against a peer on a virtual clock, with every capability dropped.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labExecArgv } from '../../src/io/lab.js';
import { outputOf, ROOT, runBounded, useLab } from '../support/live.js';

/** A directory whose node_modules/tcpcraft is this package, as `npm install` would make it. */
function userProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'tcpcraft'));
  return dir;
}

/** The rows a report's events give: direction, flags as tcpdump letters, relative seq and ack, length. */
const ROWS = `const rows = (report) => report.events.map((e) => [e.view.dir, wire.flagLetters(e.view.packet.tcp.flags), e.view.rel.seq, e.view.rel.ack, e.view.len]);`;

const LIVE = `import { loadScenario, resolveRoute, routeQuery, planSession, randomIsn, randomPort, openLiveDevice, runPlan, wire } from 'tcpcraft';
${ROWS}
const file = process.argv[2];
const sc = await loadScenario(file);
const overrides = {};
const plan = planSession(sc, file, overrides, await resolveRoute(routeQuery(sc, overrides)), { isn: randomIsn, port: randomPort });
const device = await openLiveDevice(plan);
try {
  const { report, error } = await runPlan(plan, device);
  if (error) throw error;
  console.log(JSON.stringify({ passed: report.passed, rows: rows(report), peer: report.flow.peerIp }));
} finally {
  await device.close();
}
`;

const MEMORY = `import { loadScenario, modelRoute, planSession, memoryDevice, runPlan, wire } from 'tcpcraft';
${ROWS}
const file = process.argv[2];
const sc = await loadScenario(file);
const plan = planSession(sc, file, {}, modelRoute(sc, {}), { isn: () => 4126488336, port: () => 24491 });
// The peer: the plan's own model, segment by segment, as the rehearsal plays it.
const script = plan.model.events;
let next = 0;
const answer = (io) => { while (next < script.length && script[next].view.dir === 'in') io.emit(script[next++].view.packet.bytes); };
const device = memoryDevice(plan.flows, (_packet, io) => { if (script[next]?.view.dir === 'out') next += 1; answer(io); });
const { report, error } = await runPlan(plan, device);
if (error) throw error;
await device.close();
console.log(JSON.stringify({ passed: report.passed, rows: rows(report), elapsedMs: device.clock.now() }));
`;

/** The netcat seed's flow, as Wireshark numbers it (the optional ACK is folded into the FIN/ACK). */
const SEED = [
  ['out', 'S', 0, 0, 0],
  ['in', 'SA', 0, 1, 0],
  ['out', 'A', 1, 1, 0],
  ['out', 'PA', 1, 1, 34],
  ['in', 'A', 1, 35, 0],
  ['out', 'FA', 35, 1, 0],
  ['in', 'FA', 1, 36, 0],
  ['out', 'A', 36, 2, 0],
];

describe('the programmatic API, in memory, without any capability', function () {
  this.timeout(60_000);
  let dir = '';
  before(() => {
    dir = userProject('tcpcraft-api-mem-');
    writeFileSync(join(dir, 'memory.mjs'), MEMORY);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads, plans, runs the netcat seed against a memory peer and reads the report', async () => {
    const r = await runBounded(['setpriv', '--inh-caps=-all', '--bounding-set=-all', process.execPath, join(dir, 'memory.mjs'), `${ROOT}scenarios/netcat-5000.ts`], 30_000);
    expect(r.code, outputOf(r)).to.equal(0);
    const out = JSON.parse(r.stdout.toString()) as { passed: boolean; rows: unknown[] };
    expect(out.passed).to.equal(true);
    expect(out.rows.map((x) => String(x))).to.deep.equal([...SEED.slice(0, 6), ['in', 'A', 1, 36, 0], ...SEED.slice(6)].map((x) => String(x)));
  });
});

describe('the programmatic API, live in a lab @live', function () {
  this.timeout(60_000);
  const lab = useLab('api');
  let dir = '';
  before(() => {
    dir = userProject('tcpcraft-api-live-');
    writeFileSync(join(dir, 'live.mjs'), LIVE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the netcat seed against the real nc: passed, the seed\'s relative numbers', async () => {
    const r = await runBounded(labExecArgv(lab.cfg, 'client', [process.execPath, join(dir, 'live.mjs'), `${ROOT}scenarios/netcat-5000.ts`]), 30_000);
    expect(r.code, outputOf(r)).to.equal(0);
    const out = JSON.parse(r.stdout.toString()) as { passed: boolean; rows: unknown[]; peer: string };
    expect(out.passed).to.equal(true);
    expect(out.peer).to.equal('10.77.0.2');
    expect(out.rows.map((x) => String(x))).to.deep.equal(SEED.map((x) => String(x)));
    const tables = await runBounded(labExecArgv(lab.cfg, 'client', ['nft', 'list', 'tables']), 5000);
    expect(tables.stdout.toString()).to.not.include('tcpcraft_');
  });
});
