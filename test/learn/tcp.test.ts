/**
 * Learning TCP (issue 27) without a network: the reference stack in memory learnt through the
 * mapper (src/session/mapper.ts, src/suite/learner.ts), its states named after RFC 9293's, a
 * mutant of it told apart by the shortest words, and the driver's votes on disagreeing answers.
 */
import { expect } from 'chai';
import { drive, type System } from '../../src/learn/driver.js';
import { differences } from '../../src/learn/compare.js';
import { run } from '../../src/learn/mealy.js';
import { mutantNamed } from '../../src/reference/mutants.js';
import { alphabet } from '../../src/session/mapper.js';
import { calibrate, referenceSystem } from '../../src/suite/learner.js';

/** The output of `input` in the state `word` leads to. */
function answer(m: { inputs: readonly string[]; next: readonly (readonly number[])[]; out: readonly (readonly string[])[] }, word: string[], input: string): string {
  const outs = run(m as never, [...word, input]);
  return outs[outs.length - 1]!;
}

describe('learn: the reference stack through the mapper', function () {
  this.timeout(60_000);

  it('the server role over the basic alphabet: LISTEN, the handshake, CLOSE-WAIT, as RFC 9293 says', async () => {
    const sys = referenceSystem('server', 'basic');
    const r = await drive(sys, { walks: 300, batch: 32 });
    const m = r.machine;
    expect(m.inputs).to.deep.equal(alphabet('basic', 'server'));
    // LISTEN (§3.10.7.2): a SYN gets a SYN/ACK acknowledging it; an ACK a RST whose seq is the
    // ACK's ack (written "next": the number our segment acknowledged); a RST nothing.
    expect(answer(m, [], 'SYN')).to.equal('SA(isn,next)');
    expect(answer(m, [], 'ACK')).to.equal('R(next,0)');
    expect(answer(m, [], 'FIN')).to.equal('R(next,0)');
    expect(answer(m, [], 'RST')).to.equal('-');
    // Synchronized: data is acknowledged; a FIN too; a RST at RCV.NXT resets (nothing comes back).
    expect(answer(m, ['SYN', 'ACK'], 'DATA')).to.equal('A(next,next)');
    expect(answer(m, ['SYN', 'ACK'], 'FIN')).to.equal('A(next,next)');
    expect(answer(m, ['SYN', 'ACK', 'RST'], 'ACK')).to.equal('R(next,0)');
    expect(m.next.length).to.be.within(3, 8);
    // The same machine again (the reference is deterministic and the test words seeded).
    const again = await drive(referenceSystem('server', 'basic'), { walks: 300, batch: 32 });
    expect(differences(m, again.machine)).to.deep.equal([]);
    expect(r.wavering).to.deep.equal([]);
  });

  it('the client role: connect sends a SYN; a SYN/ACK is acknowledged; a RST+ACK in SYN-SENT ends it', async () => {
    const r = await drive(referenceSystem('client', 'basic'), { walks: 300, batch: 32 });
    const m = r.machine;
    expect(answer(m, [], 'connect')).to.equal('S(isn,0)');
    expect(answer(m, [], 'SYN')).to.equal('-'); // nobody connected yet: nothing to send to
    expect(answer(m, ['connect'], 'SYNACK')).to.equal('A(next,next)');
    expect(answer(m, ['connect', 'SYNACK'], 'DATA')).to.equal('A(next,next)');
    expect(answer(m, ['connect', 'SYNACK'], 'close')).to.equal('FA(next,next)');
    expect(answer(m, ['connect', 'RSTACK'], 'ACK')).to.match(/^R/);
  });

  it('the mapper counts only sequence space a connection can take, so the machines stay finite', async () => {
    const server = referenceSystem('server', 'full');
    const ask = async (sys: System, word: string[]): Promise<string> => (await sys.queryMany([word]))[0]!.at(-1)!;
    // Data after our FIN is ignored by the target (RFC 9293 §3.10.7.4, eighth step): the mapper
    // must not expect it acknowledged, so the challenge ACK to a SYN acknowledges "next".
    expect(await ask(server, ['SYN', 'FIN', 'DATA', 'SYN'])).to.equal('A(next,next)');
    // A SYN/ACK with an old sequence number in LAST-ACK is unacceptable: its ACK of the target's
    // FIN does not end the connection, and the mapper does not forget it.
    expect(await ask(server, ['SYN', 'FIN', 'close', 'SYNACK', 'SYN'])).to.equal('A(next,next)');
    // After both FINs went and were acknowledged, what we send to the gone connection does not
    // carry over to the next one: its SYN/ACK acknowledges our new SYN exactly.
    expect(await ask(server, ['SYN', 'ACK', 'close', 'FIN', 'DATA', 'SYN'])).to.equal('SA(isn,next)');
    // A listener that takes our in-window SYN (SYN~) as the start of a connection: that SYN is
    // where our sequence space begins.
    expect(await ask(server, ['SYN~', 'ACK', 'SYN'])).to.equal('A(next,next)');
    // Client role: data sent before any SYN of ours is no part of the connection.
    expect(await ask(referenceSystem('client', 'full'), ['connect', 'DATA', 'SYN'])).to.equal('SA(isn,next)');
    // Finite: two seeds of test words settle on the same machine, which the complete suite for
    // one state more cannot refute.
    const a = await drive(referenceSystem('server', 'full'), { walks: 200, batch: 64, seed: 1, extraStates: 1 });
    const b = await drive(referenceSystem('server', 'full'), { walks: 200, batch: 64, seed: 2, extraStates: 1 });
    expect(differences(a.machine, b.machine)).to.deep.equal([]);
    expect(a.machine.next.length).to.be.within(15, 30);
  });

  it('a rate limit the target keeps: the inputs it limits are spaced out, so each gets its answer', async () => {
    // Challenge ACKs limited to one per 500 ms on each connection, as Linux and gVisor limit them.
    const settings = { challengeAckLimit: 1, challengeAckWindowMs: 500, challengeAckScope: 'connection' as const };
    const word = ['SYN', 'ACK', 'RST~', 'RST~'];
    const [packed] = await referenceSystem('server', 'full', { settings }).queryMany([word]);
    expect(packed).to.deep.equal(['SA(isn,next)', '-', 'A(next,next)', '-']);
    const [spaced] = await referenceSystem('server', 'full', { settings, timing: { limitGapMs: 600 } }).queryMany([word]);
    expect(spaced).to.deep.equal(['SA(isn,next)', '-', 'A(next,next)', 'A(next,next)']);
  });

  it('calibration tries data after data went both ways, where a stack delays its ACKs', async () => {
    const inputs = alphabet('full', 'server');
    // A stack that answers at once, but DATA after its application wrote only after 40 ms.
    const timing = await calibrate(async (words, t) => {
      for (const w of words) {
        const x = w.at(-1)!;
        t.onAnswer?.(x === 'DATA' && w.includes('write') ? 40 : 2, x);
      }
    }, 'server', inputs);
    expect(timing.waitFor?.DATA).to.equal(120);
    expect(timing.waitFor?.ACK).to.equal(30);
    // Over an alphabet without the application's write, there is no such context to try.
    const basic = await calibrate(async (words, t) => words.forEach((w) => t.onAnswer?.(w.includes('write') ? 40 : 2, w.at(-1)!)), 'server', alphabet('basic', 'server'));
    expect(basic.waitFor?.DATA).to.equal(30);
  });

  it('a mutant that takes an inexact RST tells itself apart at RST~ (the learnt machines differ there)', async () => {
    const inputs = ['SYN', 'ACK', 'DATA', 'RST~'];
    const pure = await drive(referenceSystem('server', 'full', { inputs }), { walks: 300, batch: 32 });
    const mutant = await drive(referenceSystem('server', 'full', { inputs, settings: mutantNamed('accept-inexact-rst').settings }), { walks: 300, batch: 32 });
    const d = differences(pure.machine, mutant.machine);
    expect(d.length).to.be.greaterThan(0);
    // The first difference: an inexact RST in a synchronized state is challenged by the reference
    // (RFC 5961 §3.2), taken as a reset by the mutant, which then answers what follows with RSTs.
    const first = d[0]!;
    expect(first.word).to.include('RST~');
    expect(first.word.slice(0, first.word.indexOf('RST~'))).to.include('SYN');
  });
});

describe('learn: answers put to a vote', () => {
  /**
   * A two-state toggle ('a' flips, outputs 1 when on) whose second output, in words starting
   * with "aa", is replaced by `odd(k)` on the k-th such query (undefined: the true output).
   */
  function toggle(odd: (k: number) => string | undefined): System {
    let k = 0;
    return {
      inputs: ['a', 'b'],
      async queryMany(words: ReadonlyArray<readonly string[]>) {
        return words.map((w) => {
          let on = false;
          const outs = w.map((x): string => {
            if (x === 'a') on = !on;
            return on ? '1' : '0';
          });
          if (w[0] === 'a' && w[1] === 'a') outs[1] = odd(k++) ?? outs[1]!;
          return outs;
        });
      },
    };
  }

  it('an answer given once otherwise is outvoted, recorded, and the machine is still exact', async () => {
    const r = await drive(toggle((k) => (k === 0 ? 'X' : undefined)), { walks: 50, repeats: 4 });
    expect(r.machine.next.length).to.equal(2);
    expect(run(r.machine, ['a', 'a', 'b'])).to.deep.equal(['1', '0', '0']);
    expect(r.wavering.length).to.equal(1);
    expect(r.wavering[0]!.settled).to.equal(true);
    expect(r.wavering[0]!.word).to.deep.equal(['a', 'a']);
  });

  it('no majority: learning stops with the sequence and what came how often, the last hypothesis kept', async () => {
    const r = await drive(toggle((k) => ['X', 'Y', '0'][k % 3]), { walks: 50, repeats: 3 });
    expect(r.stopped).to.match(/^the target answered the same inputs differently, with no majority: a a → /);
    const w = r.wavering.at(-1)!;
    expect(w.settled).to.equal(false);
    expect(w.word).to.deep.equal(['a', 'a']);
    expect(w.outputs.map((o) => o.count).reduce((a, b) => a + b)).to.equal(5);
    // The machine given back is the last hypothesis, over the system's inputs.
    expect(r.machine.inputs).to.deep.equal(['a', 'b']);
  });
});
