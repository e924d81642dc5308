/** The authoring functions: call sites are captured, option helpers give the right values. */
import { expect as chaiExpect } from 'chai';
import { fileURLToPath } from 'node:url';
import { eol, expect, mss, nop, option, pause, sack, sackOk, scenario, send, timestamp, wscale } from '../../src/scenario/dsl.js';
import { stepLabel } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/io/load.js';
import { lineOf } from './lines.js';

const SELF = fileURLToPath(import.meta.url);

describe('scenario/dsl', () => {
  describe('call sites', () => {
    it('send, expect and pause remember this file and the line they were called on', () => {
      const a = send('S'); /* @site-send */
      const b = expect('SA', { seq: 0 }); /* @site-expect */
      const c = pause(10); /* @site-pause */
      chaiExpect(a.site).to.deep.equal({ file: SELF, line: lineOf(SELF, '@site-send'), column: 17 });
      chaiExpect(b.site?.file).to.equal(SELF);
      chaiExpect(b.site?.line).to.equal(lineOf(SELF, '@site-expect'));
      chaiExpect(c.site?.line).to.equal(lineOf(SELF, '@site-pause'));
    });

    it('steps on one line share a line and differ in column', () => {
      const [x, y] = [send('S'), send('A')]; /* @two */
      chaiExpect(x.site?.line).to.equal(lineOf(SELF, '@two'));
      chaiExpect(y.site?.line).to.equal(x.site?.line);
      chaiExpect(y.site!.column - x.site!.column).to.equal(11);
    });

    it('a step made inside a helper function points at the helper', () => {
      const helper = () => send('FA'); /* @helper */
      chaiExpect(helper().site?.line).to.equal(lineOf(SELF, '@helper'));
    });

    it('sites in a scenario file loaded from disk point at its lines', async () => {
      const sc = await loadScenario('scenarios/netcat-5000.ts');
      const abs = fileURLToPath(new URL('../../scenarios/netcat-5000.ts', import.meta.url));
      chaiExpect(sc.steps.map((s) => s.site?.file)).to.deep.equal(new Array(9).fill(abs));
      chaiExpect(sc.steps.map((s) => s.site?.line)).to.deep.equal([21, 23, 25, 27, 29, 31, 33, 35, 37]);
    });

    it('steps keep their kind, flags and fields', () => {
      chaiExpect(send('PA', { payload: 'hi' })).to.include({ kind: 'send', flags: 'PA' });
      chaiExpect(send('PA', { payload: 'hi' }).fields).to.deep.equal({ payload: 'hi' });
      chaiExpect(send('S').fields).to.deep.equal({});
      chaiExpect(expect('A').fields).to.deep.equal({});
      chaiExpect(pause(250)).to.include({ kind: 'pause', ms: 250 });
    });

    it('scenario() returns its argument unchanged', () => {
      const def = { name: 'x', peer: { host: '10.0.0.1', port: 1 }, steps: [send('S')] };
      chaiExpect(scenario(def)).to.equal(def);
    });

    it('steps are labelled for messages from 1', () => {
      chaiExpect(stepLabel(2, send('PA'))).to.equal("step 3 (send 'PA')");
      chaiExpect(stepLabel(0, expect('SA'))).to.equal("step 1 (expect 'SA')");
      chaiExpect(stepLabel(4, pause(100))).to.equal('step 5 (pause 100 ms)');
    });
  });

  describe('option helpers', () => {
    it('give the option values', () => {
      chaiExpect(mss(1460)).to.deep.equal({ kind: 'mss', value: 1460 });
      chaiExpect(wscale(8)).to.deep.equal({ kind: 'wscale', shift: 8 });
      chaiExpect(sackOk()).to.deep.equal({ kind: 'sackOk' });
      chaiExpect(sack([1, 35], [40, 50])).to.deep.equal({ kind: 'sack', blocks: [[1, 35], [40, 50]] });
      chaiExpect(timestamp(12345, 0)).to.deep.equal({ kind: 'timestamp', tsval: 12345, tsecr: 0 });
      chaiExpect(nop()).to.deep.equal({ kind: 'nop' });
      chaiExpect(eol()).to.deep.equal({ kind: 'eol' });
    });

    it('option() copies its data into a Uint8Array', () => {
      const data = [0xde, 0xad];
      const o = option(253, data);
      chaiExpect(o).to.deep.equal({ kind: 'unknown', code: 253, data: Uint8Array.from([0xde, 0xad]) });
      data[0] = 0;
      chaiExpect(o.kind === 'unknown' && o.data[0]).to.equal(0xde);
      chaiExpect(option(30)).to.deep.equal({ kind: 'unknown', code: 30, data: new Uint8Array(0) });
    });
  });
});
