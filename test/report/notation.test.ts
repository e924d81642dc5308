/** Scenario notation: a segment written back as the step that matches it, and pasted back it does. */
import { expect as chaiExpect } from 'chai';
import { diffExpectation } from '../../src/engine/match.js';
import * as dsl from '../../src/scenario/dsl.js';
import { expect, mss, nop, option, pause, sack, sackOk, send, timestamp, wscale, eol } from '../../src/scenario/dsl.js';
import type { ExpectStep, SendStep } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { optionNotation, stepNotation, viewNotation } from '../../src/engine/notation.js';
import { Flag } from '../../src/wire/tcp.js';
import { SEED_ISN, SEED_PEER_ISN, viewFor } from '../engine/helpers.js';

const ISNS = { local: SEED_ISN, peer: SEED_PEER_ISN };
const NAMES = ['expect', 'send', 'pause', 'mss', 'nop', 'wscale', 'sackOk', 'sack', 'timestamp', 'eol', 'option'] as const;

/** Evaluates notation text with the DSL in scope, as a scenario file would. */
function evaluate(text: string): ExpectStep | SendStep {
  const fn = new Function(...NAMES, `return ${text};`) as (...a: unknown[]) => ExpectStep | SendStep;
  return fn(...NAMES.map((n) => dsl[n]));
}

/** The evaluated step passes validation inside a scenario. */
function valid(step: ExpectStep | SendStep): void {
  validateScenario({ name: 'n', peer: { host: '10.77.0.2', port: 5000 }, steps: [dsl.send('S'), step] }, 'n.ts');
}

describe('report/notation', () => {
  it('writes each option as the DSL call that makes it', () => {
    chaiExpect([mss(1460), wscale(7), sackOk(), sack([1, 2], [5, 9]), timestamp(1, 2), nop(), eol(), option(253, [0xde, 0xad])].map(optionNotation)).to.deep.equal([
      'mss(1460)',
      'wscale(7)',
      'sackOk()',
      'sack([1, 2], [5, 9])',
      'timestamp(1, 2)',
      'nop()',
      'eol()',
      'option(253, [222, 173])',
    ]);
  });

  it('writes a step with only the fields it sets', () => {
    chaiExpect(stepNotation(expect('SA', { seq: 0, ack: 1 }))).to.equal("expect('SA', { seq: 0, ack: 1 })");
    chaiExpect(stepNotation(expect('A', { seq: 1, ack: 36, optional: true }))).to.equal("expect('A', { seq: 1, ack: 36, optional: true })");
    chaiExpect(stepNotation(send('S', { window: 65535, options: [mss(1460), nop(), wscale(8)] }))).to.equal("send('S', { window: 65535, options: [mss(1460), nop(), wscale(8)] })");
    chaiExpect(stepNotation(send('PA', { payload: 'hi\n' }))).to.equal('send(\'PA\', { payload: "hi\\n" })');
    chaiExpect(stepNotation(send('A'))).to.equal("send('A')");
    chaiExpect(stepNotation(pause(250))).to.equal('pause(250)');
  });

  it("writes the seed's SYN/ACK as it arrived", () => {
    const v = viewFor({ dir: 'in', seq: 547479085, ack: 4126488337, flags: Flag.SYN | Flag.ACK, options: [mss(1460), nop(), wscale(6), nop(), nop(), sackOk()] }, ISNS);
    chaiExpect(viewNotation(v)).to.equal("expect('SA', { seq: 0, ack: 1, window: 65535, options: [mss(1460), nop(), wscale(6), nop(), nop(), sackOk()] })");
  });

  it('our SYN as a send, without an ack (no ACK flag)', () => {
    const v = viewFor({ dir: 'out', seq: SEED_ISN, flags: Flag.SYN }, ISNS);
    chaiExpect(viewNotation(v)).to.equal("send('S', { seq: 0, window: 65535 })");
  });

  it("marks a raw seq when the peer's ISN is unknown", () => {
    const v = viewFor({ dir: 'in', seq: 0, ack: SEED_ISN + 1, flags: Flag.RST | Flag.ACK, window: 0 }, { local: SEED_ISN });
    chaiExpect(viewNotation(v)).to.equal("expect('RA', { seq: 0 /* raw: ISN unknown */, ack: 1, window: 0 })");
  });

  it('a long payload is written as its length', () => {
    const v = viewFor({ dir: 'in', seq: 547479086, ack: 4126488337, flags: Flag.PSH | Flag.ACK, payload: 'z'.repeat(65) }, ISNS);
    chaiExpect(viewNotation(v)).to.equal("expect('PA', { seq: 1, ack: 1, window: 65535, len: 65 })");
  });

  describe('evaluated back, the text matches the segment it came from', () => {
    const cases = {
      'SYN/ACK with options': { dir: 'in', seq: 547479085, ack: 4126488337, flags: Flag.SYN | Flag.ACK, window: 64240, options: [mss(1460), nop(), wscale(7), sackOk(), timestamp(99, 0)] },
      'text data': { dir: 'in', seq: 547479086, ack: 4126488371, flags: Flag.PSH | Flag.ACK, payload: 'Fri Jun 14 10:20:30 2024\r\n"quoted"\t\\' },
      'long data': { dir: 'in', seq: 547479086, ack: 4126488371, flags: Flag.PSH | Flag.ACK, payload: 'q'.repeat(100) },
      'binary data': { dir: 'in', seq: 547479086, ack: 4126488371, flags: Flag.PSH | Flag.ACK, payload: Uint8Array.from([0, 1, 2, 0xff, 0x80]) },
      'SACK edges': { dir: 'in', seq: 547479086, ack: 4126488337, flags: Flag.ACK, options: [nop(), nop(), sack([4126488347, 4126488357])] },
      'unknown option': { dir: 'in', seq: 547479086, ack: 4126488337, flags: Flag.ACK, options: [option(253, [1, 2]), nop(), nop()] },
      'FIN/ACK across the wrap': { dir: 'in', seq: 0x10, ack: 4126488372, flags: Flag.FIN | Flag.ACK },
    } as const;
    for (const [name, seg] of Object.entries(cases)) {
      it(name, () => {
        const isns = name.includes('wrap') ? { local: SEED_ISN, peer: 0xfffffff0 } : ISNS;
        const v = viewFor({ ...seg, options: 'options' in seg ? [...seg.options] : [] }, isns);
        const step = evaluate(viewNotation(v)) as ExpectStep;
        chaiExpect(step.kind).to.equal('expect');
        valid(step);
        chaiExpect(diffExpectation(step, v, isns)).to.deep.equal([]);
      });
    }

    it('an expectation written back is the same expectation', () => {
      const e = expect('SA', { seq: 0, ack: 1, window: 1000, payload: 'ab', len: 2, options: [mss(1400), sack([1, 3])], optional: true, timeout: 500 });
      const back = evaluate(stepNotation(e)) as ExpectStep;
      chaiExpect(back.fields).to.deep.equal(e.fields);
      chaiExpect(back.flags).to.equal('SA');
    });

    it('a binary payload is written as bytes, not as a 0x... number', () => {
      const v = viewFor({ dir: 'in', seq: 547479086, ack: 4126488371, flags: Flag.PSH | Flag.ACK, payload: Uint8Array.from([0, 1, 0xff]) }, ISNS);
      chaiExpect(viewNotation(v)).to.equal("expect('PA', { seq: 1, ack: 35, window: 65535, payload: Buffer.from('0001ff', 'hex') })");
    });

    it('a binary payload in a step is written back as bytes', () => {
      const e = expect('PA', { payload: Uint8Array.from([0, 0xff]) });
      const back = evaluate(stepNotation(e)) as ExpectStep;
      chaiExpect(Array.from(back.fields.payload as Uint8Array)).to.deep.equal([0, 0xff]);
    });
  });
});
