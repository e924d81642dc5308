/**
 * Helpers of the validation tests: find the line that carries a marker comment, and assert that
 * a scenario is rejected with a message naming file:line, step and field.
 */
import { expect as chaiExpect } from 'chai';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../../src/scenario/errors.js';
import type { Step } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';

/** 1-based line number of the only line of `file` with the block comment holding `marker`. */
export function lineOf(file: string, marker: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const tag = `/* ${marker} */`;
  const hits = lines.flatMap((l, i) => (l.includes(tag) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`marker ${marker} found ${hits.length} times in ${file}`);
  return hits[0]!;
}

/** A minimal client scenario around `steps`, with scenario-level fields overridden by `extra`. */
export function base(steps: Step[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 't', peer: { host: '10.77.0.2', port: 5000 }, steps, ...extra };
}

/** The ScenarioError `fn` throws (failing the test if it throws nothing, or something else). */
export function caught(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (e) {
    chaiExpect(e).to.be.instanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError, nothing was thrown');
}

/** The ScenarioError `p` rejects with. */
export async function caughtAsync(p: Promise<unknown>): Promise<ScenarioError> {
  try {
    await p;
  } catch (e) {
    chaiExpect(e).to.be.instanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError, nothing was thrown');
}

/**
 * Assertions for scenarios written in the test file at `moduleUrl` (its `import.meta.url`): the
 * file name the messages use, and the two kinds of rejection.
 */
export function rejections(moduleUrl: string) {
  const abs = fileURLToPath(moduleUrl);
  const self = relative(process.cwd(), abs);
  return {
    self,
    abs,
    /** Step `index` (0-based) is rejected: the message starts with `file:line: step N (label): field: `. */
    stepFails(value: unknown, marker: string, index: number, label: string, field: string): ScenarioError {
      const e = caught(() => validateScenario(value, self));
      const line = lineOf(abs, marker);
      chaiExpect(e.message.startsWith(`${self}:${line}: step ${index + 1} (${label}): ${field}: `), e.message).to.equal(true);
      chaiExpect([e.file, e.stepIndex, e.field]).to.deep.equal([self, index, field]);
      return e;
    },
    /** A scenario-level field is rejected: the message starts with `file: field: `. */
    scenarioFails(value: unknown, field: string): ScenarioError {
      const e = caught(() => validateScenario(value, self));
      chaiExpect(e.message.startsWith(`${self}: ${field}: `), e.message).to.equal(true);
      chaiExpect([e.field, e.stepIndex]).to.deep.equal([field, undefined]);
      return e;
    },
  };
}
