/** The signal handling of the long-running commands, driven directly (no real signal is sent). */
import { expect } from 'chai';
import { Interrupt, SIGNAL_EXIT } from '../../src/cli/interrupt.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('cli/interrupt', () => {
  function make(left: string[] = []) {
    const said: string[] = [];
    const exits: number[] = [];
    const i = new Interrupt({ say: (l) => said.push(l), exit: (c) => exits.push(c), leftovers: () => left });
    return { i, said, exits };
  }

  it('the first signal aborts with its name and sets 128 + its number, without exiting', () => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const { i, said, exits } = make();
      expect(i.exitCode).to.equal(undefined);
      i.on(sig);
      expect(i.signal.aborted).to.equal(true);
      expect(i.signal.reason).to.equal(sig);
      expect(i.exitCode).to.equal(SIGNAL_EXIT[sig]);
      expect(exits).to.deep.equal([]);
      expect(said).to.have.length(1);
      expect(said[0]).to.match(new RegExp(`^tcpcraft: ${sig}: stopping`));
    }
    expect(SIGNAL_EXIT).to.deep.equal({ SIGHUP: 129, SIGINT: 130, SIGTERM: 143 });
  });

  it('the same signal delivered twice at once (group and parent) is one; a later one exits at once naming what is left', async () => {
    const { i, said, exits } = make(['tcpcraft_123_4']);
    i.on('SIGINT');
    i.on('SIGINT');
    expect(exits).to.deep.equal([]);
    await sleep(350);
    i.on('SIGINT');
    expect(exits).to.deep.equal([130]);
    expect(said[1]).to.equal("tcpcraft: SIGINT again: exiting at once; these nftables guard tables may be left: tcpcraft_123_4; 'tcpcraft cleanup' (as root) removes them");
  });

  it('another signal right after the first exits at once, with the first one\'s status', () => {
    const { i, said, exits } = make();
    i.on('SIGTERM');
    i.on('SIGINT');
    expect(exits).to.deep.equal([143]);
    expect(said[1]).to.match(/^tcpcraft: SIGINT again: exiting at once; if anything was left, 'tcpcraft cleanup'/);
  });

  it('attach and detach add and remove exactly one listener per signal', () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    const { i } = make();
    i.attach().attach();
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).to.deep.equal(before.map((n) => n + 1));
    i.detach();
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).to.deep.equal(before);
  });
});
