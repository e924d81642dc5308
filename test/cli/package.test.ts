/**
 * The npm package as a user gets it: `npm pack` builds it and ships dist/, scenarios/, lab/,
 * schemas/, README and LICENSE (no tests, no sources); installed into a temporary prefix it runs;
 * `tcpcraft init` makes a folder outside the repo whose starter scenario type-checks with plain
 * `tsc` (its own tsconfig, and node10 resolution through the top-level `types`) and builds.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function sh(cmd: string, args: readonly string[], cwd: string, timeout = 240_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { ...r, text: `${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stdout}\n${r.stderr}` };
}

describe('the npm package', function () {
  this.timeout(400_000);
  let tmp: string;
  let tarball: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-pack-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('npm pack builds it and ships dist, scenarios, lab, schemas, README and LICENSE, and no tests or sources', () => {
    const r = sh('npm', ['pack', '--pack-destination', tmp, '--silent'], ROOT);
    expect(r.status, r.text).to.equal(0);
    tarball = join(tmp, r.stdout.trim().split('\n').at(-1)!);
    expect(tarball).to.match(new RegExp(`tcpcraft-${VERSION.replace(/\./g, '\\.')}\\.tgz$`));
    const list = sh('tar', ['tzf', tarball], tmp).stdout.split('\n');
    for (const f of ['bin/tcpcraft.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'scenarios/netcat-5000.ts', 'scenarios/conformance/closed-port-syn.ts', 'lab/services.mjs', 'schemas/run.schema.json', 'schemas/suite.schema.json', 'schemas/matrix.schema.json', 'README.md', 'LICENSE', 'package.json']) {
      expect(list, f).to.include(`package/${f}`);
    }
    expect(list.filter((f) => /^package\/(test|src|node_modules|bench)\//.test(f))).to.deep.equal([]);
  });

  it('installs into a temporary prefix; init writes a folder whose starter type-checks with plain tsc and builds', () => {
    const prefix = join(tmp, 'prefix');
    const inst = sh('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], tmp);
    expect(inst.status, inst.text).to.equal(0);
    const bin = join(prefix, 'bin/tcpcraft');
    expect(sh(bin, ['--version'], tmp).stdout.trim()).to.equal(VERSION);

    const proj = join(tmp, 'my scenarios');
    const init = sh(bin, ['init', proj], tmp);
    expect(init.status, init.text).to.equal(0);
    // What `npm link tcpcraft` does for a global install.
    mkdirSync(join(proj, 'node_modules'));
    symlinkSync(join(prefix, 'lib/node_modules/tcpcraft'), join(proj, 'node_modules/tcpcraft'));
    const tsc = join(ROOT, 'node_modules/.bin/tsc');
    const own = sh(tsc, ['-p', proj], proj);
    expect(own.status, own.text).to.equal(0);
    // Default (node10) module resolution finds the package through its top-level `types`.
    writeFileSync(join(proj, 'node10.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'commonjs' }, files: ['first.ts'] }));
    const node10 = sh(tsc, ['-p', join(proj, 'node10.json')], proj);
    expect(node10.status, node10.text).to.equal(0);
    // A type error in a scenario is caught by that same plain tsc.
    writeFileSync(join(proj, 'wrong.ts'), "import { scenario, send } from 'tcpcraft';\nexport default scenario({ name: 'w', peer: { host: '10.77.0.2', port: 5000 }, steps: [send('S', { windw: 1 })] });\n");
    const wrong = sh(tsc, ['-p', proj], proj);
    expect(wrong.status, wrong.text).to.not.equal(0);
    expect(wrong.stdout).to.match(/wrong\.ts\(2,\d+\): error TS2561: .*'windw'/);
    rmSync(join(proj, 'wrong.ts'));

    const build = sh(bin, ['build', 'first.ts', '--isn', '0', '--peer-isn', '0', '--sport', '40000', '--no-ladder'], proj);
    expect(build.status, build.text).to.equal(0);
    expect(build.stdout).to.match(/^first {2}10\.77\.0\.1:40000 > 10\.77\.0\.2:5000/);
    expect(build.stdout).to.match(/^9 +9 .*\[ACK\] +35 +2 /m);
    // The shipped seeds build from the installed package too.
    const seed = sh(bin, ['build', join(prefix, 'lib/node_modules/tcpcraft/scenarios/netcat-5000.ts'), '--no-ladder'], proj);
    expect(seed.status, seed.text).to.equal(0);
    // init never overwrites.
    const again = sh(bin, ['init', proj], tmp);
    expect(again.status).to.equal(2);
    expect(again.stderr).to.match(/already exist.*never overwrites/);
  });

  it('the API from the installed package, as a user with no privileges at all (nobody): the netcat seed against a memory peer passes', () => {
    const prefix = join(tmp, 'prefix');
    const pkg = join(prefix, 'lib/node_modules/tcpcraft');
    const proj = join(tmp, 'api');
    mkdirSync(join(proj, 'node_modules'), { recursive: true });
    symlinkSync(pkg, join(proj, 'node_modules/tcpcraft'));
    writeFileSync(
      join(proj, 'memory.mjs'),
      `import { loadScenario, modelRoute, planSession, memoryDevice, runPlan } from 'tcpcraft';
const file = process.argv[2];
const sc = await loadScenario(file);
const plan = planSession(sc, file, {}, modelRoute(sc, {}), { isn: () => 1, port: () => 40000 });
const script = plan.model.events;
let next = 0;
const device = memoryDevice(plan.flows, (_p, io) => {
  if (script[next]?.view.dir === 'out') next += 1;
  while (script[next]?.view.dir === 'in') io.emit(script[next++].view.packet.bytes);
});
const { report, error } = await runPlan(plan, device);
if (error) throw error;
console.log(JSON.stringify({ uid: process.getuid(), passed: report.passed, acks: report.events.map((e) => e.view.rel.ack) }));
`,
    );
    chmodSync(tmp, 0o755);
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, join(proj, 'memory.mjs'), join(pkg, 'scenarios/netcat-5000.ts')], { cwd: proj, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TCPCRAFT_CACHE: 'off', HOME: proj } });
    expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ uid: 65534, passed: true, acks: [0, 1, 1, 1, 35, 1, 36, 36, 2] });
  });
});
