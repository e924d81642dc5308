/** What a mutant of the reference stack is (mutants.ts lists them), and the two ways to make one. */
import type { Fault } from './faults.js';
import type { ReferenceSettings } from './settings.js';

export interface Mutant {
  /** A short name, e.g. `answer-broadcast-syn`. */
  readonly name: string;
  /** The RFC 9293 Appendix B ID it violates (MUST-57, SHLD-14...), or the RFC section for a rule of another RFC (`RFC 6298 §2.4`). */
  readonly requirement: string;
  /** What it does wrong, in a sentence. */
  readonly breaks: string;
  /** How: the settings it changes (a fault, or a value the RFC forbids). */
  readonly settings: Partial<ReferenceSettings>;
}

export const fault = (name: Fault, requirement: string, breaks: string): Mutant => ({ name, requirement, breaks, settings: { faults: [name] } });
export const setting = (name: string, requirement: string, breaks: string, settings: Partial<ReferenceSettings>): Mutant => ({ name, requirement, breaks, settings });
