import { expect } from 'chai';
import { EnvError } from '../../src/errors.js';
import { run, runOk } from '../../src/io/exec.js';
import { interfaceExists, nextHop, routeTo } from '../../src/io/route.js';
import { labConfig, labDown, labExecArgv, labUp, type LabConfig } from '../../src/io/lab.js';
import { adoptTestLab, runBounded, sweepDeadTestLabs, tsNode, uniqueLabName } from './helpers/proc.js';

describe('io/exec', () => {
  it('returns stdout, stderr and the exit code without a shell', async () => {
    const r = await run('sh', ['-c', 'printf out; printf err >&2; exit 3']);
    expect(r).to.deep.equal({ stdout: 'out', stderr: 'err', code: 3 });
    expect((await run('echo', ['$HOME;', '|'])).stdout).to.equal('$HOME; |\n');
    expect((await run('cat', [], { input: 'fed' })).stdout).to.equal('fed');
  });
  it('runOk throws with the command line and its stderr', async () => {
    let err: unknown;
    try {
      await runOk('sh', ['-c', 'echo nope >&2; exit 4']);
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.equal('command failed (exit 4): sh -c echo nope >&2; exit 4: nope');
  });
  it('a missing command is an EnvError naming the package', async () => {
    let err: unknown;
    try {
      await run('tcpcraft-no-such-tool', [], { pkg: 'frobnicate' });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(EnvError);
    expect((err as Error).message).to.match(/install frobnicate \(run 'make setup'\)/);
  });
  it('a command that hangs is killed at the timeout', async () => {
    const t0 = Date.now();
    const r = await run('sleep', ['5'], { timeoutMs: 100 });
    expect(r.code).to.equal(-1);
    expect(Date.now() - t0).to.be.lessThan(2000);
  });
});

describe('io/route', () => {
  it('routes loopback via lo and knows which interfaces exist', async () => {
    expect(await routeTo('127.0.0.1')).to.deep.equal({ iface: 'lo', src: '127.0.0.1' });
    expect(await interfaceExists('lo')).to.equal(true);
    expect(await interfaceExists('tcpcraftnone0')).to.equal(false);
  });
  it('nextHop of a local address through lo is the address itself, marked local', async () => {
    expect(await nextHop('127.0.0.1', 'lo')).to.deep.equal({ iface: 'lo', via: '127.0.0.1', local: true });
  });
});

describe('io/route and io/sender in the lab @live', function () {
  this.timeout(30_000);
  let cfg: LabConfig;
  before(async () => {
    await sweepDeadTestLabs();
    cfg = labConfig({ name: uniqueLabName() });
    await labUp(cfg);
    adoptTestLab(cfg);
  });
  after(async () => {
    await labDown(cfg);
  });
  const probe = async (argv: string[]) => {
    const r = await runBounded(argv, 15_000);
    expect(r.code, r.stderr).to.equal(0);
    return JSON.parse(r.stdout.toString()) as { ok: boolean; name?: string; message?: string; value?: unknown };
  };
  it('finds the veth route to the server, and no route off the lab (no default route)', async () => {
    expect(await probe(labExecArgv(cfg, 'client', tsNode('test/io/helpers/probe.ts', 'route', cfg.serverAddr)))).to.deep.equal({
      ok: true,
      value: { iface: `${cfg.name}-c`, src: cfg.clientAddr },
    });
    const none = await probe(labExecArgv(cfg, 'client', tsNode('test/io/helpers/probe.ts', 'route', '192.0.2.1')));
    expect(none).to.deep.include({ ok: false, name: 'EnvError' });
    expect(none.message).to.match(/^no route to 192\.0\.2\.1/);
  });
  it('without CAP_NET_RAW the sender and sniffer fail with an EnvError saying to use sudo', async () => {
    const drop = ['setpriv', '--bounding-set=-net_raw', '--inh-caps=-net_raw'];
    expect(await probe([...drop, ...tsNode('test/io/helpers/probe.ts', 'sender')])).to.deep.equal({
      ok: false,
      name: 'EnvError',
      message: 'tcpcraft needs root or CAP_NET_RAW to send raw packets: run it with sudo.',
    });
    const s = await probe([...drop, ...tsNode('test/io/helpers/probe.ts', 'sniffer', 'lo', 'tcp')]);
    expect(s).to.deep.include({ ok: false, name: 'EnvError' });
    expect(s.message).to.match(/CAP_NET_RAW.*sudo/);
  });
});
