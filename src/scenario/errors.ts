/** Errors in a scenario, reported before anything is sent. */
import { resolve } from 'node:path';
import type { Step } from './types.js';
import { appCallText } from './model.js';
import { ScenarioError } from '../errors.js';

/** A scenario that cannot be run (defined with the other errors in src/errors.ts). */
export { ScenarioError };

/** A one-line label for a step: `step 3 (send 'PA')`; steps are numbered from 1. */
export function stepLabel(index: number, step: Step): string {
  switch (step.kind) {
    case 'pause':
    case 'silence':
    case 'drain':
      return `step ${index + 1} (${step.kind} ${step.ms} ms)`;
    case 'either':
    case 'anyOrder':
      return `step ${index + 1} (${step.kind})`;
    case 'icmp':
      return `step ${index + 1} (icmp ${step.type}/${step.code})`;
    case 'app':
      return `step ${index + 1} (app ${step.call && typeof step.call === 'object' ? appCallText(step.call) : '?'})`;
    case 'appWait':
      return `step ${index + 1} (appWait '${step.name}')`;
    default:
      return `step ${index + 1} (${step.kind} '${step.flags}')`;
  }
}

/** Builds the error for one field of one step. */
export function stepError(file: string, index: number, step: Step, field: string, problem: string): ScenarioError {
  // A step written in a helper module points at that module's line.
  const where = step.site ? `${resolve(file) === step.site.file ? file : step.site.file}:${step.site.line}` : file;
  return new ScenarioError(`${where}: ${stepLabel(index, step)}: ${field}: ${problem}`, file, index, field);
}

/** Builds the error for a scenario-level field. */
export function scenarioError(file: string, field: string, problem: string): ScenarioError {
  return new ScenarioError(`${file}: ${field}: ${problem}`, file, undefined, field);
}
