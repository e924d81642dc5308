/**
 * Deliberate violations of the RFCs, for mutation testing only: a mutant of the reference stack
 * (mutants.ts) is the stack with one of these switched on in its settings (`faults`). Each names
 * the one rule it breaks; the code that implements the rule checks for it, in one place. The
 * default settings have none.
 */
import { FAULTS_A } from './faults-a.js';
import { FAULTS_B } from './faults-b.js';
import { FAULTS_C } from './faults-c.js';
import { FAULTS_D } from './faults-d.js';
import { FAULTS_E } from './faults-e.js';
import { FAULTS_F } from './faults-f.js';
import { FAULTS_H } from './faults-h.js';
import { FAULTS_G } from './faults-g.js';

const CORE = [
  /** RFC 1122 §4.2.3.10 (MUST-57): a SYN to a broadcast or multicast address gets a SYN/ACK. */
  'answer-broadcast-syn',
  /** RFC 9293 §3.10.7.4 / RFC 5961 §3.2: any in-window RST resets the connection. */
  'accept-inexact-rst',
  /** RFC 9293 §3.7.1 (MUST-14): the peer's MSS option is ignored (the send MSS stays 1460). */
  'ignore-mss-option',
  /** RFC 6298 §5.5 (MUST-19 via RFC 9293 §3.8.1): the RTO grows by its initial value, not doubled. */
  'linear-backoff',
  /** RFC 1122 §4.2.3.14 (MUST-46): an active OPEN to a broadcast or multicast address is carried out (a SYN to it leaves). */
  'open-to-broadcast',
] as const;

/** Every fault: the core ones above and those of each group of requirements (faults-a.ts to faults-h.ts). */
export const FAULTS = [...CORE, ...FAULTS_A, ...FAULTS_B, ...FAULTS_C, ...FAULTS_D, ...FAULTS_E, ...FAULTS_F, ...FAULTS_G, ...FAULTS_H] as const;

export type Fault = (typeof FAULTS)[number];

/** True when `settings` switch `fault` on. */
export function hasFault(settings: { readonly faults: readonly Fault[] }, fault: Fault): boolean {
  return settings.faults.includes(fault);
}
