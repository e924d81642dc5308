/**
 * The reference stack against the mutated twins (test/conformance/twins-table.ts): every original
 * conformance scenario passes against it, and every twin fails, at the very step it mutates. So
 * the twins are no vacuous proof on an RFC-correct stack either, and the reference is no stack that
 * passes whatever it is shown. In memory, no root.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TWINS, twinSource } from '../conformance/twins-table.js';
import { runOnReference } from './helpers.js';

describe('reference stack: every twin fails at its mutated step', function () {
  this.timeout(60_000);
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tcpcraft-ref-twins-'));
    for (const t of TWINS) writeFileSync(join(tmp, t.file), twinSource(t));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const t of TWINS) {
    it(`${t.file} passes; its twin (step ${t.step} -> ${t.with}) fails there: ${t.why}`, async () => {
      const original = await runOnReference(`scenarios/conformance/${t.file}`);
      expect(original.report?.passed, `the original: ${original.why}`).to.equal(true);
      const twin = await runOnReference(join(tmp, t.file));
      expect(twin.report?.passed, `the twin passed: ${twin.why}`).to.equal(false);
      expect(twin.report?.failure?.stepIndex, `the twin failed elsewhere: ${twin.why}`).to.equal(t.step - 1);
    });
  }
});
