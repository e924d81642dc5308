/**
 * A scenario's own code runs unprivileged (issue 22): started as root, `tcpcraft run` opens its raw
 * sockets, capture and guard, then runs the scenario's module and its where() predicates as
 * `nobody`. Here the scenario, in a directory only root may read, tries what root could do (write
 * under /root, open a raw socket) and fails, while the run itself sends, sniffs, guards, writes its
 * reports into that directory and cleans up as before; --keep-root keeps root on request.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardTables, outputOf, ROOT, runBounded, useLab } from '../support/live.js';
import { labExecArgv } from '../../src/io/lab.js';

/** Privileged helpers whose tcpcraft process (the PID on their command line) is gone. */
async function orphanHelpers(): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 200));
  const r = await runBounded(['pgrep', '-a', '-f', 'privhelper.js --tcpcraft-helper'], 5000);
  return r.stdout.toString().split('\n').filter((l) => {
    const owner = /--tcpcraft-helper (\d+)/.exec(l)?.[1];
    return owner !== undefined && !existsSync(`/proc/${owner}`);
  });
}

const SENTINEL = `/root/tcpcraft-sandbox-${process.pid}-${Date.now()}`;

/** A scenario that reports who runs its code and what that user may do. */
const PROBE = `import { scenario, send, expect, where } from 'tcpcraft';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { helperValue } from './helper.js';
process.stderr.write('module: ' + execFileSync('id', { encoding: 'utf8' }).trim() + '\\n');
let once = false;
export default scenario({
  name: 'sandbox-probe',
  peer: { host: '10.77.0.2', port: 5000 },
  steps: [
    send('S', { window: helperValue }),
    expect('SA', { window: where('any window', (w: number) => {
      if (!once) {
        once = true;
        let wrote = 'written';
        try { writeFileSync(${JSON.stringify(SENTINEL)}, 'x'); } catch (e) { wrote = (e as NodeJS.ErrnoException).code ?? 'error'; }
        const raw = spawnSync('python3', ['-c', 'import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP); print("opened")'], { encoding: 'utf8' });
        const caps = /CapEff:\\s*(\\w+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
        process.stderr.write('where: uid ' + process.getuid!() + ', write under /root: ' + wrote + ', raw socket: ' + (raw.stdout.includes('opened') ? 'opened' : raw.stderr.trim().split('\\n').pop()) + ', CapEff ' + caps + '\\n');
      }
      return w > 0;
    }) }),
    send('R'),
  ],
});
`;

describe('scenario code runs unprivileged @live', function () {
  this.timeout(120_000);
  const lab = useLab('sandbox');
  let dir = '';

  before(() => {
    // A directory only root may read, as CI's checkout may be.
    dir = join(lab.tmp, 'private');
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(lab.tmp, 0o700);
    writeFileSync(join(dir, 'probe.ts'), PROBE);
    writeFileSync(join(dir, 'helper.ts'), 'export const helperValue: number = 29200;\n');
    if (existsSync(SENTINEL)) throw new Error(`${SENTINEL} exists before the test`);
  });
  after(() => rmSync(SENTINEL, { force: true }));

  const tcpcraft = (args: readonly string[]) => runBounded(labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, ...args]), 60_000);

  it("the module and where() run as nobody: no write under /root, no raw socket, no capability; the run passes and writes its reports into the root-only directory", async () => {
    const json = join(dir, 'run.json');
    const pcap = join(dir, 'run.pcap');
    const r = await tcpcraft(['run', join(dir, 'probe.ts'), '--json', json, '--pcap', pcap, '--no-ladder']);
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stderr).to.match(/module: uid=65534\(nobody\) gid=65534\(nogroup\) groups=65534\(nogroup\)/);
    expect(r.stderr).to.match(/where: uid 65534, write under \/root: EACCES, raw socket: PermissionError: \[Errno 1\] Operation not permitted, CapEff 0000000000000000/);
    expect(existsSync(SENTINEL), 'the sentinel under /root').to.equal(false);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { passed: boolean; segments: Array<{ window: number; dir: string }> };
    expect(report.passed).to.equal(true);
    // The helper module's value went out: the bundle carried it.
    const t = await runBounded(['tshark', '-r', pcap, '-T', 'fields', '-e', 'tcp.flags.str', '-e', 'tcp.window_size_value'], 30_000);
    expect(t.stdout.toString().trim().split('\n')[0]).to.match(/S\S*\s+29200$/);
    expect(await guardTables(lab.cfg), 'guard tables left').to.deep.equal([]);
    expect(await orphanHelpers(), 'helpers outliving their tcpcraft').to.deep.equal([]);
  });

  it('replay of a capture stored under a directory whose name is code: passes, and that code never runs', async () => {
    // The reported case: a directory 'y*' holding one named like a statement.
    const hostile = join(dir, 'y*', "process.getBuiltinModule('fs').writeFileSync('PWNED9','x');");
    mkdirSync(hostile, { recursive: true });
    copyFileSync(join(ROOT, 'test/fixtures/nc-plain-eth.pcap'), join(hostile, '*.pcap'));
    const saved = join(dir, 'saved.ts');
    const r = await runBounded(labExecArgv(lab.cfg, 'client', ['env', '-C', dir, process.execPath, `${ROOT}bin/tcpcraft.js`, 'replay', join(hostile, '*.pcap'), '--dst', '10.77.0.2', '--save', saved, '--no-ladder', '--no-trace']), 60_000);
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stdout.toString()).to.match(/^PASS /m);
    expect(existsSync(join(dir, 'PWNED9')), 'the sentinel').to.equal(false);
    // The saved scenario holds the path only inside a comment made safe, and builds without running it.
    const b = await runBounded(['env', '-C', dir, process.execPath, `${ROOT}bin/tcpcraft.js`, 'build', saved, '--no-ladder'], 30_000);
    expect(b.code, outputOf(b)).to.equal(0);
    expect(existsSync(join(dir, 'PWNED9')), 'the sentinel after build').to.equal(false);
  });

  it('--keep-root runs the scenario as root', async () => {
    const r = await tcpcraft(['--keep-root', 'run', join(dir, 'probe.ts'), '--no-ladder', '--no-trace']);
    expect(r.code, outputOf(r)).to.equal(0);
    expect(r.stderr).to.match(/module: uid=0\(root\)/);
    expect(r.stderr).to.match(/where: uid 0, write under \/root: written/);
  });

  it('a scenario that does not compile: exit 2, and the report files it named are not left behind', async () => {
    writeFileSync(join(dir, 'broken.ts'), "import { scenario } from 'tcpcraft';\nexport default scenario({ name: 'x', steps: [ });\n");
    const json = join(dir, 'broken.json');
    const r = await tcpcraft(['run', join(dir, 'broken.ts'), '--json', json]);
    expect(r.code, outputOf(r)).to.equal(2);
    expect(r.stderr).to.match(/broken\.ts:2:\d+: syntax error/);
    expect(existsSync(json)).to.equal(false);
  });

  it('a scenario whose module throws (after the drop) leaves no report file either', async () => {
    writeFileSync(join(dir, 'throws.ts'), "import { scenario } from 'tcpcraft';\nthrow new Error('not ready');\nexport default scenario({ name: 'x', peer: { host: '10.77.0.2', port: 5000 }, steps: [] });\n");
    const json = join(dir, 'throws.json');
    const r = await tcpcraft(['run', join(dir, 'throws.ts'), '--json', json]);
    expect(r.code, outputOf(r)).to.equal(2);
    expect(r.stderr).to.match(/not ready/);
    expect(existsSync(json)).to.equal(false);
  });

  it('SIGTERM during a dropped run: the peer is reset, the guard removed, exit 143, no helper left', async () => {
    writeFileSync(join(dir, 'hang.ts'), "import { scenario, send, expect } from 'tcpcraft';\nexport default scenario({ name: 'hang', peer: { host: '10.77.0.2', port: 9 }, timeout: 20000, steps: [send('S'), expect('SA'), send('A'), expect('PA')] });\n");
    const argv = labExecArgv(lab.cfg, 'client', [process.execPath, `${ROOT}bin/tcpcraft.js`, 'run', join(dir, 'hang.ts'), '--no-ladder']);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let k = 0; k < 100 && (await guardTables(lab.cfg)).length === 0; k++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    // ip netns exec execs node in place: the child is tcpcraft itself.
    child.kill('SIGTERM');
    expect(await exited).to.equal(143);
    expect(out).to.match(/INTERRUPTED hang/);
    expect(await guardTables(lab.cfg)).to.deep.equal([]);
    const mine = await runBounded(['pgrep', '-f', `privhelper.js --tcpcraft-helper ${child.pid}$`], 5000);
    expect(mine.stdout.toString().trim(), 'the run\'s helper').to.equal('');
    expect(await orphanHelpers()).to.deep.equal([]);
  });
});
